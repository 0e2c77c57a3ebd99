// LiveHearing driven step by step: the test owns the io_context and runs one handler at a time, and waits
// for the store with flush(), so the interleaving of a count spread with later commands is exact.
#include <functional>

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "net/live_hearing.hpp"
#include "recording_device.hpp"
#include "store/store.hpp"

namespace dais::test {
namespace {

using Recorder = RecordingDevice;

class SteppedHearing {
 public:
  explicit SteppedHearing(net::Limits limits) : limits_(limits) {
    auto state = hall_.store().load(hall_.hearing_id());
    if (!state) throw std::runtime_error(state.error().message);
    hearing_ = std::make_shared<net::LiveHearing>(
        ioc_, net::HearingContext{hall_.store(), reads_, clock_, metrics_, limits_, public_url_},
        hall_.hearing_id(), std::move(*state));
  }

  std::shared_ptr<Recorder> join(const std::string& participant) {
    auto c = std::make_shared<Recorder>();
    hearing_->join(c, participant, std::nullopt);
    ioc_.poll();
    who_[c.get()] = participant;
    return c;
  }

  // Queues a command, decoded as the WebSocket session decodes it; the caller steps it through.
  void submit(const std::shared_ptr<Recorder>& from, json message) {
    const std::string& who = who_.at(from.get());
    auto r = decoded_request(hall_.hearing_id(), who, from, std::move(message), "r" + std::to_string(++ids_));
    if (r) hearing_->submit(std::move(*r));
  }
  // Runs one ready handler; false when none was ready.
  bool step() { return ioc_.poll_one() > 0; }
  // Runs handlers, waiting for timers too, until `done` holds (bounded: false if it never did).
  bool run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) {
      ioc_.run_one_for(std::chrono::seconds(5));
      commit();
    }
    return done();
  }
  net::ManualClock& clock() { return clock_; }
  // Waits until every record submitted so far is committed: its completion is then queued on the strand.
  void commit() { hall_.store().flush(); }
  // Everything, until nothing is left to do.
  void settle() {
    do {
      ioc_.poll();
      commit();
    } while (ioc_.poll() > 0);
  }
  json request(const std::shared_ptr<Recorder>& from, json message) {
    const std::size_t before = from->got.size();
    submit(from, std::move(message));
    settle();
    return from->answer_from(before);
  }

 private:
  Hall hall_;
  boost::asio::io_context ioc_;
  // Without work the io_context counts as stopped and polls nothing more.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{ioc_.get_executor()};
  std::mutex reads_;
  net::ManualClock clock_;
  net::Metrics metrics_;
  net::Limits limits_;
  std::string public_url_;
  std::shared_ptr<net::LiveHearing> hearing_;
  std::map<const net::Connection*, std::string> who_;
  std::uint64_t ids_ = 0;
};

json ballot_in(const json& sections, const std::string& ballot) {
  for (const auto& b : sections["ballots"]["items"]) {
    if (b["id"] == ballot) return b;
  }
  return json();
}

// The shell waits out the batch interval on a timer: a request held back is committed once the server's clock
// says the interval is over.
TEST(LiveHearing, ARequestHeldForTheBatchIntervalIsCommittedWhenItEnds) {
  net::Limits limits = Hall::test_limits();
  limits.batch_interval_ms = 10;
  SteppedHearing h(limits);
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  ASSERT_EQ(h.request(chair, {{"type", "open_check_in"}})["type"], "ack");  // the first batch: at once
  const std::size_t before = desk->got.size();
  h.submit(desk, {{"type", "check_in"}, {"participant", voter_id(1)}});
  h.settle();
  EXPECT_TRUE(desk->answer_from(before).is_null()) << "taken before the interval ended";
  h.clock().advance(std::chrono::milliseconds(10));
  ASSERT_TRUE(h.run_until([&] { return !desk->answer_from(before).is_null(); }));
  EXPECT_EQ(desk->answer_from(before)["type"], "ack");
}

// A count goes out a slice of connections at a time and the voter's ack passes it; the closing update that
// follows first completes the older count, so nobody gets the open ballot after the closed one.
TEST(LiveHearing, AnAckPassesACountSpreadButNoNewerBallotsSectionDoes) {
  net::Limits limits = Hall::test_limits();
  limits.count_slice = 1;
  limits.connections_per_token = 6;
  SteppedHearing h(limits);
  auto chair = h.join("chair");
  auto desk = h.join("sec1");
  auto voter = h.join(voter_id(1));
  // Six hall screens on the display's token: the count is spread over them a connection at a time (a voter's
  // tablet shows no count and is sent none).
  std::vector<std::shared_ptr<Recorder>> screens;
  for (int i = 1; i <= 6; ++i) screens.push_back(h.join("screen"));
  ASSERT_EQ(h.request(chair, {{"type", "open_check_in"}})["type"], "ack");
  for (int i = 1; i <= 100; ++i)  // the demo hearing's quorum
    ASSERT_EQ(h.request(desk, {{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
  ASSERT_EQ(h.request(chair, {{"type", "start_session"}})["type"], "ack");
  const json created =
      h.request(chair, {{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  const std::string ballot = created["result"]["ballot"];
  ASSERT_EQ(h.request(chair, {{"type", "open_ballot"}, {"ballot", ballot}})["type"], "ack");
  std::vector<std::size_t> before;
  for (auto& v : screens) before.push_back(v->got.size());

  // The sheet: submitted, committed, finished. Its ack is out while its count reached one connection.
  h.submit(voter, good_sheet(ballot, 0));
  ASSERT_TRUE(h.step());  // the batch, handed to the store
  h.commit();
  ASSERT_TRUE(h.step());  // the commit's completion: first slice, personal update, ack
  ASSERT_EQ(voter->got.back()["type"], "ack");
  int without_count = 0;
  for (std::size_t i = 0; i < screens.size(); ++i)
    without_count += screens[i]->got.size() == before[i] ? 1 : 0;
  EXPECT_GE(without_count, 5) << "the count went to everyone at once";

  // The chair ends the ballot while the count is still spreading: a void, as one sheet is too few to close.
  h.submit(chair, {{"type", "void_ballot"}, {"ballot", ballot}, {"reason", "重新表决"}});
  ASSERT_TRUE(h.step());  // one more slice
  ASSERT_TRUE(h.step());  // the void, handed to the store
  h.commit();
  h.settle();

  for (auto& c : screens) {
    std::int64_t last_seq = -1;
    bool closed = false;
    int voted = -1;
    for (const auto& m : c->got) {
      if (m["type"] != "update" || !m.contains("sections") || !m["sections"].contains("ballots")) continue;
      EXPECT_FALSE(closed) << "a ballots section after the voiding one: " << m.dump();
      EXPECT_GE(m["seq"].get<std::int64_t>(), last_seq);
      last_seq = m["seq"];
      const json b = ballot_in(m["sections"], ballot);
      if (b.is_null()) continue;
      closed = b["status"] == "voided";
      voted = b["turnout"]["voted"];
    }
    EXPECT_TRUE(closed);
    EXPECT_EQ(voted, 1);
  }
  for (const auto& m : voter->got) {
    if (m["type"] != "update" || !m.contains("sections")) continue;
    EXPECT_FALSE(m["sections"].contains("tally")) << m.dump();
    if (!m["sections"].contains("ballots")) continue;
    if (const json b = ballot_in(m["sections"], ballot); !b.is_null()) {
      EXPECT_FALSE(b.contains("turnout"));
    }
  }
}

}  // namespace
}  // namespace dais::test
