// Large sections go out as patches (docs/protocol.md, Patches): over real sockets the desk's and the chair's
// check-in boards, patched step by step, end equal to a fresh snapshot, resuming replays the patches, and a
// slow client's queue never drops an update that a later patch builds on.
#include <gtest/gtest.h>

#include "core/view.hpp"
#include "harness.hpp"
#include "net/outgoing_queue.hpp"

namespace dais::test {
namespace {

constexpr net::Carried kAttendance = core::mask_of(core::Section::attendance);
constexpr net::Carried kAgenda = core::mask_of(core::Section::agenda);

net::Outgoing update(const std::string& name, net::Carried carries, net::Carried patched = 0) {
  net::Outgoing o = net::make_outgoing(name, carries);
  o.patched = patched;
  return o;
}

std::vector<std::string> drain(net::OutgoingQueue& q) {
  std::vector<std::string> out;
  while (!q.empty()) {
    out.push_back(*q.front().text);
    q.pop_front();
  }
  return out;
}

TEST(PatchQueue, AWholeSectionSupersedesWaitingCopiesButAPatchNeedsTheOneBeforeIt) {
  net::OutgoingQueue q(16, 1 << 20);
  q.push(update("written", 0), false);
  q.push(update("whole-1", kAttendance), true);
  q.push(update("patch-2", kAttendance, kAttendance), true);  // builds on whole-1: both stay
  q.push(update("patch-3", kAttendance, kAttendance), true);
  EXPECT_EQ(q.size(), 4u);
  q.push(update("whole-4", kAttendance), true);  // the client overwrites all three
  EXPECT_EQ(drain(q), (std::vector<std::string>{"written", "whole-4"}));
}

TEST(PatchQueue, AnUpdateIsKeptWhenOneAfterItThatStaysPatchesItsSection) {
  net::OutgoingQueue q(16, 1 << 20);
  q.push(update("written", 0), false);
  q.push(update("whole-1", kAttendance), true);
  // Carries agenda too, so the next whole attendance does not supersede it, and it patches whole-1's copy.
  q.push(update("patch-2+agenda", kAttendance | kAgenda, kAttendance), true);
  q.push(update("whole-3", kAttendance), true);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"written", "whole-1", "patch-2+agenda", "whole-3"}));
}

net::Limits patching_limits() {
  net::Limits limits = Hall::test_limits();
  limits.patch_min_bytes = 1024;
  return limits;
}

// The update frames that carried `section` as a patch, and the largest of them in bytes.
std::pair<int, std::size_t> patched_frames(const Client& c, const std::string& section) {
  int n = 0;
  std::size_t largest = 0;
  for (const auto& m : c.messages()) {
    if (m.value("type", "") != "update" || !m.contains("patches") || !m["patches"].contains(section))
      continue;
    ++n;
    largest = std::max(largest, m.dump().size());
  }
  return {n, largest};
}

TEST(Patches, TheCheckInBoardIsPatchedAndEndsEqualToASnapshotForEveryRoleThatShowsIt) {
  Hall hall(patching_limits());
  hall.start();
  auto chair = hall.join("chair");
  auto desk = hall.join("sec1");
  auto screen = hall.join("screen");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  constexpr int kCheckIns = 30;
  for (int i = 1; i <= kCheckIns; ++i)
    ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack") << i;
  for (auto* c : {chair.get(), desk.get(), screen.get()}) {
    c->wait_view([](const json& v) { return v["attendance"]["present"] == kCheckIns; });
  }
  // What a device joining now is sent whole, per role set, equals what the patched copies became.
  for (const auto& [who, client] : {std::pair{"chair", chair}, {"sec2", desk}, {"screen", screen}}) {
    auto fresh = hall.join(who);
    json patched = client->view();
    json whole = fresh->view();
    patched.erase("me");  // sec1's own; the fresh desk is sec2
    whole.erase("me");
    EXPECT_EQ(patched["attendance"], whole["attendance"]) << who;
    EXPECT_EQ(patched, whole) << who;
  }
  // The desk's board names everyone: each check-in went out as a patch a fraction of the board's size.
  const auto [n, largest] = patched_frames(*desk, "attendance");
  EXPECT_GE(n, kCheckIns - 1);
  const std::size_t board = desk->view()["attendance"].dump().size();
  EXPECT_LT(largest * 4, board) << "largest patch " << largest << " bytes, board " << board;
  EXPECT_GE(desk->patches_applied(), static_cast<std::size_t>(n));
}

TEST(Patches, AreSentWholeBelowTheMinimumSize) {
  net::Limits limits = Hall::test_limits();
  limits.patch_min_bytes = 1 << 30;
  Hall hall(limits);
  hall.start();
  auto chair = hall.join("chair");
  auto desk = hall.join("sec1");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  for (int i = 1; i <= 5; ++i)
    ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
  desk->wait_view([](const json& v) { return v["attendance"]["present"] == 5; });
  EXPECT_EQ(patched_frames(*desk, "attendance").first, 0);
  EXPECT_EQ(desk->patches_applied(), 0u);
}

TEST(Patches, AResumeReplaysThePatchesMissedAndEndsEqualToASnapshot) {
  Hall hall(patching_limits());
  hall.start();
  auto chair = hall.join("chair");
  auto desk = hall.join("sec1");
  ASSERT_EQ(chair->request({{"type", "open_check_in"}})["type"], "ack");
  ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(1)}})["type"], "ack");
  auto away = hall.join("sec2");
  away->wait_view([](const json& v) { return v["attendance"]["present"] == 1; });
  const json held = away->view();
  const std::int64_t left_at = away->seq();
  away.reset();  // gone

  for (int i = 2; i <= 12; ++i)
    ASSERT_EQ(desk->request({{"type", "check_in"}, {"participant", voter_id(i)}})["type"], "ack");
  desk->wait_view([](const json& v) { return v["attendance"]["present"] == 12; });

  // A client that kept the view it had, as the web client does, and resumes from its seq.
  auto back = hall.connect();
  const json welcome = back->hello(hall.token("sec2"), left_at);
  ASSERT_EQ(welcome["type"], "welcome");
  ASSERT_TRUE(welcome["resumed"]);
  const json resumed = back->wait_for([](const json& m) {
    return m["type"] == "update" && m.contains("sections") && m["sections"].contains("tally");
  });
  // Replay the frames on the view held before leaving, as the client would.
  json view = held;
  std::map<std::string, std::int64_t> at;
  for (const auto& [name, section] : view.items()) at[name] = left_at;
  int patches = 0;
  for (const auto& m : back->messages()) {
    if (m.value("type", "") != "update") continue;
    const json sections = m.value("sections", json::object());
    const json patches_of = m.value("patches", json::object());
    for (const auto& [name, section] : sections.items()) {
      view[name] = section;
      at[name] = m["seq"];
    }
    for (const auto& [name, patch] : patches_of.items()) {
      ASSERT_LE(patch["base"].get<std::int64_t>(), at[name]) << name;
      view[name] = view[name].patch(patch["ops"]);
      at[name] = m["seq"];
      ++patches;
    }
    if (m.contains("me")) view["me"] = m["me"];
  }
  EXPECT_GE(patches, 10);
  auto fresh = hall.join("sec2");
  EXPECT_EQ(view["attendance"], fresh->view()["attendance"]);
  EXPECT_EQ(view["attendance"]["present"], 12);
  (void)resumed;
}

}  // namespace
}  // namespace dais::test
