// Leases and fencing between nodes sharing one database (docs/storage.md, "Leases"), on a real SQLite file
// and a real PostgreSQL database: who holds a hearing, takeover after expiry with a higher epoch, renewal and
// release, and a commit refused once the hearing has moved to another node.
#include <chrono>
#include <future>
#include <thread>
#include <type_traits>

#include "backend_fixture.hpp"
#include "store/log_writer.hpp"

namespace dais::store::testing {
namespace {

using namespace std::chrono_literals;

StoreOptions node_options(const std::string& node) {
  StoreOptions options;
  options.node = node;
  return options;
}

class LeaseContract : public BackendTest {
 protected:
  std::unique_ptr<Store> open_node(const std::string& node) { return open(node_options(node)); }

  std::int64_t logged(const HearingId& hearing) {
    return count("SELECT count(*) FROM events WHERE hearing = '" + hearing + "'");
  }
};
DAIS_ON_BOTH_BACKENDS(LeaseContract);

// The events of `cmd` as a record decided under the lease `epoch`.
CommandRecord record_of(StoredHearing& h, const core::ParticipantId& actor, const core::Command& cmd,
                        std::optional<std::int64_t> epoch) {
  return CommandRecord{h.id(), h.engine.ok(actor, cmd), std::nullopt, epoch};
}

TEST_P(LeaseContract, TheFirstAcquisitionHasEpochOneAndAnotherNodeSeesItsHolder) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing h(*n1);
  EXPECT_EQ(n1->lease_of(h.id()).value(), std::nullopt);

  auto taken = n1->acquire_lease(h.id(), 60s);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(taken->owner, "n1");
  EXPECT_EQ(taken->epoch, 1);
  EXPECT_GT(taken->remaining_ms, 0);

  auto refused = n2->acquire_lease(h.id(), 60s);
  ASSERT_TRUE(refused.ok()) << refused.error().message;
  EXPECT_EQ(refused->owner, "n1");
  EXPECT_EQ(refused->epoch, 1);
  EXPECT_GT(refused->remaining_ms, 0);

  auto seen = n2->lease_of(h.id());
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_EQ((*seen)->owner, "n1");
  EXPECT_EQ((*seen)->epoch, 1);
}

TEST_P(LeaseContract, AnExpiredLeaseIsTakenOverAndTheOldOwnerCommitsNothing) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing h(*n1);
  ASSERT_EQ(n1->acquire_lease(h.id(), 0ms)->epoch, 1);  // expires at once

  auto taken = n2->acquire_lease(h.id(), 60s);
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(taken->owner, "n2");
  EXPECT_EQ(taken->epoch, 2);

  const CommandRecord opening = record_of(h, "chair", core::OpenCheckIn{}, 1);
  auto fenced = commit(*n1, opening);
  ASSERT_FALSE(fenced.ok());
  EXPECT_TRUE(lost_lease(fenced.error()));
  EXPECT_EQ(fenced.error().code, core::ErrorCode::storage_failed);
  EXPECT_EQ(fenced.error().message,
            "hearing " + h.id() + " moved to node n2 (lease epoch 2, this node held 1)");
  EXPECT_EQ(fenced.error().params.at("lease_epoch"), core::ErrorParam(std::int64_t{1}));
  EXPECT_EQ(fenced.error().params.at("owner"), core::ErrorParam(std::string("n2")));
  EXPECT_EQ(logged(h.id()), 0);

  CommandRecord again = opening;
  again.lease_epoch = 2;
  auto stored = commit(*n2, again);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->log_position, 1);
  EXPECT_EQ(logged(h.id()), 1);

  auto lost = n1->renew_leases(60s);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_EQ(*lost, std::vector<HearingId>{h.id()});
  EXPECT_TRUE(n1->renew_leases(60s)->empty());  // told once: it no longer counts the hearing as its own
  EXPECT_TRUE(n2->renew_leases(60s)->empty());
  EXPECT_EQ(n2->lease_of(h.id()).value()->epoch, 2);  // renewing moves no epoch
}

TEST_P(LeaseContract, ExpiryAloneFencesNothingAndRenewalKeepsTheLease) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing h(*n1);
  ASSERT_EQ(n1->acquire_lease(h.id(), 0ms)->epoch, 1);
  // Nobody took it: a commit at the old epoch is still this node's to make.
  auto stored = commit(*n1, record_of(h, "chair", core::OpenCheckIn{}, 1));
  ASSERT_TRUE(stored.ok()) << stored.error().message;

  auto lost = n1->renew_leases(60s);
  ASSERT_TRUE(lost.ok()) << lost.error().message;
  EXPECT_TRUE(lost->empty());
  auto refused = n2->acquire_lease(h.id(), 60s);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->owner, "n1");
  EXPECT_EQ(refused->epoch, 1);
  EXPECT_GT(refused->remaining_ms, 0);
}

TEST_P(LeaseContract, ANodeThatTakesItsOwnLeaseAgainRaisesTheEpoch) {
  auto n1 = open_node("n1");
  StoredHearing h(*n1);
  ASSERT_EQ(n1->acquire_lease(h.id(), 60s)->epoch, 1);
  auto again = n1->acquire_lease(h.id(), 60s);  // a restart under the same name
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->owner, "n1");
  EXPECT_EQ(again->epoch, 2);
  auto stale = commit(*n1, record_of(h, "chair", core::OpenCheckIn{}, 1));
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(lost_lease(stale.error()));
  EXPECT_EQ(logged(h.id()), 0);
}

TEST_P(LeaseContract, AReleasedLeaseIsTakenByAnotherNodeAtOnce) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing h(*n1);
  ASSERT_EQ(n1->acquire_lease(h.id(), 60s)->epoch, 1);
  auto released = n1->release_lease(h.id());
  ASSERT_TRUE(released.ok()) << released.error().message;
  EXPECT_TRUE(*released);
  EXPECT_LE(n2->lease_of(h.id()).value()->remaining_ms, 0);

  auto taken = n2->acquire_lease(h.id(), 60s);
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->owner, "n2");
  EXPECT_EQ(taken->epoch, 2);
  EXPECT_FALSE(*n1->release_lease(h.id()));  // no longer n1's to release
  EXPECT_EQ(n2->lease_of(h.id()).value()->owner, "n2");
}

TEST_P(LeaseContract, ARecordWithoutALeaseEpochIsRefusedOnANode) {
  auto n1 = open_node("n1");
  StoredHearing h(*n1);
  ASSERT_TRUE(n1->acquire_lease(h.id(), 60s).ok());
  auto refused = commit(*n1, record_of(h, "chair", core::OpenCheckIn{}, std::nullopt));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::storage_failed);
  EXPECT_FALSE(lost_lease(refused.error()));
  EXPECT_NE(refused.error().message.find("carries no lease epoch"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(logged(h.id()), 0);
}

TEST_P(LeaseContract, TheOnlyNodeKeepsNoLeasesAndIgnoresEpochs) {
  auto store = open();
  StoredHearing h(*store);
  auto stored = commit(*store, record_of(h, "chair", core::OpenCheckIn{}, 42));
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(logged(h.id()), 1);
  auto refused = store->acquire_lease(h.id(), 60s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, core::ErrorCode::invalid);
  EXPECT_FALSE(store->lease_of(h.id()).ok());
}

// In one batch, a record refused for a lost lease takes nothing of another hearing with it.
TEST_P(LeaseContract, AFencedRecordLeavesTheRestOfTheBatchToOtherHearings) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing moved(*n1);
  core::HearingDefinition def = core::testing::make_definition();
  def.id = "kept-hearing";
  StoredHearing kept(*n1, def);
  ASSERT_TRUE(n1->acquire_lease(moved.id(), 0ms).ok());
  ASSERT_EQ(n2->acquire_lease(moved.id(), 60s)->epoch, 2);
  ASSERT_EQ(n1->acquire_lease(kept.id(), 60s)->epoch, 1);

  const std::vector<CommandRecord> records = {record_of(moved, "chair", core::OpenCheckIn{}, 1),
                                              record_of(kept, "chair", core::OpenCheckIn{}, 1),
                                              record_of(kept, "V1", core::CheckIn{}, 1)};
  std::vector<const CommandRecord*> batch;
  for (const CommandRecord& r : records) batch.push_back(&r);
  const StoreOptions node = node_options("n1");
  auto results = on_database([&](auto& db) {
    BasicLogWriter<std::remove_cvref_t<decltype(db)>> writer(db, node);
    return writer.commit(batch);
  });
  ASSERT_EQ(results.size(), 3u);
  ASSERT_FALSE(results[0].ok());
  EXPECT_TRUE(lost_lease(results[0].error()));
  ASSERT_TRUE(results[1].ok()) << results[1].error().message;
  ASSERT_TRUE(results[2].ok()) << results[2].error().message;
  EXPECT_EQ(results[2]->log_position, 2);
  EXPECT_EQ(logged(moved.id()), 0);
  EXPECT_EQ(logged(kept.id()), 2);
}

// True once the single count `sql` selects on `db` is above zero (checked every 10 ms, for at most a minute).
bool wait_for_row(pg::Connection& db, const std::string& sql) {
  for (int i = 0; i < 6000; ++i) {
    auto q = db.query(sql);
    if (q.next() && q.int64(0) > 0) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

// Counts the statements beginning with `prefix` that wait for a lock in this database.
std::string waiting_on_lock(const std::string& prefix) {
  return "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = "
         "'Lock' AND query LIKE '" +
         prefix + "%'";
}

// PostgreSQL only: SQLite's writers exclude each other whole (BEGIN IMMEDIATE), so there is no race to close.
class LeaseRace : public LeaseContract {};
INSTANTIATE_TEST_SUITE_P(Backends, LeaseRace, ::testing::Values(Backend::postgres), backend_name);

// The race the lease row's FOR SHARE closes: a node's commit has read its lease and not yet committed when
// another node takes the expired lease over. The takeover waits for that commit, so the new owner's load
// holds it. The commit is held open deterministically by a third connection locking the hearing's head row,
// which the commit updates after reading its lease.
TEST_P(LeaseRace, ATakeoverWaitsForACommitInFlightAndThenLoadsIt) {
  auto n1 = open_node("n1");
  auto n2 = open_node("n2");
  StoredHearing h(*n1);
  ASSERT_EQ(n1->acquire_lease(h.id(), 0ms)->epoch, 1);  // expired: free for n2 to take

  pg::Connection blocker(location());
  blocker.exec("BEGIN");
  blocker.query("SELECT 1 FROM heads WHERE hearing = ? FOR UPDATE").with(h.id()).next();

  std::promise<core::Result<CommitInfo>> committed;
  n1->submit(record_of(h, "chair", core::OpenCheckIn{}, 1),
             [&](core::Result<CommitInfo> r) { committed.set_value(std::move(r)); });
  pg::Connection watcher(location());
  const bool commit_held = wait_for_row(watcher, waiting_on_lock("UPDATE heads"));  // past its lease check
  std::future<core::Result<Lease>> takeover;
  bool takeover_waited = false;
  if (commit_held) {
    takeover = std::async(std::launch::async, [&] { return n2->acquire_lease(h.id(), 60s); });
    takeover_waited = wait_for_row(watcher, waiting_on_lock("INSERT INTO hearing_leases"));
  }
  blocker.exec("ROLLBACK");
  ASSERT_TRUE(commit_held) << "the commit never reached the head row";
  EXPECT_TRUE(takeover_waited) << "the takeover did not wait for the commit holding the lease row";

  auto stored = committed.get_future().get();
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  auto taken = takeover.get();
  ASSERT_TRUE(taken.ok()) << taken.error().message;
  EXPECT_EQ(taken->owner, "n2");
  EXPECT_EQ(taken->epoch, 2);
  auto loaded = n2->load(h.id());
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->event_count, 1);
  EXPECT_EQ(canonical(*loaded), canonical(h.engine.state));

  auto fenced = commit(*n1, record_of(h, "V1", core::CheckIn{}, 1));
  ASSERT_FALSE(fenced.ok());
  EXPECT_TRUE(lost_lease(fenced.error()));
}

}  // namespace
}  // namespace dais::store::testing
