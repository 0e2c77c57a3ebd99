// The records a commission files. Counts per voter group: shown only when no combination of the ballot's
// counts (each group's, the live ones) isolates fewer than k sheets, tested at the boundary of k and against
// a search over the counts' combinations; the workbook's group blocks read back with openpyxl against
// results.json. The organizer's access over real loopback sockets: signed out 401, an observer reads, an
// unknown hearing 404, and the bytes are the chair's.
#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "../core/fixtures.hpp"
#include "core/engine.hpp"
#include "harness.hpp"
#include "net/exports.hpp"
#include "net/group_counts.hpp"
#include "net/workbook.hpp"
#include "store/passwords.hpp"
#include "xlsx_reader.hpp"

namespace dais::net {
namespace {

using nlohmann::json;
namespace core = dais::core;
namespace ct = dais::core::testing;

constexpr std::int64_t kK = 5;

// A hearing with two voter groups: Q1… (纪委委员, "members") and V1… (党代表, "deputies"); the
// per-presenter template "each" is scored by a rule that weights groups, so sheets carry their group.
class GroupHearing {
 public:
  GroupHearing() : h(definition()) { h.start(); }

  static core::HearingDefinition definition() {
    ct::FixtureOptions o;
    o.presenters = 2;
    o.questioners = 8;
    o.voters = 8;
    o.k = kK;
    core::HearingDefinition def = ct::make_definition(o);
    for (core::Participant& p : def.participants) {
      if (p.id.starts_with("V")) p.groups = {"deputies"};
    }
    for (core::ScoringRule& r : def.rules) r.weight_groups = r.id == "points";
    return def;
  }

  // A ballot on S1 cast by `voters` in that order, each grading by its place so that counts differ by
  // grade and group, then closed.
  core::BallotId vote(const std::vector<std::string>& voters) {
    h.ok("chair", core::CreateBallot{"each", "S1"});
    const core::BallotId id = h.state.ballot_order.back();
    h.ok("chair", core::OpenBallot{id});
    const char* grades[] = {"good", "fair", "good", "average", "poor", "good", "fair"};
    for (std::size_t i = 0; i < voters.size(); ++i) {
      core::Marks m;
      m["S1"]["duty"] = {grades[i % 7]};
      m["S1"]["integrity"] =
          i % 4 == 3 ? std::vector<core::GradeId>{} : std::vector<core::GradeId>{grades[(i + 2) % 7]};
      h.ok(voters[i], core::CastSheet{id, m, ct::receipt(static_cast<int>(++receipts_))});
    }
    h.ok("chair", core::CloseBallot{id});
    return id;
  }

  json results() const { return json::parse(results_json(h.state, casting_order(h.log))); }
  json workbook(const testing::TempDir& dir) const {
    return testing::read_workbook(
        results_workbook(h.state, std::string(64, 'a'), dir.path(), casting_order(h.log)), dir.path());
  }

  ct::TestHearing h;

 private:
  int receipts_ = 0;
};

std::vector<std::string> people(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const json& ballot_sheet(const json& workbook, const std::string& ballot) {
  for (const json& s : workbook.at("sheets")) {
    if (s.at("name").get<std::string>().starts_with(ballot + " ")) return s;
  }
  throw std::runtime_error("no sheet for " + ballot);
}

// No group is broken out anywhere: no per-group figures in results.json, no group block in the workbook,
// and both say why in the same words.
void expect_no_breakdown(const json& ballot, const json& workbook, const std::string& reason) {
  const json& g = ballot.at("group_counts");
  EXPECT_FALSE(g.at("shown"));
  EXPECT_EQ(g.at("reason"), reason);
  EXPECT_TRUE(g.at("groups").empty());
  for (const json& p : ballot.at("presenters")) {
    for (const json& d : p.at("dimensions")) EXPECT_FALSE(d.contains("by_group")) << d.dump();
  }
  const testing::Grid sheet(ballot_sheet(workbook, ballot.at("ballot")));
  const auto texts = sheet.texts();
  EXPECT_EQ(texts.count("分类统计（按测评人类别）"), 0u);
  for (const std::string name : {"纪委委员", "党代表"}) {
    for (const std::string& t : texts) EXPECT_FALSE(t.starts_with(name + "（收回")) << t;
  }
  EXPECT_EQ(texts.count(g.at("note").get<std::string>()), 1u) << g.at("note");
}

TEST(GroupCounts, AGroupOfKMinusOneSheetsBreaksOutNoGroupAnywhere) {
  GroupHearing hearing;
  const core::BallotId id = hearing.vote(people("Q", kK - 1) + people("V", 8));
  const json results = hearing.results();
  const testing::TempDir dir;
  const json& ballot = results.at("ballots")[0];
  expect_no_breakdown(ballot, hearing.workbook(dir), "small_group");
  EXPECT_EQ(ballot.at("group_counts").at("note"),
            "有测评人类别收回测评表不足 5 份；为保护无记名测评，各类别均不单列统计。");
  EXPECT_EQ(ballot.at("turnout").at("voted"), kK - 1 + 8);
  EXPECT_EQ(id, ballot.at("ballot"));
}

TEST(GroupCounts, GroupsOfKSheetsAreBrokenOutAndTheWorkbookSaysWhatResultsJsonSays) {
  GroupHearing hearing;
  hearing.vote(people("Q", kK) + people("V", kK));
  const json results = hearing.results();
  const json& ballot = results.at("ballots")[0];
  const json& g = ballot.at("group_counts");
  ASSERT_TRUE(g.at("shown")) << g.dump();
  EXPECT_EQ(g.at("reason"), "shown");
  EXPECT_EQ(g.at("note"), "");
  ASSERT_EQ(g.at("groups").size(), 2u);
  EXPECT_EQ(g.at("groups")[0], (json{{"group", "members"}, {"name", "纪委委员"}, {"cast", kK}}));
  EXPECT_EQ(g.at("groups")[1], (json{{"group", "deputies"}, {"name", "党代表"}, {"cast", kK}}));

  // The groups add up to the whole: every grade, cast, valid and invalid.
  for (const json& p : ballot.at("presenters")) {
    for (const json& d : p.at("dimensions")) {
      ASSERT_EQ(d.at("by_group").size(), 2u);
      json sum = {{"cast", 0}, {"valid", 0}, {"invalid", 0}, {"counts", json::object()}};
      for (const json& part : d.at("by_group")) {
        for (const char* key : {"cast", "valid", "invalid"})
          sum[key] = sum[key].get<int>() + part.at(key).get<int>();
        for (const auto& [grade, n] : part.at("counts").items())
          sum["counts"][grade] = sum["counts"].value(grade, 0) + n.get<int>();
      }
      EXPECT_EQ(sum.at("counts"), d.at("counts"));
      EXPECT_EQ(sum.at("cast"), d.at("cast"));
      EXPECT_EQ(sum.at("valid"), d.at("valid"));
      EXPECT_EQ(sum.at("invalid"), d.at("invalid"));
    }
  }

  // The workbook: under the heading, a block per group whose title is merged over its figures, then every
  // count and share as results.json gives them.
  const testing::TempDir dir;
  const json workbook = hearing.workbook(dir);
  const testing::Grid sheet(ballot_sheet(workbook, ballot.at("ballot")));
  const auto [heading, heading_col] = sheet.find("分类统计（按测评人类别）");
  EXPECT_EQ(heading_col, 0);
  const json& presenter = ballot.at("presenters")[0];
  for (std::size_t gi = 0; gi < 2; ++gi) {
    const std::string title = g.at("groups")[gi].at("name").get<std::string>() + "（收回 5 份）";
    const auto [top, col] = sheet.find(title);
    ASSERT_EQ(col, 0);
    EXPECT_GT(top, heading);
    int column = 3;
    const int row = top + 3;
    EXPECT_EQ(sheet.value(row, 1), presenter.at("unit"));
    EXPECT_EQ(sheet.value(row, 2), presenter.at("name"));
    for (const json& d : presenter.at("dimensions")) {
      const json& part = d.at("by_group")[gi];
      EXPECT_EQ(part.at("group"), g.at("groups")[gi].at("group"));
      // The dimension's label is merged over its grades' columns on the block's first header row.
      EXPECT_EQ(sheet.value(top + 1, column), d.at("label"));
      const core::BallotTemplate* tpl = hearing.h.state.def.ballot_template("each");
      for (const core::Dimension& dim : tpl->dimensions) {
        if (dim.id != d.at("dimension")) continue;
        EXPECT_TRUE(
            sheet.merged(top + 1, column, top + 1, column + static_cast<int>(dim.grades.size()) * 2 + 1));
        for (const core::Grade& grade : dim.grades) {
          const int n = part.at("counts").value(grade.id, 0);
          EXPECT_EQ(sheet.value(top + 2, column), grade.label);
          EXPECT_EQ(sheet.value(row, column), n) << title << " " << grade.id;
          EXPECT_NEAR(sheet.value(row, column + 1).get<double>(), double(n) / part.at("cast").get<double>(),
                      1e-12);
          column += 2;
        }
      }
      EXPECT_EQ(sheet.value(row, column++), part.at("valid"));
      EXPECT_EQ(sheet.value(row, column++), part.at("invalid"));
    }
  }
}

// Six members vote first, then five deputies: the live count at 5 sheets (shown once 10 were in) holds only
// members, so the members' count less it would be the sixth member's sheet. Nothing is broken out.
TEST(GroupCounts, ALiveCountThatCutsAGroupLeavingFewerThanKSheetsWithholdsTheBreakdown) {
  GroupHearing hearing;
  hearing.vote(people("Q", kK + 1) + people("V", kK));
  const testing::TempDir dir;
  const json results = hearing.results();
  expect_no_breakdown(results.at("ballots")[0], hearing.workbook(dir), "live_counts");
  // The same groups cast in an order no live count cuts finely: broken out.
  GroupHearing mixed;
  std::vector<std::string> order;
  for (int i = 1; i <= kK + 1; ++i)
    order.insert(order.end(), {"Q" + std::to_string(i), "V" + std::to_string(i)});
  order.pop_back();
  mixed.vote(order);
  EXPECT_TRUE(mixed.results().at("ballots")[0].at("group_counts").at("shown"));
}

// Without the casting order (or with one that does not match the ballot), nothing is broken out.
TEST(GroupCounts, WithoutTheCastingOrderNoGroupIsBrokenOut) {
  GroupHearing hearing;
  hearing.vote(people("Q", kK) + people("V", kK));
  const json results = json::parse(results_json(hearing.h.state));
  EXPECT_EQ(results.at("ballots")[0].at("group_counts").at("reason"), "order_unknown");
}

// fewest_isolated against a search over the counts themselves: each group's count and each live count, with
// whole coefficients from -2 to 2, summed; the fewest sheets a nonzero sum touches.
std::int64_t fewest_by_search(const std::vector<std::string>& order, std::int64_t k) {
  const auto n = static_cast<std::int64_t>(order.size());
  std::vector<std::string> groups(order.begin(), order.end());
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  std::vector<std::vector<int>> counts;  // each count as the sheets it sums
  for (const auto& g : groups) {
    std::vector<int> v(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) v[i] = order[i] == g;
    counts.push_back(v);
  }
  for (std::int64_t m = 1; (m + 1) * k <= n; ++m) {
    std::vector<int> v(order.size());
    for (std::int64_t i = 0; i < m * k; ++i) v[static_cast<std::size_t>(i)] = 1;
    counts.push_back(v);
  }
  std::int64_t fewest = std::numeric_limits<std::int64_t>::max();
  std::vector<int> coef(counts.size(), -2);
  while (true) {
    std::int64_t touched = 0;
    for (std::size_t i = 0; i < order.size(); ++i) {
      int sum = 0;
      for (std::size_t c = 0; c < counts.size(); ++c) sum += coef[c] * counts[c][i];
      touched += sum != 0;
    }
    if (touched > 0) fewest = std::min(fewest, touched);
    std::size_t c = 0;
    while (c < coef.size() && coef[c] == 2) coef[c++] = -2;
    if (c == coef.size()) break;
    ++coef[c];
  }
  return fewest;
}

TEST(GroupCounts, TheFewestSheetsIsolatedAreWhatASearchOverTheCountsFinds) {
  std::mt19937 random(7);
  int below_k = 0, at_least_k = 0;  // the rounds try both sides of the rule
  for (int round = 0; round < 150; ++round) {
    const std::int64_t k = 2 + static_cast<std::int64_t>(random() % 3);
    const auto n = static_cast<std::size_t>(k) + random() % static_cast<std::size_t>(3 * k);
    const int group_count = 1 + static_cast<int>(random() % 3);
    std::vector<std::string> order;
    for (std::size_t i = 0; i < n; ++i)
      order.push_back(std::string(1, static_cast<char>('a' + random() % static_cast<unsigned>(group_count))));
    (fewest_by_search(order, k) < k ? below_k : at_least_k)++;
    EXPECT_EQ(fewest_isolated(order, k), fewest_by_search(order, k))
        << ::testing::PrintToString(order) << " k=" << k;
  }
  EXPECT_GT(below_k, 10);
  EXPECT_GT(at_least_k, 10);
}

// A hall of 2,000 in four groups. Voting in turn, every stretch of k mixes the groups: nothing below k.
// Voting group after group, 500 each, every live count falls between two groups: nothing below k either; one
// more voter in the first group shifts every boundary by one, and a live count cuts a single sheet off a
// group.
TEST(GroupCounts, AHallOfTwoThousandIsCheckedAtOnce) {
  std::vector<std::string> in_turn, in_blocks;
  for (int i = 0; i < 2000; ++i) {
    in_turn.push_back(std::string(1, static_cast<char>('a' + i % 4)));
    in_blocks.push_back(std::string(1, static_cast<char>('a' + i / 500)));
  }
  EXPECT_EQ(fewest_isolated(in_turn, kK), kK);
  EXPECT_EQ(fewest_isolated(in_blocks, kK), kK);
  in_blocks.insert(in_blocks.begin(), "a");
  EXPECT_EQ(fewest_isolated(in_blocks, kK), 1);
}

// ---------------------------------------------------------------------------------------------------------
// The organizer's access, over real sockets.

constexpr const char* kPassword = "correct horse battery";

class OrganizeReports : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& [name, role] : {std::pair{"alice", "organizer"}, std::pair{"olga", "observer"}}) {
      store::Account a;
      a.name = name;
      a.role = role;
      a.password_hash = store::hash_password(kPassword);
      a.created_ms = hall.clock().now();
      ASSERT_TRUE(hall.store().add_account(a));
    }
    hall.start();
  }

  std::string sign_in(const std::string& name) {
    test::HttpReply r = test::http_request(hall.port(), "POST", "/organize/api/login",
                                           json{{"name", name}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string set = r.headers.at("set-cookie");
    return set.substr(0, set.find(';'));
  }

  test::HttpReply get(const std::string& cookie, const std::string& target) {
    return test::http_get(hall.port(), target, {{"Cookie", cookie}});
  }

  std::string reports() const { return "/organize/api/hearings/" + hall.hearing_id() + "/"; }

  // The demo hearing with a per-presenter ballot on s01 cast by ten voters and closed.
  void close_a_ballot() {
    auto chair = hall.join("chair");
    const std::string ballot = test::start_with_open_ballot(hall, *chair);
    for (int i = 1; i <= 10; ++i) {
      auto voter = hall.join(test::voter_id(i));
      const char* grade = i % 3 == 0 ? "jiaohao" : "hao";
      const json ack = voter->request(
          {{"type", "cast_sheet"},
           {"ballot", ballot},
           {"marks", {{"s01", {{"zhuti", {grade}}, {"lianjie", {"hao"}}, {"zuofeng", {grade}}}}}},
           {"receipt", test::random_receipt()},
           {"idempotency_key", "k" + std::to_string(i)}});
      EXPECT_EQ(ack["type"], "ack") << ack.dump();
    }
    EXPECT_EQ(chair->request({{"type", "close_ballot"}, {"ballot", ballot}})["type"], "ack");
  }

  test::Hall hall;
};

TEST_F(OrganizeReports, SignedOutGets401) {
  for (const char* which : {"results.json", "results.xlsx", "minutes.html", "report.json"}) {
    const test::HttpReply r = test::http_get(hall.port(), reports() + which);
    EXPECT_EQ(r.status, 401) << which;
    EXPECT_EQ(json::parse(r.body).at("error"), "signed_out");
  }
}

TEST_F(OrganizeReports, AnUnknownHearingIs404) {
  const std::string cookie = sign_in("olga");
  const test::HttpReply r = get(cookie, "/organize/api/hearings/no-such-hearing/results.xlsx");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(json::parse(r.body).at("error"), "not_found");
}

TEST_F(OrganizeReports, AnObserverGetsTheChairsBytes) {
  close_a_ballot();
  const std::string cookie = sign_in("olga");
  const std::map<std::string, std::string> chair = {{"Authorization", "Bearer " + hall.token("chair")}};
  for (const char* which : {"results.json", "results.xlsx"}) {
    const test::HttpReply mine = get(cookie, reports() + which);
    const test::HttpReply chairs = test::http_get(hall.port(), std::string("/api/") + which, chair);
    ASSERT_EQ(mine.status, 200) << which << mine.body;
    ASSERT_EQ(chairs.status, 200) << which;
    EXPECT_EQ(mine.headers.at("content-type"), chairs.headers.at("content-type")) << which;
    EXPECT_TRUE(mine.body == chairs.body) << which << ": not the chair's bytes";
  }
  const test::HttpReply xlsx = get(cookie, reports() + "results.xlsx");
  EXPECT_EQ(xlsx.headers.at("content-disposition"),
            "attachment; filename=\"" + hall.hearing_id() + "-results.xlsx\"");
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  // The minutes as the scrutineer reads them, with the head of the audit chain.
  const test::HttpReply minutes = get(cookie, reports() + "minutes.html");
  ASSERT_EQ(minutes.status, 200);
  EXPECT_EQ(minutes.headers.at("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(minutes.body.find(hall.store().head_hash(hall.hearing_id())), std::string::npos);
  // What the printed notice shows: the hearing's language, the chain's head, and results.json.
  const test::HttpReply report = get(cookie, reports() + "report.json");
  ASSERT_EQ(report.status, 200);
  const json doc = json::parse(report.body);
  EXPECT_EQ(doc.at("locale"), "zh-CN");
  EXPECT_EQ(doc.at("head_hash"), hall.store().head_hash(hall.hearing_id()));
  EXPECT_EQ(doc.at("results"), json::parse(get(cookie, reports() + "results.json").body));
  EXPECT_EQ(doc.at("results").at("ballots").size(), 1u);
}

TEST_F(OrganizeReports, ReportsAreReadOnly) {
  const std::string cookie = sign_in("alice");
  const test::HttpReply me = get(cookie, "/organize/api/me");
  const std::string csrf = json::parse(me.body).at("csrf");
  const test::HttpReply r = test::http_request(hall.port(), "POST", reports() + "results.json", "{}",
                                               {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(r.status, 405);
}

}  // namespace
}  // namespace dais::net
