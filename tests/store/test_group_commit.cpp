// Group commit, batch by batch: one transaction per batch, a savepoint per record; a failed record takes the
// later records of its hearing with it, never the records of other hearings, and nothing is reported
// committed that is not stored. On both backends (backend_fixture.hpp).
#include <span>
#include <type_traits>

#include "backend_fixture.hpp"
#include "store/audit.hpp"
#include "store/db.hpp"
#include "store/log_writer.hpp"

namespace dais::store::testing {
namespace {

// The log writer on a connection of its own to the store's database, as the store's writer thread has it.
class DirectWriter {
 public:
  virtual ~DirectWriter() = default;
  virtual std::vector<core::Result<CommitInfo>> commit(std::span<const CommandRecord* const> batch) = 0;
  // The single integer that `sql` selects, read on the writer's connection.
  virtual std::int64_t count(const std::string& sql) = 0;
  // Makes the writer give up soon when another connection holds the write lock.
  virtual void wait_briefly_for_locks() = 0;
};

template <class Db>
class DirectWriterOn final : public DirectWriter {
 public:
  DirectWriterOn(std::unique_ptr<Db> db, const StoreOptions& options)
      : db_(std::move(db)), writer_(*db_, options) {}
  std::vector<core::Result<CommitInfo>> commit(std::span<const CommandRecord* const> batch) override {
    return writer_.commit(batch);
  }
  std::int64_t count(const std::string& sql) override {
    auto q = db_->query(sql);
    q.next();
    return q.int64(0);
  }
  void wait_briefly_for_locks() override {
    if constexpr (std::is_same_v<Db, sql::Database>) {
      db_->set_busy_timeout(std::chrono::milliseconds(20));
    } else {
      db_->exec("SET lock_timeout = '20ms'");
    }
  }

 private:
  std::unique_ptr<Db> db_;
  BasicLogWriter<Db> writer_;
};

class GroupCommitTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    core::HearingDefinition second = make_definition();
    second.id = "second-hearing";
    {
      auto store = open();
      ASSERT_TRUE(store->import_hearing(a.state.def).ok());
      ASSERT_TRUE(store->import_hearing(second).ok());
    }
    b = TestHearing(second);
    options.path = location();
    if (postgres()) {
      writer = std::make_unique<DirectWriterOn<pg::Connection>>(std::make_unique<pg::Connection>(location()),
                                                                options);
    } else {
      auto db = std::make_unique<sql::Database>(location(), sql::OpenMode::read_write);
      db->exec("PRAGMA foreign_keys = ON");
      writer = std::make_unique<DirectWriterOn<sql::Database>>(std::move(db), options);
    }
  }

  std::vector<core::Result<CommitInfo>> commit_all(const std::vector<CommandRecord>& records) {
    std::vector<const CommandRecord*> batch;
    for (const CommandRecord& r : records) batch.push_back(&r);
    return writer->commit(batch);
  }

  std::int64_t logged(const std::string& hearing) {
    return writer->count("SELECT count(*) FROM events WHERE hearing = '" + hearing + "'");
  }

  StoreOptions options;
  TestHearing a;
  TestHearing b;
  std::unique_ptr<DirectWriter> writer;
};
DAIS_ON_BOTH_BACKENDS(GroupCommitTest);

TEST_P(GroupCommitTest, AllRecordsOfABatchCommitTogetherWithConsecutivePositions) {
  std::vector<CommandRecord> records = {{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt},
                                        {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt},
                                        {a.state.def.id, a.ok("V1", core::CheckIn{}), std::nullopt},
                                        {a.state.def.id, a.ok("V2", core::CheckIn{}), std::nullopt}};
  auto results = commit_all(records);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(results[0]->log_position, 1);
  EXPECT_EQ(results[1]->log_position, 1);
  EXPECT_EQ(results[2]->log_position, 2);
  EXPECT_EQ(results[3]->log_position, 3);
  EXPECT_EQ(logged(a.state.def.id), 3);
  EXPECT_EQ(logged(b.state.def.id), 1);
  auto report = verify_file(location(), std::nullopt);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->first_break.has_value());
  EXPECT_EQ(report->verified.front().head_hash, results[1]->head_hash);  // "second-hearing" sorts first
}

TEST_P(GroupCommitTest, AFailedRecordTakesTheLaterRecordsOfItsHearingButNotOthers) {
  commit_all({{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt}});
  // The second record reuses the first one's idempotency key: a constraint failure inside the batch.
  std::vector<CommandRecord> records = {
      {a.state.def.id, a.ok("V1", core::CheckIn{}), Idempotency{"V1", "k", "{}"}},
      {a.state.def.id, a.ok("V2", core::CheckIn{}), Idempotency{"V1", "k", "{}"}},
      {a.state.def.id, a.ok("V3", core::CheckIn{}), std::nullopt},
      {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt}};
  auto results = commit_all(records);
  ASSERT_TRUE(results[0].ok());
  ASSERT_FALSE(results[1].ok());
  EXPECT_EQ(results[1].error().code, core::ErrorCode::storage_failed);
  EXPECT_NE(results[1].error().message.find("conflicts with what is already stored"), std::string::npos)
      << results[1].error().message;
  ASSERT_FALSE(results[2].ok());
  EXPECT_NE(results[2].error().message.find("earlier command of hearing test-hearing"), std::string::npos)
      << results[2].error().message;
  ASSERT_TRUE(results[3].ok());
  EXPECT_EQ(logged(a.state.def.id), 2);  // check-in opened, V1
  EXPECT_EQ(logged(b.state.def.id), 1);
  EXPECT_EQ(writer->count("SELECT count(*) FROM idempotency"), 1);
  auto report = verify_file(location(), std::nullopt);
  EXPECT_FALSE(report->first_break.has_value()) << report->first_break->what;
  // The caller reloads the hearing and goes on from what was stored.
  writer.reset();
  auto store = open();
  auto reloaded = store->load(a.state.def.id);
  ASSERT_TRUE(reloaded.ok());
  EXPECT_EQ(reloaded->checked_in, (std::set<core::ParticipantId>{"V1"}));
  TestHearing again(a.state.def);
  again.state = *reloaded;
  auto next = commit(*store, CommandRecord{a.state.def.id, again.ok("V2", core::CheckIn{}), std::nullopt});
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->log_position, 3);
}

TEST_P(GroupCommitTest, ARecordForAnUnknownHearingFailsAlone) {
  auto results = commit_all({{"no-such-hearing", {core::Event{1, core::CheckInOpened{}}}, std::nullopt},
                             {a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt}});
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(results[0].error().code, core::ErrorCode::not_found);
  EXPECT_TRUE(results[1].ok());
}

TEST_P(GroupCommitTest, EventsThatDoNotFitTheStateAreRefusedAndRolledBack) {
  // A sheet for a ballot that does not exist: the writer's state copy cannot apply it, so nothing is stored.
  auto results =
      commit_all({{a.state.def.id, {core::Event{1, core::SheetRecorded{"B9", "V1", false}}}, std::nullopt}});
  ASSERT_FALSE(results[0].ok());
  EXPECT_EQ(logged(a.state.def.id), 0);
}

TEST_P(GroupCommitTest, WhenTheTransactionIsLostEveryRecordOfTheBatchFails) {
  // Another connection holds the write lock: the writer gives up after its wait (SQLite's busy timeout,
  // PostgreSQL's lock_timeout).
  writer->wait_briefly_for_locks();
  on_database([&](auto& other) {
    using Db = std::remove_reference_t<decltype(other)>;
    typename DbTypes<Db>::Transaction lock(other, DbTypes<Db>::TransactionKind::immediate);
    auto results = commit_all({{a.state.def.id, a.ok("chair", core::OpenCheckIn{}), std::nullopt},
                               {b.state.def.id, b.ok("chair", core::OpenCheckIn{}), std::nullopt}});
    for (const auto& r : results) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, core::ErrorCode::storage_failed);
      EXPECT_NE(r.error().message.find("lock"), std::string::npos) << r.error().message;
    }
  });
  EXPECT_EQ(logged(a.state.def.id), 0);
}

}  // namespace
}  // namespace dais::store::testing
