// A whole hearing over real loopback sockets, checked from every role's point of view: check-in, a report
// with its timer, moderated inquiries with follow-ups, a per-presenter and a combined ballot by 100 voters,
// results.
#include <gtest/gtest.h>

#include "harness.hpp"

namespace dais::test {
namespace {

const json* find_id(const json& items, const std::string& key, const std::string& value) {
  for (const auto& item : items) {
    if (item.value(key, "") == value) return &item;
  }
  return nullptr;
}

const json* slot_of(const json& view, const std::string& slot) {
  return find_id(view["agenda"]["slots"], "id", slot);
}
const json* inquiry_of(const json& view, const std::string& id) {
  return find_id(view["inquiries"]["items"], "id", id);
}
const json* ballot_of(const json& view, const std::string& id) {
  return find_id(view["ballots"]["items"], "id", id);
}
const json* result_of(const json& view, const std::string& id) {
  return find_id(view["results"]["ballots"], "ballot", id);
}

std::string voter(int i) {
  return voter_id(i);
}

TEST(WholeHearing, FromEveryRolesPointOfView) {
  Hall hall;
  hall.start();
  auto chair = hall.join("chair");
  auto secretary = hall.join("sec1");
  auto display = hall.join("screen");
  auto scrutineer = hall.join("jpr");
  auto presenter = hall.join("p01");
  auto questioner = hall.join("q01");

  // Nothing is private in what the display holds; the desk sees names.
  EXPECT_FALSE(display->view()["attendance"].contains("participants"));
  EXPECT_TRUE(secretary->view()["attendance"].contains("participants"));
  EXPECT_EQ(display->view()["hearing"]["phase"], "draft");

  // Check-in (签到).
  expect_ack(chair->request({{"type", "open_check_in"}}));
  EXPECT_EQ(chair->view()["hearing"]["phase"], "check_in");  // the update came before the ack
  display->wait_view([](const json& v) { return v["hearing"]["phase"] == "check_in"; });

  std::vector<std::shared_ptr<Client>> voters;
  for (int i = 1; i <= 100; ++i) voters.push_back(hall.join(voter(i)));
  // 99 check themselves in, the desk checks in the last one.
  std::vector<std::string> ids;
  for (int i = 0; i < 99; ++i) {
    ids.push_back(voters[static_cast<std::size_t>(i)]->next_id());
    voters[static_cast<std::size_t>(i)]->send({{"type", "check_in"}, {"id", ids.back()}});
  }
  for (int i = 0; i < 99; ++i)
    expect_ack(voters[static_cast<std::size_t>(i)]->wait_answer(ids[static_cast<std::size_t>(i)]));
  expect_ack(secretary->request({{"type", "check_in"}, {"participant", voter(100)}}));
  expect_ack(questioner->request({{"type", "check_in"}}));
  EXPECT_EQ(voters.back()->wait_view(
                [](const json& v) { return v["me"]["checked_in"] == true; })["me"]["checked_in"],
            true);
  const json attendance =
      display->wait_view([](const json& v) { return v["attendance"]["present"] == 101; })["attendance"];
  EXPECT_EQ(attendance["present"], 101);
  EXPECT_EQ(attendance["quorum_met"], true);
  expect_ack(chair->request({{"type", "start_session"}}));

  // The first report, with its timer in the engine's clock (the server's clock, driven by the test).
  expect_ack(chair->request({{"type", "call_slot"}, {"slot", "s01"}}));
  expect_ack(chair->request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "reporting"}}));
  hall.clock().advance(std::chrono::seconds(90));
  expect_ack(chair->request({{"type", "pause_timer"}, {"slot", "s01"}, {"timer", "report"}}));
  json s01 = *slot_of(display->wait_view([](const json& v) {
    const json* s = slot_of(v, "s01");
    return s != nullptr && (*s)["report"]["running_since"].is_null() && (*s)["report"]["used_ms"] == 90000;
  }),
                      "s01");
  EXPECT_EQ(s01["stage"], "reporting");
  expect_ack(chair->request({{"type", "resume_timer"}, {"slot", "s01"}, {"timer", "report"}}));
  hall.clock().advance(std::chrono::seconds(30));
  expect_ack(
      chair->request({{"type", "extend_timer"}, {"slot", "s01"}, {"timer", "report"}, {"seconds", 60}}));
  expect_ack(chair->request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "questioning"}}));
  // The presenter's update travels on another connection than the chair's ack: wait for it.
  s01 = *slot_of(presenter->wait_view([](const json& v) {
    const json* s = slot_of(v, "s01");
    return s != nullptr && (*s)["stage"] == "questioning";
  }),
                 "s01");
  EXPECT_EQ(s01["report"]["used_ms"], 120000);
  EXPECT_EQ(s01["report"]["limit_ms"], 540000);
  EXPECT_EQ(s01["stage"], "questioning");

  // Moderated inquiries (质询) with a follow-up (追问).
  const json submitted =
      questioner->request({{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "整改台账何时销号？"}});
  expect_ack(submitted);
  const std::string i1 = submitted["result"]["inquiry"];
  EXPECT_EQ((*find_id(questioner->view()["me"]["inquiries"], "id", i1))["status"], "submitted");
  EXPECT_NE(inquiry_of(chair->view(), i1), nullptr);
  EXPECT_EQ(inquiry_of(questioner->view(), i1), nullptr);  // not approved: only the desk sees it
  EXPECT_FALSE(voters[0]->view().contains("inquiries"));   // the sheet screen shows no inquiries
  EXPECT_EQ(inquiry_of(display->view(), i1), nullptr);
  expect_ack(chair->request({{"type", "approve_inquiry"}, {"inquiry", i1}}));
  presenter->wait_view([&](const json& v) {
    return !v["me"]["presenting"].empty() &&
           find_id(v["me"]["presenting"][0]["inquiries"], "id", i1) != nullptr;
  });
  expect_ack(chair->request({{"type", "ask_inquiry"}, {"inquiry", i1}}));
  display->wait_view([&](const json& v) { return v["inquiries"]["asking"] == i1; });
  const json follow = questioner->request(
      {{"type", "submit_inquiry"}, {"slot", "s01"}, {"text", "具体到哪个月？"}, {"parent", i1}});
  expect_ack(follow);
  const std::string i2 = follow["result"]["inquiry"];
  expect_ack(
      secretary->request({{"type", "answer_inquiry"}, {"inquiry", i1}, {"summary", "本季度内全部销号。"}}));
  expect_ack(secretary->request(
      {{"type", "record_commitment"}, {"inquiry", i1}, {"text", "6月底前完成整改"}, {"due", "2026-06-30"}}));
  expect_ack(chair->request({{"type", "approve_inquiry"}, {"inquiry", i2}}));
  expect_ack(chair->request({{"type", "ask_inquiry"}, {"inquiry", i2}}));
  expect_ack(secretary->request({{"type", "answer_inquiry"}, {"inquiry", i2}, {"summary", "6月。"}}));
  const json answered = display->wait_view([&](const json& v) {
    const json* q = inquiry_of(v, i2);
    return q != nullptr && (*q)["status"] == "answered";
  });
  EXPECT_EQ((*inquiry_of(answered, i2))["parent"], i1);
  EXPECT_EQ((*inquiry_of(answered, i1))["commitments"][0]["due"], "2026-06-30");

  // The per-presenter ballot, by 100 voters at once.
  expect_ack(chair->request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "evaluating"}}));
  const json created = chair->request({{"type", "create_ballot"}, {"template_id", "each"}, {"slot", "s01"}});
  expect_ack(created);
  const std::string b1 = created["result"]["ballot"];
  expect_ack(chair->request({{"type", "open_ballot"}, {"ballot", b1}}));
  const std::vector<std::string> grades = {"hao", "jiaohao", "yiban"};
  ids.clear();
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const std::string g = i < 60 ? "hao" : i < 90 ? "jiaohao" : "yiban";
    ids.push_back(voters[i]->next_id());
    voters[i]->send({{"type", "cast_sheet"},
                     {"id", ids.back()},
                     {"ballot", b1},
                     {"marks", {{"s01", {{"zhuti", {g}}, {"lianjie", {g}}, {"zuofeng", {g}}}}}},
                     {"receipt", random_receipt()},
                     {"idempotency_key", "k-" + b1 + "-" + std::to_string(i)}});
  }
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const json ack = voters[i]->wait_answer(ids[i]);
    expect_ack(ack);
    EXPECT_EQ(ack["result"]["ballot"], b1);
    EXPECT_FALSE(ack.dump().find("receipt") != std::string::npos);  // the ack says nothing of the sheet
  }
  EXPECT_EQ((*find_id(voters[5]->view()["me"]["ballots"], "ballot", b1))["voted"], true);
  const json turnout = chair->wait_view([&](const json& v) {
    const json* b = ballot_of(v, b1);
    return b != nullptr && (*b)["turnout"]["voted"] == 100;
  });
  EXPECT_EQ((*ballot_of(turnout, b1))["turnout"]["voted"], 100);
  // The live count: the display may watch it (chair_and_display); a voter's tablet shows no count, so it is
  // sent neither the count nor the turnout (protocol/screens.json).
  EXPECT_TRUE(
      display->wait_view([](const json& v) { return v["tally"]["visible"] == true; })["tally"]["visible"]);
  EXPECT_FALSE(voters[0]->view().contains("tally"));
  EXPECT_FALSE(ballot_of(voters[0]->view(), b1)->contains("turnout"));

  expect_ack(chair->request({{"type", "close_ballot"}, {"ballot", b1}}));
  // Closed: the scrutineer sees the result; the hall sees it once published.
  const json closed = scrutineer->wait_view([&](const json& v) { return result_of(v, b1) != nullptr; });
  const json& r1 = *result_of(closed, b1);
  EXPECT_EQ(r1["turnout"]["voted"], 100);
  const json& dims = r1["presenters"][0]["dimensions"];
  const json* zhuti = find_id(dims, "dimension", "zhuti");
  ASSERT_NE(zhuti, nullptr);
  EXPECT_EQ((*zhuti)["counts"], json({{"hao", 60}, {"jiaohao", 30}, {"yiban", 10}}));
  EXPECT_EQ(result_of(display->view(), b1), nullptr);
  EXPECT_FALSE(voters[0]->view().contains("results"));
  expect_ack(chair->request({{"type", "publish_ballot"}, {"ballot", b1}}));
  display->wait_view([&](const json& v) { return result_of(v, b1) != nullptr; });
  // The hall reads published results on the big screen; the voter's tablet, which shows none, learns only
  // that the ballot was published.
  voters[0]->wait_view([&](const json& v) { return (*ballot_of(v, b1))["status"] == "published"; });
  EXPECT_FALSE(voters[0]->view().contains("results"));

  // The combined ballot for all presenters (a sheet that may be changed until close).
  expect_ack(chair->request({{"type", "begin_stage"}, {"slot", "s01"}, {"stage", "done"}}));
  const json combined = chair->request({{"type", "create_ballot"}, {"template_id", "final"}});
  expect_ack(combined);
  const std::string b2 = combined["result"]["ballot"];
  expect_ack(chair->request({{"type", "open_ballot"}, {"ballot", b2}}));
  std::vector<std::string> receipts;
  std::vector<std::string> change_keys;
  ids.clear();
  for (std::size_t i = 0; i < voters.size(); ++i) {
    json marks = json::object();
    for (const auto& slot : hall.definition().agenda)
      marks[slot.id] = {{"lianjie", {i < 90 ? "lianjie" : "jiben"}}};
    receipts.push_back(random_receipt());
    change_keys.push_back(random_receipt());
    ids.push_back(voters[i]->next_id());
    voters[i]->send({{"type", "cast_sheet"},
                     {"id", ids.back()},
                     {"ballot", b2},
                     {"marks", marks},
                     {"receipt", receipts.back()},
                     {"change_key", change_keys.back()},
                     {"idempotency_key", "k-" + b2 + "-" + std::to_string(i)}});
  }
  for (std::size_t i = 0; i < voters.size(); ++i) expect_ack(voters[i]->wait_answer(ids[i]));
  // One voter changes their sheet with the same receipt and change key: still one sheet.
  json changed = json::object();
  for (const auto& slot : hall.definition().agenda) changed[slot.id] = {{"lianjie", {"bulianjie"}}};
  expect_ack(voters[99]->request({{"type", "cast_sheet"},
                                  {"ballot", b2},
                                  {"marks", changed},
                                  {"receipt", receipts[99]},
                                  {"change_key", change_keys[99]},
                                  {"idempotency_key", "k-" + b2 + "-changed"}}));
  // The scrutineer can check a receipt independently.
  const json in_box =
      scrutineer->request({{"type", "check_receipt"}, {"ballot", b2}, {"receipt", receipts[3]}});
  expect_ack(in_box);
  EXPECT_EQ(in_box["result"]["in_box"], true);
  const json not_in_box =
      scrutineer->request({{"type", "check_receipt"}, {"ballot", b2}, {"receipt", random_receipt()}});
  EXPECT_EQ(not_in_box["result"]["in_box"], false);

  expect_ack(chair->request({{"type", "close_ballot"}, {"ballot", b2}}));
  expect_ack(chair->request({{"type", "publish_ballot"}, {"ballot", b2}}));
  const json published = display->wait_view([&](const json& v) { return result_of(v, b2) != nullptr; });
  const json& r2 = *result_of(published, b2);
  EXPECT_EQ(r2["turnout"]["voted"], 100);
  ASSERT_EQ(r2["presenters"].size(), hall.definition().agenda.size());
  for (const auto& p : r2["presenters"]) {
    EXPECT_EQ(p["verdict"], "廉洁");  // 90 of 100 valid marks for 廉洁: at least two thirds
    const json* d = find_id(p["dimensions"], "dimension", "lianjie");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ((*d)["counts"], json({{"lianjie", 90}, {"jiben", 9}, {"bulianjie", 1}}));
    EXPECT_GE(p["rank"].get<int>(), 1);
  }

  // The exports, for the chair's token only.
  const HttpReply csv =
      http_get(hall.port(), "/api/results.csv", {{"Authorization", "Bearer " + hall.token("chair")}});
  EXPECT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.body.find(hall.definition().agenda[0].title), std::string::npos);
  const HttpReply minutes =
      http_get(hall.port(), "/api/minutes.html", {{"Authorization", "Bearer " + hall.token("jpr")}});
  EXPECT_EQ(minutes.status, 200);
  EXPECT_NE(minutes.body.find("本季度内全部销号。"), std::string::npos);
  EXPECT_NE(minutes.body.find("6月底前完成整改"), std::string::npos);
  EXPECT_NE(minutes.body.find(hall.store().head_hash(hall.hearing_id())), std::string::npos);
  EXPECT_EQ(
      http_get(hall.port(), "/api/results.json", {{"Authorization", "Bearer " + hall.token("v001")}}).status,
      403);
  EXPECT_EQ(http_get(hall.port(), "/api/results.json").status, 401);
  const json results = json::parse(
      http_get(hall.port(), "/api/results.json", {{"Authorization", "Bearer " + hall.token("chair")}}).body);
  EXPECT_EQ(results["ballots"].size(), 2u);
}

}  // namespace
}  // namespace dais::test
