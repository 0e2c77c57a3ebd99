// The minutes and the results CSV speak the hearing's language (settings.locale): a zh-CN hearing's copies
// hold no English word but ids, an English hearing's no Chinese label of their own.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/engine.hpp"
#include "net/exports.hpp"

namespace dais::net {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kHeadHash(64, 'a');

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The demo hearing in `locale`, after one presenter reported and answered and was graded: a stage in every
// state the agenda shows (done, waiting), inquiries answered, being asked, rejected and waiting, a
// commitment, and a closed ballot with results.
class LanguageHearing {
 public:
  explicit LanguageHearing(const std::string& locale, const std::string& first_unit = {}) {
    json def = json::parse(read_text(fs::path(DAIS_SOURCE_DIR) / "seeds/demo-hearing.json"));
    def["settings"]["locale"] = locale;
    if (!first_unit.empty()) def["agenda"][0]["title"] = first_unit;
    state_ = core::make_hearing(core::parse_definition(def).value());
    run("chair", core::OpenCheckIn{});
    for (const auto& p : state_.def.participants) run(p.id, core::CheckIn{});
    run("chair", core::StartSession{});
    run("chair", core::SkipSlot{"s02"});
    for (const char* text : {"问一", "问二", "问三", "问四"})
      run("q01", core::SubmitInquiry{"s01", text, {}});
    run("chair", core::ApproveInquiry{"I1"});
    run("chair", core::ApproveInquiry{"I2"});
    run("chair", core::RejectInquiry{"I3", "与议题无关"});
    run("chair", core::CallSlot{"s01"});
    run("chair", core::BeginStage{"s01", core::Stage::reporting});
    run("chair", core::BeginStage{"s01", core::Stage::questioning});
    run("chair", core::AskInquiry{"I1"});
    run("sec1", core::AnswerInquiry{"I1", "年内整改到位"});
    run("sec1", core::RecordCommitment{"I1", "六月底前销号", "2021-06-30"});
    run("chair", core::AskInquiry{"I2"});
    run("chair", core::CreateBallot{"each", "s01"});
    const core::BallotId ballot = state_.ballot_order.back();
    run("chair", core::OpenBallot{ballot});
    const char* grades[] = {"hao", "jiaohao", "yiban", "cha", "hao", "hao"};
    int n = 0;
    for (const char* voter : {"q01", "q02", "q03", "q04", "q05", "q06"}) {
      core::Marks marks;
      for (const char* dim : {"zhuti", "lianjie", "zuofeng"}) marks["s01"][dim] = {grades[n]};
      std::string receipt(64, '0');
      receipt.back() = static_cast<char>('a' + n++);
      run(voter, core::CastSheet{ballot, marks, receipt});
    }
    run("chair", core::CloseBallot{ballot});
  }

  const core::HearingState& state() const { return state_; }
  std::string minutes() const {
    return minutes_html(state_, state_.def.participant("chair")->roles, kHeadHash, now_);
  }
  std::string csv() const { return results_csv(state_); }

  // Every id the exports may print: they are data, not words of the language.
  std::set<std::string> ids() const {
    std::set<std::string> out = {state_.def.id};
    for (const auto& s : state_.agenda) out.insert(s.def.id);
    for (const auto& [id, q] : state_.inquiries) out.insert(id);
    for (const auto& id : state_.ballot_order) out.insert(id);
    return out;
  }

 private:
  void run(const std::string& who, const core::Command& command) {
    auto r = core::execute(state_, who, command, now_ += 1000);
    if (!r) ADD_FAILURE() << who << ": " << r.error().message << " " << r.error().field;
  }

  core::HearingState state_;
  core::TimeMs now_ = 1'614'000'000'000;
};

// What a reader sees of the page: no style sheet, no tags, no character references, no hash.
std::string visible_text(const std::string& html) {
  std::string text = std::regex_replace(html, std::regex("<style>[\\s\\S]*?</style>"), " ");
  text = std::regex_replace(text, std::regex("<[^>]*>"), " ");
  text = std::regex_replace(text, std::regex("&[a-z]+;|&#[0-9]+;"), " ");
  const auto hash = text.find(kHeadHash);
  if (hash != std::string::npos) text.erase(hash, kHeadHash.size());
  return text;
}

std::set<std::string> ascii_words(const std::string& text) {
  std::set<std::string> out;
  const std::regex word("[A-Za-z][A-Za-z0-9_-]*");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it) {
    out.insert(it->str());
  }
  return out;
}

std::set<std::string> not_ids(const std::set<std::string>& words, const std::set<std::string>& ids) {
  std::set<std::string> out;
  for (const auto& w : words) {
    if (ids.count(w) == 0) out.insert(w);
  }
  return out;
}

// The English labels these exports carried before they spoke the hearing's language.
const char* const kFormerEnglishLabels[] = {
    "waiting",  "reporting", "questioning", "evaluating",   "done",      "skipped",     "submitted",
    "approved", "rejected",  "asking",      "answered",     "withdrawn", "pending",     "closed",
    "open",     "published", "voided",      "Agenda",       "Inquiries", "commitments", "Ballots",
    "Audit",    "head hash", "ballot",      "ballot_title", "status",    "rank",        "slot",
    "unit",     "presenter", "verdict",     "satisfaction", "points",    "flags",       "dimension",
    "cast",     "valid",     "invalid",     "counts"};

TEST(ExportsLanguage, AChineseHearingsMinutesHoldNoEnglishWordButIds) {
  const LanguageHearing hearing("zh-CN");
  const std::string html = hearing.minutes();
  const std::string text = visible_text(html);
  EXPECT_EQ(not_ids(ascii_words(text), hearing.ids()), std::set<std::string>{}) << text;
  const std::set<std::string> words = ascii_words(text);
  for (const char* label : kFormerEnglishLabels) EXPECT_EQ(words.count(label), 0u) << label;
  // The statuses are there, in Chinese: the reported slot, the waiting ones, each inquiry and the ballot.
  for (const char* label :
       {"议程", "已跳过", "等候", "已答复", "正在质询", "未通过", "待审核", "质询与承诺", "民主评议",
        "答复摘要：年内整改到位", "承诺：六月底前销号（期限 2021-06-30）", "应到 ", "链头哈希"}) {
    EXPECT_NE(text.find(label), std::string::npos) << label;
  }
  EXPECT_NE(html.find("<html lang=\"zh-CN\">"), std::string::npos);
}

TEST(ExportsLanguage, AChineseHearingsCsvHoldsNoEnglishWordButIds) {
  const LanguageHearing hearing("zh-CN");
  const std::string csv = hearing.csv();
  EXPECT_EQ(not_ids(ascii_words(csv), hearing.ids()), std::set<std::string>{}) << csv;
  EXPECT_EQ(
      csv.substr(0, csv.find("\r\n")),
      "\xEF\xBB\xBF测评编号,测评名称,状态,排名,议程编号,单位,述职人,评价,满意率,得分,提示,测评项目,收回,"
      "有效,无效,计票");
  EXPECT_NE(csv.find(",已结束,"), std::string::npos) << csv;  // the ballot's status
}

TEST(ExportsLanguage, AnEnglishHearingsMinutesAndCsvAreInEnglish) {
  const LanguageHearing hearing("en", "=HYPERLINK(\"http://x\")");
  const std::string text = visible_text(hearing.minutes());
  for (const char* label :
       {"Agenda", "Inquiries and commitments", "Ballots", "Audit", "questioning", "skipped", "waiting",
        "answered", "being asked", "rejected", "submitted", "Expected ", ", present ",
        "Answer summary: 年内整改到位", "Commitment: 六月底前销号 (due 2021-06-30)"}) {
    EXPECT_NE(text.find(label), std::string::npos) << label;
  }
  // Chinese stays only where the hearing's own data is Chinese (names, titles, grade labels).
  for (const char* label :
       {"纪要", "议程", "应到", "实到", "已结束", "等候", "已答复", "正在质询", "质询与承诺", "民主评议",
        "答复摘要", "承诺：", "期限", "投票", "无效", "审计", "链头哈希", "口头"}) {
    EXPECT_EQ(text.find(label), std::string::npos) << label;
  }
  const std::string csv = hearing.csv();
  EXPECT_EQ(
      csv.substr(0, csv.find("\r\n")),
      "\xEF\xBB\xBF"
      "Ballot,Ballot title,Status,Rank,Slot,Unit,Presenter,Verdict,Satisfaction,Points,Flags,Dimension,Cast,"
      "Valid,Invalid,Counts");
  EXPECT_NE(csv.find(",closed,"), std::string::npos) << csv;
  // A cell that a spreadsheet would read as a formula is still neutralised.
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv;
  EXPECT_EQ(csv.find(",=HYPERLINK"), std::string::npos) << csv;
}

// results.json is for programs: its status codes stay the same in every language.
// A remark and a break are agenda rows of their own: named for what they are, with no mode and no Q&A time.
TEST(ExportsLanguage, TheMinutesNameARemarkAndABreakWithoutPresenterModeOrQa) {
  json def = json::parse(read_text(fs::path(DAIS_SOURCE_DIR) / "seeds/sample-with-remarks.json"));
  const core::HearingState state = core::make_hearing(core::parse_definition(def).value());
  const std::string html = minutes_html(state, state.def.participant("chair")->roles, kHeadHash, 0);
  const auto row_of = [&](const std::string& title) {
    const auto at = html.find("<td>" + title + "</td>");
    EXPECT_NE(at, std::string::npos) << title;
    return html.substr(at, html.find("</tr>", at) - at);
  };
  EXPECT_EQ(row_of("开幕讲话（区纪委书记）"),
            "<td>开幕讲话（区纪委书记）</td><td>讲话</td><td>—</td><td>等候</td><td>0:00</td><td>—</td>");
  EXPECT_EQ(row_of("休息"), "<td>休息</td><td>休息</td><td>—</td><td>等候</td><td>0:00</td><td>—</td>");
  EXPECT_NE(row_of("区水务局").find("口头"), std::string::npos);
}

TEST(ExportsLanguage, ResultsJsonKeepsItsCodes) {
  for (const char* locale : {"zh-CN", "en"}) {
    const LanguageHearing hearing(locale);
    const json doc = json::parse(results_json(hearing.state()));
    EXPECT_EQ(doc["ballots"][0]["status"], "closed") << locale;
  }
}

// The six figures of a closed ballot as reports state them, the same in the minutes and in results.json.
TEST(ExportsLanguage, TheSixFiguresOfAClosedBallotAppearInTheMinutesAndResultsJson) {
  const LanguageHearing hearing("zh-CN");
  const json turnout = json::parse(results_json(hearing.state()))["ballots"][0]["turnout"];
  EXPECT_EQ(turnout["expected"], hearing.state().expected_voters());
  EXPECT_EQ(turnout["present"], turnout["expected"]);  // everyone checked in
  EXPECT_EQ(turnout["voted"], 6);
  EXPECT_EQ(turnout["valid"], 6);
  EXPECT_EQ(turnout["invalid"], 0);
  const std::string line = "应到 " + turnout["expected"].dump() + "，实到 " + turnout["present"].dump() +
                           "，发出 " + turnout["issued"].dump() + "，收回 6，有效 6，无效 0";
  EXPECT_NE(visible_text(hearing.minutes()).find(line), std::string::npos) << line;
  const LanguageHearing english("en");
  const std::string en_line = "Expected " + turnout["expected"].dump() + ", present " +
                              turnout["present"].dump() + ", issued " + turnout["issued"].dump() +
                              ", returned 6, valid 6, invalid 0";
  EXPECT_NE(visible_text(english.minutes()).find(en_line), std::string::npos) << en_line;
}

}  // namespace
}  // namespace dais::net
