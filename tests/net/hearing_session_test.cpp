// The hearing session without sockets, threads or a clock: the test hands it requests, the store's outcomes
// and the time, and reads what each recording connection was sent. The store is a real SQLite file.
#include <gtest/gtest.h>

#include "net/hearing_session.hpp"
#include "recording_device.hpp"
#include "store/store.hpp"

namespace dais::test {
namespace {

using Device = RecordingDevice;

constexpr core::TimeMs kStart = 1'767'225'600'000;

class DrivenSession {
 public:
  explicit DrivenSession(net::Limits limits = Hall::test_limits()) : limits_(limits) {
    auto state = hall_.store().load(hall_.hearing_id());
    if (!state) throw std::runtime_error(state.error().message);
    session_.emplace(net::HearingContext{hall_.store(), reads_, clock_, metrics_, limits_, public_url_},
                     hall_.hearing_id(), std::move(*state), std::nullopt);
  }

  net::HearingSession& session() { return *session_; }
  // A new session from what the store holds, as after a restart; devices join again.
  void restart() {
    auto state = hall_.store().load(hall_.hearing_id());
    if (!state) throw std::runtime_error(state.error().message);
    session_.emplace(context(), hall_.hearing_id(), std::move(*state), std::nullopt);
  }
  net::HearingContext context() { return {hall_.store(), reads_, clock_, metrics_, limits_, public_url_}; }
  std::string hearing_id() const { return hall_.hearing_id(); }
  store::Store& store_of() { return hall_.store(); }
  const std::string& token(const std::string& participant) const { return hall_.token(participant); }
  core::TimeMs now = kStart;

  std::shared_ptr<Device> join(const std::string& participant) {
    auto d = std::make_shared<Device>();
    session_->join(d, participant, std::nullopt, now);
    who_[d.get()] = participant;
    return d;
  }
  // Queues a command, decoded as the WebSocket session decodes it.
  void submit(const std::shared_ptr<Device>& from, json message) {
    const std::string& who = who_.at(from.get());
    auto r = decoded_request(hall_.hearing_id(), who, from, std::move(message), "r" + std::to_string(++ids_));
    if (r) session_->enqueue(std::move(*r));
  }
  // Stores each record as the server would and returns the outcomes, in order.
  std::vector<core::Result<store::CommitInfo>> store(std::vector<store::CommandRecord> records) {
    std::vector<std::optional<core::Result<store::CommitInfo>>> outcomes(records.size());
    for (std::size_t i = 0; i < records.size(); ++i)
      hall_.store().submit(std::move(records[i]), [&outcomes, i](auto o) { outcomes[i] = std::move(o); });
    hall_.store().flush();
    std::vector<core::Result<store::CommitInfo>> out;
    for (auto& o : outcomes) out.push_back(std::move(*o));
    return out;
  }
  // The whole round: the batch decided, stored and answered.
  net::HearingSession::BatchEnd run_batch() {
    auto outcomes = store(session_->take_batch(now));
    auto end =
        session_->busy() ? net::HearingSession::BatchEnd::pending : net::HearingSession::BatchEnd::stored;
    for (std::size_t i = 0; i < outcomes.size(); ++i)
      end = session_->committed(i, std::move(outcomes[i]), now);
    return end;
  }
  json request(const std::shared_ptr<Device>& from, json message) {
    const std::size_t before = from->got.size();
    submit(from, std::move(message));
    run_batch();
    return from->answer_from(before);
  }

 private:
  Hall hall_;
  std::mutex reads_;
  net::ManualClock clock_;  // in the context for LiveHearing; the session never reads it
  net::Metrics metrics_;
  net::Limits limits_;
  std::string public_url_;
  std::optional<net::HearingSession> session_;
  std::map<const net::Connection*, std::string> who_;
  std::uint64_t ids_ = 0;
};

bool carries(const json& update, const std::string& section) {
  return update.contains("sections") && update["sections"].contains(section);
}

// A hearing with a ballot open for the first `voters` voters, checked in; returns its id.
std::string open_ballot(DrivenSession& h, const std::shared_ptr<Device>& chair, int voters = 100) {
  auto desk = h.join("sec1");
  EXPECT_EQ(h.request(chair, {{"type", "open_check_in"}})["type"], "ack");
  const std::size_t before = desk->got.size();
  for (int i = 1; i <= voters; ++i) h.submit(desk, {{"type", "check_in"}, {"participant", voter_id(i)}});
  h.run_batch();  // one batch of all of them
  EXPECT_EQ(desk->of_type("ack", before).size(), static_cast<std::size_t>(voters));
  EXPECT_EQ(h.request(chair, {{"type", "start_session"}})["type"], "ack");
  const json created =
      h.request(chair, {{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  const std::string ballot = created["result"]["ballot"];
  EXPECT_EQ(h.request(chair, {{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");
  return ballot;
}

// A session paced at `tally_hz`, with the chair, a hall screen and an open ballot; `opened` is when it
// opened.
struct PacedBallot {
  explicit PacedBallot(double tally_hz) : h(limits(tally_hz)) {
    chair = h.join("chair");
    screen = h.join("screen");
    ballot = open_ballot(h, chair);
    opened = h.now;  // the opening carried the count: the pacing counts from it
  }
  static net::Limits limits(double tally_hz) {
    net::Limits l = Hall::test_limits();
    l.tally_hz = tally_hz;
    return l;
  }
  json vote(int n) { return h.request(h.join(voter_id(n)), good_sheet(ballot, n)); }
  DrivenSession h;
  std::shared_ptr<Device> chair;
  std::shared_ptr<Device> screen;
  std::string ballot;
  core::TimeMs opened = 0;
};

TEST(HearingSession, NothingOfABatchGoesOutBeforeTheStoreHasItAndTheAckComesAfterTheUpdate) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  const std::size_t chair_before = chair->got.size();
  const std::size_t desk_before = desk->got.size();
  h.submit(chair, {{"type", "open_check_in"}});
  auto records = h.store(h.session().take_batch(h.now));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(h.session().busy());
  EXPECT_EQ(chair->got.size(), chair_before) << "sent before it was stored";
  EXPECT_EQ(desk->got.size(), desk_before) << "sent before it was stored";

  EXPECT_EQ(h.session().committed(0, std::move(records[0]), h.now), net::HearingSession::BatchEnd::stored);
  EXPECT_FALSE(h.session().busy());
  ASSERT_EQ(chair->got.size(), chair_before + 2);
  EXPECT_EQ(chair->got[chair_before]["type"], "update");
  EXPECT_EQ(chair->got[chair_before + 1]["type"], "ack");
  EXPECT_EQ(desk->of_type("update", desk_before).size(), 1u);
  EXPECT_EQ(desk->of_type("ack", desk_before).size(), 0u);
  // The sender's update says its ack follows, so its connection can write both at once; the ack ends the
  // hand-over, and no one else waits for anything.
  EXPECT_TRUE(chair->more[chair_before]);
  EXPECT_FALSE(chair->more[chair_before + 1]);
  for (std::size_t i = desk_before; i < desk->more.size(); ++i) EXPECT_FALSE(desk->more[i]);
}

// A vote: the voter's own update (`me`) is marked as followed by its ack; another voter's tablet is sent
// nothing, and the count the chair gets later is not marked.
TEST(HearingSession, AVotersUpdateIsHandedOverWithItsAck) {
  PacedBallot b(0);  // every count at once
  auto voter = b.h.join(voter_id(1));
  auto other = b.h.join(voter_id(2));
  const std::size_t before = voter->got.size();
  const std::size_t other_before = other->got.size();
  const std::size_t chair_before = b.chair->got.size();
  b.h.submit(voter, good_sheet(b.ballot, 1));
  b.h.run_batch();
  ASSERT_EQ(voter->got.size(), before + 2);
  EXPECT_TRUE(voter->got[before].contains("me"));
  EXPECT_TRUE(voter->more[before]);
  EXPECT_EQ(voter->got[before + 1]["type"], "ack");
  EXPECT_FALSE(voter->more[before + 1]);
  EXPECT_EQ(other->got.size(), other_before);
  ASSERT_GT(b.chair->got.size(), chair_before);
  for (std::size_t i = chair_before; i < b.chair->more.size(); ++i) EXPECT_FALSE(b.chair->more[i]);
}

// Under load a batch starts at most once every batch_interval_ms (here 10), on the time the session is given,
// and takes everything that came meanwhile; after a pause the next starts at once.
TEST(HearingSession, UnderLoadABatchStartsAtMostOnceAnInterval) {
  net::Limits limits = Hall::test_limits();
  limits.batch_interval_ms = 10;
  DrivenSession h(limits);
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  const core::TimeMs t0 = h.now;
  EXPECT_EQ(h.request(chair, {{"type", "open_check_in"}})["type"], "ack");  // idle: at once
  EXPECT_EQ(h.session().batch_due(), std::nullopt);

  const auto check_in = [&](int n, core::TimeMs at) {
    h.submit(desk, {{"type", "check_in"}, {"participant", voter_id(n)}});
    return h.session().take_batch(at);
  };
  EXPECT_TRUE(check_in(1, t0 + 9).empty());  // 9 ms after the last batch started: held
  EXPECT_FALSE(h.session().busy());
  EXPECT_EQ(h.session().batch_due(), t0 + 10);
  EXPECT_TRUE(check_in(2, t0 + 9).empty());
  const auto commit = [&](std::vector<store::CommandRecord> records, core::TimeMs at) {
    auto outcomes = h.store(std::move(records));
    for (std::size_t i = 0; i < outcomes.size(); ++i) h.session().committed(i, std::move(outcomes[i]), at);
  };
  auto records = h.session().take_batch(t0 + 10);  // exactly the interval: both, in one batch
  EXPECT_EQ(records.size(), 2u);
  EXPECT_EQ(h.session().batch_due(), std::nullopt);
  commit(std::move(records), t0 + 10);
  EXPECT_EQ(desk->of_type("ack").size(), 2u);

  EXPECT_TRUE(check_in(3, t0 + 19).empty());  // the interval counts from the last start (t0 + 10)
  EXPECT_EQ(h.session().batch_due(), t0 + 20);
  h.now = t0 + 20;
  h.run_batch();
  EXPECT_EQ(desk->of_type("ack").size(), 3u);

  records = check_in(4, t0 + 45);  // after a pause: at once
  EXPECT_EQ(records.size(), 1u);
  commit(std::move(records), t0 + 45);
  records = check_in(5, t0);  // the clock set back: not held until it catches up
  EXPECT_EQ(records.size(), 1u);
  commit(std::move(records), t0);
  EXPECT_EQ(desk->of_type("ack").size(), 5u);
}

TEST(HearingSession, TheBatchIntervalIsASettingWithARangeAndADefault) {
  net::ServerOptions o;
  EXPECT_EQ(o.limits.batch_interval_ms, 10);
  EXPECT_FALSE(net::apply_setting(o, "batch_interval_ms", 1001).ok());
  EXPECT_FALSE(net::apply_setting(o, "batch_interval_ms", -1).ok());
  EXPECT_EQ(o.limits.batch_interval_ms, 10);
  EXPECT_TRUE(net::apply_setting(o, "batch_interval_ms", 0).ok());  // every batch at once
  EXPECT_EQ(o.limits.batch_interval_ms, 0);
}

TEST(HearingSession, ACommitTheStoreRefusedIsAnsweredStorageFailedAndNothingOfItIsShown) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  const std::int64_t seq = h.session().state().event_count;
  const std::size_t desk_before = desk->got.size();
  h.submit(chair, {{"type", "open_check_in"}});
  auto records = h.session().take_batch(h.now);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(h.session().state().event_count, seq + 1) << "applied while committing";
  const auto end =
      h.session().committed(0, core::make_error(core::ErrorCode::storage_failed, "disk full"), h.now);
  EXPECT_EQ(end, net::HearingSession::BatchEnd::failed);
  EXPECT_EQ(h.session().state().event_count, seq) << "what was not stored stays applied";
  const json last = chair->got.back();
  EXPECT_EQ(last["type"], "error");
  EXPECT_EQ(last["code"], "storage_failed");
  EXPECT_EQ(desk->got.size(), desk_before) << "the desk was shown what was never stored";
  // The next try is decided on the state as stored.
  EXPECT_EQ(h.request(chair, {{"type", "open_check_in"}})["type"], "ack");
}

TEST(HearingSession, ACommitRefusedForALostLeaseSendsEveryoneToTheNewNodeAndForgetsTheBatch) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  const std::size_t desk_before = desk->got.size();
  h.submit(chair, {{"type", "open_check_in"}});
  auto records = h.session().take_batch(h.now);
  ASSERT_EQ(records.size(), 1u);
  const auto end = h.session().committed(
      0,
      core::make_error(core::ErrorCode::storage_failed, "lease lost",
                       core::ErrorParams{{"lease_epoch", std::int64_t{3}}, {"owner", std::string("node-b")}}),
      h.now);
  EXPECT_EQ(end, net::HearingSession::BatchEnd::lost);
  ASSERT_TRUE(h.session().moved_to());
  EXPECT_EQ(*h.session().moved_to(), "node-b");
  EXPECT_EQ(chair->closed, net::close_code::elsewhere);
  EXPECT_EQ(desk->closed, net::close_code::elsewhere);
  EXPECT_TRUE(desk->of_type("update", desk_before).empty());
  // What comes after is refused without being decided.
  h.submit(chair, {{"type", "start_session"}});
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  EXPECT_EQ(chair->got.back()["code"], "storage_failed");
}

// tally_hz 3: one count update every 333⅓ ms. A vote 333 ms after the last count waits; one at 334 ms goes at
// once; a held one is due at the next whole millisecond past the interval.
TEST(HearingSession, CountOnlyChangesArePacedOnTheTimeTheSessionIsGiven) {
  PacedBallot paced(3);
  auto& h = paced.h;
  auto& screen = paced.screen;
  const core::TimeMs opened = paced.opened;

  h.now = opened + 333;
  std::size_t before = screen->got.size();
  ASSERT_EQ(paced.vote(1)["type"], "ack");
  EXPECT_EQ(screen->got.size(), before) << "a count sent 333 ms after the last";
  ASSERT_TRUE(h.session().tick_due());
  EXPECT_EQ(*h.session().tick_due(), opened + 334);

  h.session().tick(opened + 334);
  ASSERT_EQ(screen->got.size(), before + 1);
  EXPECT_TRUE(carries(screen->got.back(), "ballots"));
  EXPECT_FALSE(h.session().tick_due());

  // The next vote 333 ms after that tick waits; at 334 ms after it the count goes with its batch.
  h.now = opened + 334 + 333;
  before = screen->got.size();
  ASSERT_EQ(paced.vote(2)["type"], "ack");
  EXPECT_EQ(screen->got.size(), before);
  h.now = opened + 334 + 334;
  ASSERT_EQ(paced.vote(3)["type"], "ack");
  ASSERT_EQ(screen->got.size(), before + 1);
  EXPECT_TRUE(carries(screen->got.back(), "ballots"));
  EXPECT_FALSE(h.session().tick_due()) << "nothing is held once the count went";
  // A tick that finds nothing held sends nothing.
  h.session().tick(h.now + 1000);
  EXPECT_EQ(screen->got.size(), before + 1);
}

// A clock set back after a count: the next count goes at once instead of waiting for the clock to catch up.
TEST(HearingSession, ACountAfterTheClockWasSetBackIsNotHeld) {
  PacedBallot paced(1);
  auto& h = paced.h;
  h.now = paced.opened - 60'000;
  const std::size_t before = paced.screen->got.size();
  ASSERT_EQ(paced.vote(1)["type"], "ack");
  ASSERT_EQ(paced.screen->got.size(), before + 1) << "held until the clock is back at the last count";
  EXPECT_TRUE(carries(paced.screen->got.back(), "ballots"));
  EXPECT_FALSE(h.session().tick_due());
  // The pacing counts from the new time: a vote 999 ms later waits, due 1,000 ms after.
  h.now += 999;
  ASSERT_EQ(paced.vote(2)["type"], "ack");
  EXPECT_EQ(paced.screen->got.size(), before + 1);
  ASSERT_TRUE(h.session().tick_due());
  EXPECT_EQ(*h.session().tick_due(), paced.opened - 60'000 + 1'000);
}

TEST(HearingSession, ATickDuringABatchLetsTheBatchCarryTheCount) {
  PacedBallot paced(1);
  auto& h = paced.h;
  auto& screen = paced.screen;
  const std::string& ballot = paced.ballot;
  h.now += 10;
  ASSERT_EQ(paced.vote(1)["type"], "ack");  // held
  ASSERT_TRUE(h.session().tick_due());
  const std::size_t before = screen->got.size();
  h.now += 20;  // well before the second is up
  auto voter = h.join(voter_id(2));
  h.submit(voter, good_sheet(ballot, 2));
  auto outcomes = h.store(h.session().take_batch(h.now));
  h.session().tick(h.now);  // the timer fires while the batch commits: nothing goes out of uncommitted state
  EXPECT_EQ(screen->got.size(), before);
  h.session().committed(0, std::move(outcomes[0]), h.now);
  ASSERT_EQ(screen->got.size(), before + 1);
  EXPECT_TRUE(carries(screen->got.back(), "ballots"));
  EXPECT_EQ(screen->got.back()["seq"], h.session().state().event_count) << "a count of uncommitted state";
  EXPECT_FALSE(h.session().tick_due());
}

TEST(HearingSession, ACountReachesItsAudienceASliceAtATime) {
  net::Limits limits = Hall::test_limits();
  limits.count_slice = 2;
  limits.connections_per_token = 5;
  limits.tally_hz = 0;  // every count at once: only the slicing is under test
  DrivenSession h(limits);
  auto chair = h.join("chair");
  std::vector<std::shared_ptr<Device>> screens;
  for (int i = 0; i < 5; ++i) screens.push_back(h.join("screen"));
  const std::string ballot = open_ballot(h, chair);
  // The count goes to the chair, the desk and the five screens: seven connections, two at a time.
  screens.push_back(chair);
  std::vector<std::size_t> before;
  for (auto& s : screens) before.push_back(s->got.size());
  const auto reached = [&] {
    int n = 0;
    for (std::size_t i = 0; i < screens.size(); ++i) n += screens[i]->got.size() > before[i] ? 1 : 0;
    return n;
  };
  ASSERT_EQ(h.request(h.join(voter_id(1)), good_sheet(ballot, 1))["type"], "ack");
  std::vector<int> steps{reached()};
  while (h.session().spreading() && steps.size() < 10) {
    h.session().spread();
    steps.push_back(reached());
  }
  EXPECT_EQ(steps.size(), 4u) << "seven connections in slices of two";
  for (std::size_t i = 1; i < steps.size(); ++i) EXPECT_LE(steps[i] - steps[i - 1], 2);
  EXPECT_EQ(steps.back(), 6) << "every screen and the chair";
  EXPECT_FALSE(h.session().spreading());
}

TEST(HearingSession, ARevokedTokensDevicesAreClosedOnceTheRevocationIsStored) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto voter = h.join(voter_id(7));
  h.submit(chair, {{"type", "revoke_token"}, {"participant", voter_id(7)}});
  auto outcomes = h.store(h.session().take_batch(h.now));
  EXPECT_FALSE(voter->closed) << "closed before the revocation was stored";
  h.session().committed(0, std::move(outcomes[0]), h.now);
  EXPECT_EQ(voter->closed, net::close_code::revoked);
  // A device joining with it is refused, and the store marked the token in the event's own transaction (the
  // session makes no store call of its own for it).
  auto again = h.join(voter_id(7));
  EXPECT_EQ(again->closed, net::close_code::revoked);
  const auto owner = h.store_of().look_up_token(h.token(voter_id(7)));
  ASSERT_TRUE(owner);
  EXPECT_FALSE(*owner) << "the token still opens the hearing";
}

// A receipt check is screened on the strand but read from the store off it: the session answers nothing
// itself.
TEST(HearingSession, AReceiptCheckIsLeftToTheStoreOffTheStrand) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto scrutineer = h.join("jpr");
  const std::string ballot = open_ballot(h, chair);
  json cast = good_sheet(ballot, 1);
  const std::string receipt = cast["receipt"];
  ASSERT_EQ(h.request(h.join(voter_id(1)), cast)["type"], "ack");
  const std::size_t before = scrutineer->got.size();
  h.submit(scrutineer, {{"type", "check_receipt"}, {"ballot", ballot}, {"receipt", receipt}});
  h.submit(scrutineer, {{"type", "check_receipt"}, {"ballot", ballot}, {"receipt", random_receipt()}});
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  EXPECT_FALSE(h.session().busy());
  EXPECT_EQ(scrutineer->of_type("ack", before).size(), 0u) << "the session read the store itself";
  auto checks = h.session().take_receipt_checks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_TRUE(h.session().take_receipt_checks().empty()) << "each check is handed out once";
  for (const auto& c : checks) net::HearingSession::answer_receipt_check(h.context(), h.hearing_id(), c);
  const auto acks = scrutineer->of_type("ack", before);
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0]["result"]["in_box"], true);
  EXPECT_EQ(acks[1]["result"]["in_box"], false);
  // The hall screen may not check: refused on the strand, with no store read.
  auto screen = h.join("screen");
  const json refused =
      h.request(screen, {{"type", "check_receipt"}, {"ballot", ballot}, {"receipt", receipt}});
  EXPECT_EQ(refused["code"], "not_allowed");
  EXPECT_TRUE(h.session().take_receipt_checks().empty());
}

// After a restart the session no longer knows a vote's idempotency key: a retry waits while the store is
// asked off the strand, and gets the first attempt's ack; a sheet whose key was never stored is decided as
// new.
TEST(HearingSession, AVoteRetriedAfterARestartIsAnsweredFromTheStoreOffTheStrand) {
  DrivenSession h;
  auto chair = h.join("chair");
  const std::string ballot = open_ballot(h, chair);
  const json cast = good_sheet(ballot, 1);
  const json first = h.request(h.join(voter_id(1)), cast);
  ASSERT_EQ(first["type"], "ack");

  h.restart();
  auto voter = h.join(voter_id(1));
  const std::size_t before = voter->got.size();
  h.submit(voter, cast);
  EXPECT_TRUE(h.session().take_batch(h.now).empty()) << "the retry was decided again";
  EXPECT_EQ(voter->got.size(), before) << "answered before the store was asked";
  auto lookups = h.session().take_vote_lookups();
  ASSERT_EQ(lookups.size(), 1u);
  auto ack = net::HearingSession::stored_vote_ack(h.context(), h.hearing_id(), lookups[0]);
  ASSERT_TRUE(ack);
  h.session().looked_up(std::move(lookups[0]), ack);
  ASSERT_EQ(voter->got.size(), before + 1);
  EXPECT_EQ(voter->got.back()["type"], "ack");
  EXPECT_EQ(voter->got.back()["seq"], first["seq"]) << "not the first attempt's ack";
  // Now known in memory: the next retry needs no look-up.
  h.submit(voter, cast);
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  EXPECT_TRUE(h.session().take_vote_lookups().empty());
  EXPECT_EQ(voter->got.back()["seq"], first["seq"]);

  // Another key of the same voter was never stored: looked up once, then decided (a second sheet is refused).
  json other = good_sheet(ballot, 2);
  h.submit(voter, other);
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  lookups = h.session().take_vote_lookups();
  ASSERT_EQ(lookups.size(), 1u);
  ack = net::HearingSession::stored_vote_ack(h.context(), h.hearing_id(), lookups[0]);
  EXPECT_FALSE(ack);
  h.session().looked_up(std::move(lookups[0]), ack);
  EXPECT_FALSE(h.session().queue_empty()) << "the sheet was dropped";
  h.run_batch();
  EXPECT_TRUE(h.session().take_vote_lookups().empty()) << "looked up again instead of decided";
  EXPECT_EQ(voter->got.back()["type"], "error");
}

// The store issues new cards off the strand. Meanwhile nothing the old card's device sends is decided; once
// the new token is stored that device is closed and unseated, and what it sent is refused.
TEST(HearingSession, WhileANewCardIsIssuedTheOldOnesDeviceIsHeldThenSentAway) {
  DrivenSession h;
  auto chair = h.join("chair");
  auto old_card = h.join(voter_id(2));
  auto other = h.join(voter_id(3));
  const std::size_t chair_before = chair->got.size();
  h.submit(chair, {{"type", "issue_tokens"}, {"participants", {voter_id(2)}}});
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  auto issues = h.session().take_token_issues();
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_TRUE(chair->answer_from(chair_before).is_null()) << "answered before the store issued the card";

  const std::size_t old_before = old_card->got.size();
  const std::size_t other_before = other->got.size();
  h.submit(old_card, {{"type", "ping"}});
  h.submit(other, {{"type", "ping"}});
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  EXPECT_EQ(old_card->got.size(), old_before) << "the old card's request was decided while its token changed";
  EXPECT_EQ(other->answer_from(other_before)["type"], "ack") << "someone else's request waited too";

  const auto issued = net::HearingSession::issue_tokens(h.context(), h.hearing_id(), issues[0]);
  ASSERT_TRUE(issued);
  h.session().tokens_issued(issues[0], issued);
  EXPECT_EQ(old_card->closed, net::close_code::revoked);
  EXPECT_FALSE(chair->closed);
  const json ack = chair->got.back();
  ASSERT_EQ(ack["type"], "ack");
  ASSERT_EQ(ack["result"]["tokens"].size(), 1u);
  EXPECT_EQ(ack["result"]["tokens"][0]["participant"], voter_id(2));
  EXPECT_EQ(ack["result"]["tokens"][0]["token"], (*issued)[0].token);
  // The held request is decided now: its device was sent away.
  EXPECT_FALSE(h.session().queue_empty());
  EXPECT_TRUE(h.session().take_batch(h.now).empty());
  EXPECT_EQ(old_card->answer_from(old_before)["code"], "not_joined");
}

}  // namespace
}  // namespace dais::test
