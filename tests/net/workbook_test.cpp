// The commission's workbook (results.xlsx), read back with a reader that shares nothing with the writer
// (openpyxl, tests/tools/read_xlsx.py): every count and share as results.json states it, the six counts as
// turnout_json, the layout a commission prints (merged headers, numbers as numbers, frozen panes), and
// nothing of a ballot that is not closed or published.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/engine.hpp"
#include "core/view.hpp"
#include "harness.hpp"
#include "net/exports.hpp"
#include "net/workbook.hpp"
#include "xlsx_reader.hpp"

namespace dais::net {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::Grid;
using testing::read_text;
using testing::read_workbook;
using testing::TempDir;

const std::string kHeadHash(64, 'c');

// The demo hearing with two ballots reported (a per-presenter ballot, closed and published, and the combined
// sheet, closed) of 7 sheets each, so that shares are sevenths and a share rounded in the wrong place shows;
// and three that are not: a voided ballot, its pending rerun, and an open one.
class WorkbookHearing {
 public:
  explicit WorkbookHearing(const std::string& locale, const std::string& combined_title = {}) {
    json def = json::parse(read_text(fs::path(DAIS_SOURCE_DIR) / "seeds/demo-hearing.json"));
    def["settings"]["locale"] = locale;
    if (!combined_title.empty()) def["ballot_templates"][1]["title"] = combined_title;
    state_ = core::make_hearing(core::parse_definition(def).value());
    run("chair", core::OpenCheckIn{});
    for (const auto& p : state_.def.participants) run(p.id, core::CheckIn{});
    run("chair", core::StartSession{});

    // 7 sheets: sections with one mark, 不了解, two marks, none; the last sheet blank (an invalid sheet).
    const std::vector<std::vector<core::GradeId>> zhuti = {{"hao"},     {"hao"},       {"hao"}, {"jiaohao"},
                                                           {"jiaohao"}, {"buliaojie"}, {}};
    const std::vector<std::vector<core::GradeId>> lianjie = {
        {"hao"}, {"jiaohao"}, {"jiaohao"}, {"cha"}, {"hao", "cha"}, {}, {}};
    const std::vector<std::vector<core::GradeId>> zuofeng = {{"hao"}, {"hao"},     {"yiban"}, {"yiban"},
                                                             {"cha"}, {"jiaohao"}, {}};
    published_ = per_presenter("s01", [&](std::size_t i) {
      core::Marks m;
      m["s01"] = {{"zhuti", zhuti[i]}, {"lianjie", lianjie[i]}, {"zuofeng", zuofeng[i]}};
      return m;
    });
    run("chair", core::CloseBallot{published_});
    run("chair", core::PublishBallot{published_});

    voided_ = per_presenter("s02", [](std::size_t) {
      core::Marks m;
      m["s02"] = {{"zhuti", {"hao"}}, {"lianjie", {"hao"}}, {"zuofeng", {"hao"}}};
      return m;
    });
    run("chair", core::CloseBallot{voided_});
    run("chair", core::VoidBallot{voided_, "计票设备故障"});
    rerun_ = state_.ballot_order.back();

    run("chair", core::CreateBallot{"final", std::nullopt});
    combined_ = state_.ballot_order.back();
    run("chair", core::OpenBallot{combined_});
    const char* grades[] = {"lianjie", "lianjie", "lianjie", "jiben", "lianjie", "jiben", "bulianjie"};
    for (std::size_t i = 0; i < 7; ++i) {
      core::Marks m;
      std::size_t j = 0;
      for (const auto& slot : state_.agenda) m[slot.def.id]["lianjie"] = {grades[(i + j++) % 7]};
      cast(i, combined_, m, receipt());
    }
    run("chair", core::CloseBallot{combined_});

    open_ = per_presenter("s03", [](std::size_t) {
      core::Marks m;
      m["s03"] = {{"zhuti", {"cha"}}, {"lianjie", {"cha"}}, {"zuofeng", {"cha"}}};
      return m;
    });
  }

  const core::HearingState& state() const { return state_; }
  core::BallotId published_, voided_, rerun_, combined_, open_;

 private:
  template <typename MarksOf>
  core::BallotId per_presenter(const core::SlotId& slot, MarksOf marks_of) {
    run("chair", core::CreateBallot{"each", slot});
    const core::BallotId ballot = state_.ballot_order.back();
    run("chair", core::OpenBallot{ballot});
    for (std::size_t i = 0; i < 7; ++i) cast(i, ballot, marks_of(i), std::nullopt);
    return ballot;
  }

  void cast(std::size_t voter, const core::BallotId& ballot, const core::Marks& marks,
            std::optional<std::string> change_tag) {
    run(test::voter_id(static_cast<int>(voter) + 1), core::CastSheet{ballot, marks, receipt(), change_tag});
  }

  std::string receipt() {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(++receipts_));
    return std::string(48, 'e') + hex;
  }

  void run(const std::string& who, const core::Command& command) {
    auto r = core::execute(state_, who, command, now_ += 1000);
    if (!r) ADD_FAILURE() << who << ": " << r.error().message << " " << r.error().field;
  }

  core::HearingState state_;
  core::TimeMs now_ = 1'614'000'000'000;
  std::uint64_t receipts_ = 0;
};

const json& sheet_named_for(const json& workbook, const std::string& ballot) {
  for (const json& s : workbook.at("sheets")) {
    if (s.at("name").get<std::string>().rfind(ballot + " ", 0) == 0) return s;
  }
  throw std::runtime_error("no sheet for " + ballot);
}

std::string grade_label(const core::HearingState& state, const std::string& tpl, const std::string& dim,
                        const std::string& grade) {
  return net::grade_label(state.def.ballot_template(tpl), dim, grade);
}

bool is_percent(const json* cell) {
  return cell != nullptr && cell->at("fmt").get<std::string>().find('%') != std::string::npos;
}

// Checks one ballot's sheet against its entry of results.json.
void expect_ballot_sheet(const core::HearingState& state, const json& ballot, const Grid& g) {
  SCOPED_TRACE(ballot.at("ballot").get<std::string>());
  // The title, merged over the table's width.
  EXPECT_EQ(g.value(0, 0), ballot.at("title").get<std::string>() + "（统计结果）");
  // The six counts: a label row over a value row, numbers equal to results.json's (turnout_json's).
  const json& turnout = ballot.at("turnout");
  const std::pair<const char*, const char*> six[] = {{"应到", "expected"}, {"实到", "present"},
                                                     {"发出", "issued"},   {"收回", "voted"},
                                                     {"有效", "valid"},    {"无效", "invalid"}};
  for (const auto& [label, key] : six) {
    const auto [r, c] = g.find(label);
    ASSERT_TRUE(g.value(r + 1, c).is_number()) << label;
    EXPECT_EQ(g.value(r + 1, c).get<std::int64_t>(), turnout.at(key).get<std::int64_t>()) << label;
  }

  // The header over two rows: rank, unit and presenter merged down; a dimension merged over its grades.
  const auto [header, rank_col] = g.find("排名");
  ASSERT_GE(header, 0);
  EXPECT_EQ(rank_col, 0);
  EXPECT_TRUE(g.at(header, 0)->at("bold").get<bool>());
  for (int c = 0; c < 3; ++c) EXPECT_TRUE(g.merged(header, c, header + 1, c)) << c;
  EXPECT_EQ(g.sheet().at("freeze"), (json{header + 2, 3}));
  EXPECT_GE(g.sheet().at("widths").value("1", 0.0), 10.0);  // the unit column fits its names

  std::map<std::string, std::pair<int, int>> dimension_span;  // label → first, last column
  for (const json& m : g.sheet().at("merged")) {
    if (m[0] == header && m[2] == header && m[3] > m[1]) {
      dimension_span[g.value(header, m[1].get<int>()).get<std::string>()] = {m[1].get<int>(),
                                                                             m[3].get<int>()};
    }
  }
  auto column = [&](const std::string& dimension, const std::string& label) {
    const auto [first, last] = dimension_span.at(dimension);
    for (int c = first; c <= last; ++c) {
      if (g.value(header + 1, c) == label) return c;
    }
    ADD_FAILURE() << "no column " << label << " under " << dimension;
    return -1;
  };
  auto result_column = [&](const std::string& label) {
    const int c = g.find(label).second;
    EXPECT_TRUE(g.merged(header, c, header + 1, c)) << label;
    return c;
  };

  int rows = 0;
  for (int r = header + 2; g.value(r, 1).is_string(); ++r) ++rows;
  ASSERT_EQ(rows, static_cast<int>(ballot.at("presenters").size()));
  int r = header + 2;
  for (const json& p : ballot.at("presenters")) {  // rank order, as results.json
    SCOPED_TRACE(p.at("unit").get<std::string>());
    EXPECT_EQ(g.value(r, 0), p.at("rank"));
    EXPECT_EQ(g.value(r, 1), p.at("unit"));
    EXPECT_EQ(g.value(r, 2), p.at("name"));
    for (const json& d : p.at("dimensions")) {
      const std::string dim = d.at("label");
      ASSERT_EQ(dimension_span.count(dim), 1u) << dim;
      const auto cast = d.at("cast").get<std::int64_t>();
      for (const auto& g_def : state.def.ballot_template(ballot.at("template"))->dimensions) {
        if (g_def.label != dim) continue;
        for (const core::Grade& grade : g_def.grades) {
          const std::int64_t n = d.at("counts").value(grade.id, std::int64_t{0});
          const int c = column(dim, grade_label(state, ballot.at("template"), d.at("dimension"), grade.id));
          ASSERT_TRUE(g.value(r, c).is_number()) << grade.id;
          EXPECT_EQ(g.value(r, c).get<std::int64_t>(), n) << dim << " " << grade.id;
          // Its share, the next column: a number shown as a percentage, of the sheets returned for the item.
          EXPECT_EQ(g.value(header + 1, c + 1), grade.label + "占比");
          ASSERT_TRUE(g.value(r, c + 1).is_number()) << grade.id;
          EXPECT_NEAR(g.value(r, c + 1).get<double>(), static_cast<double>(n) / static_cast<double>(cast),
                      1e-12);
          EXPECT_TRUE(is_percent(g.at(r, c + 1)));
        }
      }
      EXPECT_EQ(g.value(r, column(dim, "有效")), d.at("valid"));
      EXPECT_EQ(g.value(r, column(dim, "无效")), d.at("invalid"));
    }
    const int satisfaction = result_column("满意率"), points = result_column("得分");
    if (p.at("satisfaction").is_number()) {
      EXPECT_NEAR(g.value(r, satisfaction).get<double>(), p.at("satisfaction").get<double>(), 1e-12);
      EXPECT_TRUE(is_percent(g.at(r, satisfaction)));
    } else {
      EXPECT_TRUE(g.value(r, satisfaction).is_null());
    }
    EXPECT_NEAR(g.value(r, points).get<double>(), p.at("points").get<double>(), 1e-9);
    EXPECT_EQ(g.value(r, result_column("评价")), p.at("verdict"));
    std::string flags;
    for (const json& f : p.at("flags")) flags += (flags.empty() ? "" : "、") + f.get<std::string>();
    EXPECT_EQ(g.value(r, result_column("提示")), flags.empty() ? json(nullptr) : json(flags));
    ++r;
  }
}

TEST(Workbook, EveryCountAndShareIsResultsJsonsAndTheSixCountsTurnoutJsons) {
  const WorkbookHearing hearing("zh-CN");
  const core::HearingState& state = hearing.state();
  const TempDir dir;
  const std::string bytes = results_workbook(state, kHeadHash, dir.path());
  // The private directory it was assembled in is gone.
  EXPECT_TRUE(fs::is_empty(dir.path()));
  const json workbook = read_workbook(bytes, dir.path());
  const json results = json::parse(results_json(state));

  // A summary and one sheet per reported ballot: the published and the closed one, nothing else.
  ASSERT_EQ(results.at("ballots").size(), 2u);
  ASSERT_EQ(workbook.at("sheets").size(), 3u);
  EXPECT_EQ(workbook.at("sheets")[0].at("name"), "汇总");
  for (const json& ballot : results.at("ballots")) {
    const json& sheet = sheet_named_for(workbook, ballot.at("ballot"));
    expect_ballot_sheet(state, ballot, Grid(sheet));
  }

  // Sevenths: the shares are the exact fractions (3/7 is not 0.429), whatever the cell shows.
  const json& s01 = results.at("ballots")[0].at("presenters")[0].at("dimensions")[0];
  EXPECT_EQ(s01.at("counts").at("hao"), 3);
  EXPECT_EQ(s01.at("cast"), 7);
  // And the six counts are those of the ballot itself, as turnout_json states them.
  const core::Ballot& b = state.ballots.at(hearing.published_);
  const core::BallotResult r = core::score(state, b, b.tally);
  EXPECT_EQ(results.at("ballots")[0].at("turnout"), core::turnout_json(r.turnout));
  EXPECT_EQ(core::turnout_json(r.turnout).at("invalid"), 1);  // the blank sheet

  // The summary: the hearing, the roll, the head hash, one line per reported ballot with its six counts.
  const Grid summary(workbook.at("sheets")[0]);
  EXPECT_EQ(summary.value(0, 0), state.def.title + "民主测评结果统计表");
  EXPECT_TRUE(summary.merged(0, 0, 0, 9));
  const std::set<std::string> texts = summary.texts();
  for (const std::string& fact : {state.def.title, state.def.date, state.def.venue, kHeadHash})
    EXPECT_EQ(texts.count(fact), 1u) << fact;
  const auto [expected_row, expected_col] = summary.find("应到人数");
  EXPECT_EQ(summary.value(expected_row, expected_col + 1), state.expected_voters());
  const auto [header, first_col] = summary.find("测评编号");
  EXPECT_EQ(summary.value(header, first_col + 8), "有效");
  for (std::size_t i = 0; i < 2; ++i) {
    const json& ballot = results.at("ballots")[i];
    const int row = header + 1 + static_cast<int>(i);
    EXPECT_EQ(summary.value(row, 0), ballot.at("ballot"));
    EXPECT_EQ(summary.value(row, 3), sheet_named_for(workbook, ballot.at("ballot")).at("name"));
    const char* keys[] = {"expected", "present", "issued", "voted", "valid", "invalid"};
    for (int k = 0; k < 6; ++k)
      EXPECT_EQ(summary.value(row, 4 + k), ballot.at("turnout").at(keys[k])) << keys[k];
  }
  EXPECT_TRUE(summary.value(header + 3, 0).is_null());

  // Nothing of the voided ballot, its pending rerun or the open one; no voter anywhere.
  for (const json& sheet : workbook.at("sheets")) {
    const std::set<std::string> cells = Grid(sheet).texts();
    for (const auto& id : {hearing.voided_, hearing.rerun_, hearing.open_}) {
      EXPECT_EQ(cells.count(id), 0u) << id;
      EXPECT_NE(sheet.at("name").get<std::string>().rfind(id + " ", 0), 0u) << id;
    }
    for (const auto& p : state.def.participants) {
      if (!p.roles.has(core::Role::voter)) continue;
      EXPECT_EQ(cells.count(p.id), 0u) << p.id;
      EXPECT_EQ(cells.count(p.name), 0u) << p.name;
    }
  }
}

// The rule of the per-presenter ballot weights voter groups: its sheet states the weights it applied.
TEST(Workbook, AWeightedBallotsSheetStatesTheGroupWeights) {
  const WorkbookHearing hearing("zh-CN");
  const TempDir dir;
  const json workbook = read_workbook(results_workbook(hearing.state(), kHeadHash, dir.path()), dir.path());
  const Grid weighted(sheet_named_for(workbook, hearing.published_));
  const auto [row, col] = weighted.find("测评人类别");
  int n = 0;
  for (const core::VoterGroup& g : hearing.state().def.voter_groups) {
    ++n;
    EXPECT_EQ(weighted.value(row + n, col), g.name);
    EXPECT_NEAR(weighted.value(row + n, col + 1).get<double>(), g.weight, 1e-12);
  }
  const json attendance = core::section_view(hearing.state(), core::Section::attendance, {}).at("groups");
  EXPECT_EQ(weighted.value(row + 1, col + 2), attendance[0].at("expected"));
  // The combined sheet's rule does not weight groups.
  EXPECT_EQ(Grid(sheet_named_for(workbook, hearing.combined_)).texts().count("测评人类别"), 0u);
}

TEST(Workbook, AnEnglishHearingsWorkbookSpeaksEnglish) {
  const WorkbookHearing hearing("en");
  const TempDir dir;
  const json workbook = read_workbook(results_workbook(hearing.state(), kHeadHash, dir.path()), dir.path());
  EXPECT_EQ(workbook.at("sheets")[0].at("name"), "Summary");
  const std::set<std::string> texts = Grid(sheet_named_for(workbook, hearing.published_)).texts();
  for (const char* word :
       {"Rank", "Unit", "Presenter", "Expected", "Returned", "Satisfaction", "Points", "Verdict"})
    EXPECT_EQ(texts.count(word), 1u) << word;
  EXPECT_EQ(texts.count("排名"), 0u);
}

// Excel refuses a sheet named with []:*?/\ or longer than 31 characters: the name is made acceptable, and the
// sheet's own title keeps the template's title whole.
TEST(Workbook, ASheetNameExcelWouldRefuseIsMadeAcceptable) {
  const std::string title =
      "'综合评议：2021/上半年[第一次]*?\\ 廉洁情况综合评议表（含党风廉政建设责任制落实情况）";
  const WorkbookHearing hearing("zh-CN", title);
  const TempDir dir;
  const json workbook = read_workbook(results_workbook(hearing.state(), kHeadHash, dir.path()), dir.path());
  const json& sheet = sheet_named_for(workbook, hearing.combined_);
  const std::string name = sheet.at("name");
  std::size_t characters = 0;
  for (char c : name) characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  EXPECT_EQ(characters, 31u) << name;
  EXPECT_EQ(name.find_first_of("[]:*?/\\"), std::string::npos) << name;
  EXPECT_EQ(Grid(sheet).value(0, 0), title + "（统计结果）");
}

// --- The route: the chair and the scrutineer download it; nobody else does.

TEST(Workbook, TheRouteGivesTheChairTheWorkbookAndRefusesAVoterAndAnUnknownToken) {
  test::Hall hall;
  hall.start();
  const TempDir dir;
  for (const char* who : {"chair", "jpr"}) {
    const test::HttpReply r =
        test::http_get(hall.port(), "/api/results.xlsx", {{"Authorization", "Bearer " + hall.token(who)}});
    ASSERT_EQ(r.status, 200) << who;
    EXPECT_EQ(r.headers.at("content-type"),
              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    EXPECT_EQ(r.headers.at("content-disposition"),
              "attachment; filename=\"" + hall.hearing_id() + "-results.xlsx\"");
    const json workbook = read_workbook(r.body, dir.path());
    // No ballot has closed: the summary alone, saying so.
    ASSERT_EQ(workbook.at("sheets").size(), 1u);
    const Grid summary(workbook.at("sheets")[0]);
    EXPECT_EQ(summary.texts().count("尚无已结束的测评。"), 1u);
    EXPECT_EQ(summary.texts().count(hall.definition().title), 1u);
    // The head hash of the audit chain, as the minutes state it.
    const std::string head = hall.store().head_hash(hall.hearing_id());
    EXPECT_EQ(summary.texts().count(head), 1u) << head;
  }
  EXPECT_EQ(test::http_get(hall.port(), "/api/results.xlsx",
                           {{"Authorization", "Bearer " + hall.token(test::voter_id(1))}})
                .status,
            403);
  EXPECT_EQ(
      test::http_get(hall.port(), "/api/results.xlsx", {{"Authorization", "Bearer no-such-token"}}).status,
      401);
}

}  // namespace
}  // namespace dais::net
