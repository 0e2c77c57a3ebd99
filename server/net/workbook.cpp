#include "net/workbook.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "core/view.hpp"
#include "net/exports.hpp"

namespace dais::net {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The workbook's words in the hearing's language (reports_in_english), as a commission's statistics table
// prints them.
struct Words {
  const char* summary_sheet;
  const char* summary_title;      // after the hearing's title
  const char* ballot_title;       // after the ballot's title
  const char* facts[7];           // hearing, date, venue, expected, present, events, head hash
  const char* ballot_columns[4];  // ballot, title, status, sheet
  const char* turnout[6];         // 应到 实到 发出 收回 有效 无效, in turnout_json's order below
  const char* no_results;
  const char* fixed_columns[3];   // rank, unit, presenter
  const char* share;              // after a grade's label: the column of its share
  const char* section_counts[2];  // valid, invalid marks of a dimension
  const char* result_columns[4];  // satisfaction, points, verdict, flags
  const char* share_note;
  const char* weights;
  const char* weight_columns[3];  // group, weight, members
  const char* list_separator;
  const char* by_group;      // the heading of the counts per voter group
  const char* group_sheets;  // after a group's name: its sheets, {0}
  const char* paper;         // beside the six counts: the sheets of 收回 that came on paper, when any did
};

constexpr Words kChinese = {
    "汇总",
    "民主测评结果统计表",
    "（统计结果）",
    {"会议名称", "日期", "地点", "应到人数", "实到人数", "日志条数", "审计链头哈希"},
    {"测评编号", "测评名称", "状态", "工作表"},
    {"应到", "实到", "发出", "收回", "有效", "无效"},
    "尚无已结束的测评。",
    {"排名", "单位", "述职人"},
    "占比",
    {"有效", "无效"},
    {"满意率", "得分", "评价", "提示"},
    "占比＝该等次票数÷该项收回票数（含无效票）。满意率、得分按本测评的计分规则计算。",
    "按测评人类别加权计分",
    {"测评人类别", "权重", "应到人数"},
    "、",
    "分类统计（按测评人类别）",
    "（收回 {0} 份）",
    "其中纸质票",
};

constexpr Words kEnglish = {
    "Summary",
    " — evaluation results",
    " — results",
    {"Hearing", "Date", "Venue", "Expected", "Present", "Events", "Audit head hash"},
    {"Ballot", "Title", "Status", "Sheet"},
    {"Expected", "Present", "Issued", "Returned", "Valid", "Invalid"},
    "No ballot has closed yet.",
    {"Rank", "Unit", "Presenter"},
    " %",
    {"Valid", "Invalid"},
    {"Satisfaction", "Points", "Verdict", "Flags"},
    "A share is the grade's marks over the sheets returned for that item (invalid ones included). "
    "Satisfaction and points follow the ballot's scoring rule.",
    "Points weighted by voter group",
    {"Voter group", "Weight", "Members"},
    ", ",
    "Counts per voter group",
    " ({0} sheets returned)",
    "Of which on paper",
};

// turnout_json's keys in the order of Words::turnout: the same six figures results.json carries.
constexpr const char* kTurnoutKeys[] = {"expected", "present", "issued", "voted", "valid", "invalid"};

// Text from the hearing, without the control characters XML cannot carry (a workbook holding one will not
// open).
std::string cell_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
  }
  return out;
}

// A column's width in Excel's units: a Chinese character takes about two.
double display_width(std::string_view text) {
  double width = 0;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80)
      width += 1;
    else if ((byte & 0xC0) != 0x80)
      width += 2;
  }
  return width;
}

// A sheet's name as Excel accepts it: at most 31 characters, none of []:*?/\, not starting or ending in '.
std::string sheet_name(std::string_view wanted_text) {
  std::string wanted = cell_text(wanted_text);
  std::erase_if(wanted, [](char c) { return c == '\t' || c == '\n'; });
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < wanted.size();) {
    std::size_t len = 1;
    while (i + len < wanted.size() && (static_cast<unsigned char>(wanted[i + len]) & 0xC0) == 0x80) ++len;
    if (n == 31) break;
    std::string ch = wanted.substr(i, len);
    if (ch.size() == 1 && std::string_view("[]:*?/\\").find(ch[0]) != std::string_view::npos) ch = "_";
    out += ch;
    ++n;
    i += len;
  }
  while (!out.empty() && out.front() == '\'') out.erase(0, 1);
  while (!out.empty() && out.back() == '\'') out.pop_back();
  return out;
}

std::string lowercase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The directory the workbook is assembled in: made for this one file (mode 0700), removed with everything in
// it when the workbook is done.
class PrivateDir {
 public:
  explicit PrivateDir(const fs::path& root) {
    std::string pattern = (root / "dais-workbook-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot make a private directory under " + root.string());
    path_ = pattern;
  }
  ~PrivateDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  PrivateDir(const PrivateDir&) = delete;
  PrivateDir& operator=(const PrivateDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Formats {
  explicit Formats(lxw_workbook* wb) {
    title = workbook_add_format(wb);
    format_set_bold(title);
    format_set_font_size(title, 16);
    format_set_align(title, LXW_ALIGN_CENTER);
    format_set_align(title, LXW_ALIGN_VERTICAL_CENTER);
    subtitle = workbook_add_format(wb);
    format_set_align(subtitle, LXW_ALIGN_CENTER);
    label = workbook_add_format(wb);
    format_set_bold(label);
    header = workbook_add_format(wb);
    format_set_bold(header);
    format_set_align(header, LXW_ALIGN_CENTER);
    format_set_align(header, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(header);
    format_set_border(header, LXW_BORDER_THIN);
    format_set_bg_color(header, 0xE7E6E6);
    text = bordered(wb);
    format_set_text_wrap(text);
    count = bordered(wb);
    format_set_num_format(count, "0");
    share = bordered(wb);
    format_set_num_format(share, "0.0%");
    points = bordered(wb);
    format_set_num_format(points, "0.00");
    plain_count = workbook_add_format(wb);
    format_set_num_format(plain_count, "0");
    format_set_align(plain_count, LXW_ALIGN_LEFT);
  }

  static lxw_format* bordered(lxw_workbook* wb) {
    lxw_format* f = workbook_add_format(wb);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    return f;
  }

  lxw_format* title;
  lxw_format* subtitle;
  lxw_format* label;
  lxw_format* header;
  lxw_format* text;
  lxw_format* count;
  lxw_format* share;
  lxw_format* points;
  lxw_format* plain_count;
};

// One worksheet and the writes to it, at (row, column) from 0; cells take text from the hearing through
// cell_text.
class Sheet {
 public:
  Sheet(lxw_workbook* wb, const std::string& name) : ws_(workbook_add_worksheet(wb, name.c_str())) {
    if (ws_ == nullptr) throw std::runtime_error("the workbook refused the sheet name " + name);
  }

  void text(std::size_t row, std::size_t col, std::string_view value, lxw_format* f) {
    worksheet_write_string(ws_, r(row), c(col), cell_text(value).c_str(), f);
  }
  void number(std::size_t row, std::size_t col, double value, lxw_format* f) {
    worksheet_write_number(ws_, r(row), c(col), value, f);
  }
  // An absent figure (no valid marks, no sheets) stays an empty cell, not a zero.
  void number(std::size_t row, std::size_t col, const std::optional<double>& value, lxw_format* f) {
    if (value) return number(row, col, *value, f);
    worksheet_write_blank(ws_, r(row), c(col), f);
  }
  void merged(std::size_t r1, std::size_t c1, std::size_t r2, std::size_t c2, std::string_view value,
              lxw_format* f) {
    if (r1 == r2 && c1 == c2) return text(r1, c1, value, f);
    worksheet_merge_range(ws_, r(r1), c(c1), r(r2), c(c2), cell_text(value).c_str(), f);
  }
  void width(std::size_t col, double w) {
    worksheet_set_column(ws_, c(col), c(col), std::clamp(w, 6.0, 60.0), nullptr);
  }
  void freeze(std::size_t row, std::size_t col) { worksheet_freeze_panes(ws_, r(row), c(col)); }
  void row_height(std::size_t row, double h) { worksheet_set_row(ws_, r(row), h, nullptr); }

 private:
  static lxw_row_t r(std::size_t row) { return static_cast<lxw_row_t>(row); }
  static lxw_col_t c(std::size_t col) { return static_cast<lxw_col_t>(col); }
  lxw_worksheet* ws_;
};

std::optional<double> as_number(const json& j) {
  return j.is_number() ? std::optional<double>(j.get<double>()) : std::nullopt;
}

// The dimensions and grades a ballot's columns show: its template's, in the template's order.
struct DimensionColumns {
  core::DimensionId id;
  std::string label;
  std::vector<std::pair<core::GradeId, std::string>> grades;
};

std::vector<DimensionColumns> columns_of(const core::BallotTemplate* tpl, const core::BallotResult& r) {
  std::vector<DimensionColumns> out;
  if (tpl != nullptr) {
    for (const auto& d : tpl->dimensions) {
      DimensionColumns c{d.id, d.label, {}};
      for (const auto& g : d.grades) c.grades.emplace_back(g.id, g.label);
      out.push_back(std::move(c));
    }
    return out;
  }
  // A template the definition no longer names: the grades the counts hold.
  for (const auto& p : r.presenters) {
    for (const auto& d : p.dimensions) {
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& c) { return c.id == d.dimension; });
      if (it == out.end()) it = out.insert(out.end(), DimensionColumns{d.dimension, d.dimension, {}});
      for (const auto& [grade, n] : d.counts) {
        if (std::none_of(it->grades.begin(), it->grades.end(),
                         [&](const auto& g) { return g.first == grade; }))
          it->grades.emplace_back(grade, grade);
      }
    }
  }
  return out;
}

const core::SectionResult* section_of(const core::PresenterResult& p, const core::DimensionId& dim) {
  for (const auto& d : p.dimensions) {
    if (d.dimension == dim) return &d;
  }
  return nullptr;
}

std::string joined(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// The six counts as a label row over a value row, from turnout_json (the figures results.json carries).
void write_turnout(Sheet& sheet, std::size_t row, const core::Turnout& t, const Words& w, const Formats& f) {
  const json figures = core::turnout_json(t);
  for (std::size_t i = 0; i < std::size(kTurnoutKeys); ++i) {
    sheet.text(row, i, w.turnout[i], f.header);
    sheet.number(row + 1, i, as_number(figures.at(kTurnoutKeys[i])), f.count);
  }
  if (t.paper > 0) {
    sheet.text(row, std::size(kTurnoutKeys), w.paper, f.header);
    sheet.number(row + 1, std::size(kTurnoutKeys), static_cast<double>(t.paper), f.count);
  }
}

// A ballot sheet's table starts at this row: a header over two rows, then one row per presenter.
constexpr std::size_t kTableTop = 5;
constexpr std::size_t kFixedColumns = 3;  // rank, unit, presenter: frozen beside the figures

// The header over two rows: rank, unit, presenter and the results merged down; each dimension merged over its
// grades' count and share columns and its valid and invalid columns. Returns the first results column.
std::size_t write_table_header(Sheet& sheet, std::size_t top, const std::vector<DimensionColumns>& dims,
                               const Words& w, const Formats& f, bool with_results = true) {
  std::size_t col = 0;
  for (const char* name : w.fixed_columns) {
    sheet.merged(top, col, top + 1, col, name, f.header);
    ++col;
  }
  for (const auto& d : dims) {
    sheet.merged(top, col, top, col + d.grades.size() * 2 + 1, d.label, f.header);
    for (const auto& [id, label] : d.grades) {
      sheet.text(top + 1, col, label, f.header);
      sheet.width(col++, 7);
      sheet.text(top + 1, col, label + w.share, f.header);
      sheet.width(col++, std::max(9.0, display_width(label + w.share) + 2));
    }
    for (const char* name : w.section_counts) {
      sheet.text(top + 1, col, name, f.header);
      sheet.width(col++, 7);
    }
  }
  const std::size_t results = col;
  if (!with_results) return results;
  for (const char* name : w.result_columns) {
    sheet.merged(top, col, top + 1, col, name, f.header);
    ++col;
  }
  return results;
}

// One section's figures, of all groups (core::SectionResult) or of one (GroupSection).
struct Figures {
  std::int64_t cast = 0, valid = 0, invalid = 0;
  const std::map<core::GradeId, std::int64_t>* counts = nullptr;
};

// A dimension's cells: each grade's count and share, then valid and invalid; a share is of the sheets
// returned for that item (its `cast`, invalid included). Returns the next column.
std::size_t write_figures(Sheet& sheet, std::size_t row, std::size_t col, const DimensionColumns& d,
                          const Figures& s, const Formats& f) {
  for (const auto& [id, label] : d.grades) {
    std::int64_t n = 0;
    if (s.counts != nullptr) {
      if (auto it = s.counts->find(id); it != s.counts->end()) n = it->second;
    }
    sheet.number(row, col++, static_cast<double>(n), f.count);
    sheet.number(row, col++,
                 s.cast > 0 ? std::optional<double>(static_cast<double>(n) / static_cast<double>(s.cast))
                            : std::nullopt,
                 f.share);
  }
  sheet.number(row, col++, static_cast<double>(s.valid), f.count);
  sheet.number(row, col++, static_cast<double>(s.invalid), f.count);
  return col;
}

void write_presenter_cells(Sheet& sheet, std::size_t row, const core::HearingState& state,
                           const core::PresenterResult& p, const Formats& f) {
  sheet.number(row, 0, static_cast<double>(p.rank), f.count);
  sheet.text(row, 1, unit_of(state, p.slot), f.text);
  sheet.text(row, 2, name_of(state, p.presenter), f.text);
}

// One presenter's row: the figures of every dimension, then the results.
void write_presenter_row(Sheet& sheet, std::size_t row, const core::HearingState& state,
                         const core::PresenterResult& p, const std::vector<DimensionColumns>& dims,
                         const Words& w, const Formats& f) {
  write_presenter_cells(sheet, row, state, p, f);
  std::size_t col = kFixedColumns;
  for (const auto& d : dims) {
    const core::SectionResult* s = section_of(p, d.id);
    col = write_figures(sheet, row, col, d,
                        s != nullptr ? Figures{s->cast, s->valid, s->invalid, &s->counts} : Figures{}, f);
  }
  sheet.number(row, col++, p.satisfaction, f.share);
  sheet.number(row, col++, p.points, f.points);
  sheet.text(row, col++, p.verdict, f.text);
  sheet.text(row, col, joined(p.flags, w.list_separator), f.text);
}

// Widths for the columns of text: as wide as their longest entry.
void size_text_columns(Sheet& sheet, const core::HearingState& state, const core::BallotResult& r,
                       std::size_t results, const Words& w) {
  double unit = display_width(w.fixed_columns[1]), name = display_width(w.fixed_columns[2]);
  double verdict = display_width(w.result_columns[2]), flags = display_width(w.result_columns[3]);
  for (const auto& p : r.presenters) {
    unit = std::max(unit, display_width(unit_of(state, p.slot)));
    name = std::max(name, display_width(name_of(state, p.presenter)));
    verdict = std::max(verdict, display_width(p.verdict));
    flags = std::max(flags, display_width(joined(p.flags, w.list_separator)));
  }
  sheet.width(0, 6);
  sheet.width(1, unit + 2);
  sheet.width(2, name + 2);
  sheet.width(results, std::max(9.0, display_width(w.result_columns[0]) + 2));
  sheet.width(results + 1, std::max(9.0, display_width(w.result_columns[1]) + 2));
  sheet.width(results + 2, verdict + 2);
  sheet.width(results + 3, flags + 2);
}

// The weights a rule that weights groups applied, with each group's size as the attendance section states it:
// figures of the definition and the roll, none of the marks.
void write_weights(Sheet& sheet, std::size_t row, const core::HearingState& state, const Words& w,
                   const Formats& f) {
  const json groups = core::section_view(state, core::Section::attendance, core::RoleSet{}).at("groups");
  sheet.text(row++, 0, w.weights, f.label);
  for (std::size_t i = 0; i < std::size(w.weight_columns); ++i)
    sheet.text(row, i, w.weight_columns[i], f.header);
  ++row;
  for (const core::VoterGroup& g : state.def.voter_groups) {
    sheet.text(row, 0, g.name, f.text);
    sheet.number(row, 1, g.weight, f.points);
    std::optional<double> members;
    for (const json& a : groups) {
      if (a.at("id") == g.id) members = as_number(a.at("expected"));
    }
    sheet.number(row++, 2, members, f.count);
  }
}

// The counts per voter group where group_counts allows them: under a heading, a block per group (its name
// and sheets over the dimensions' merged header, then a row per presenter); else the reason in words.
// Returns the row after it.
std::size_t write_groups(Sheet& sheet, std::size_t row, const core::HearingState& state,
                         const core::BallotResult& r, const GroupCounts& groups,
                         const std::vector<DimensionColumns>& dims, std::size_t last, const Words& w,
                         const Formats& f) {
  if (groups.release == GroupRelease::not_by_group) return row;
  if (groups.release != GroupRelease::shown) {
    sheet.merged(row, 0, row, last, release_note(state, groups.release), f.subtitle);
    return row + 1;
  }
  if (groups.groups.empty()) return row;
  sheet.text(row++, 0, w.by_group, f.label);
  const std::size_t width = last - std::size(w.result_columns);
  for (const auto& [id, sheets] : groups.groups) {
    const core::VoterGroup* g = state.def.voter_group(id);
    std::string title = (g != nullptr ? g->name : id) + w.group_sheets;
    title.replace(title.find("{0}"), 3, std::to_string(sheets));
    sheet.merged(row, 0, row, width, title, f.header);
    write_table_header(sheet, row + 1, dims, w, f, false);
    row += 3;
    for (const auto& p : r.presenters) {
      write_presenter_cells(sheet, row, state, p, f);
      std::size_t col = kFixedColumns;
      const auto slot = groups.sections.find(p.slot);
      for (const auto& d : dims) {
        Figures figures;
        if (slot != groups.sections.end()) {
          if (auto dim = slot->second.find(d.id); dim != slot->second.end()) {
            if (auto s = dim->second.find(id); s != dim->second.end())
              figures = Figures{s->second.cast, s->second.valid, s->second.invalid, &s->second.counts};
          }
        }
        col = write_figures(sheet, row, col, d, figures, f);
      }
      ++row;
    }
    ++row;
  }
  return row;
}

void write_ballot_sheet(Sheet& sheet, const core::HearingState& state, const core::Ballot& b,
                        const core::BallotTemplate* tpl, const core::BallotResult& r,
                        const GroupCounts& groups, const Words& w, const Formats& f) {
  const std::vector<DimensionColumns> dims = columns_of(tpl, r);
  std::size_t last = kFixedColumns + std::size(w.result_columns) - 1;
  for (const auto& d : dims) last += d.grades.size() * 2 + 2;
  const std::string title = tpl != nullptr ? tpl->title : b.template_id;
  sheet.merged(0, 0, 0, last, title + w.ballot_title, f.title);
  sheet.row_height(0, 28);
  sheet.merged(1, 0, 1, last,
               record_title(state) + "  " + state.def.date + "  " + b.id + " · " +
                   std::string(ballot_status_label(state, b.status)),
               f.subtitle);
  write_turnout(sheet, 2, r.turnout, w, f);

  const std::size_t results = write_table_header(sheet, kTableTop, dims, w, f);
  std::size_t row = kTableTop + 2;
  for (const auto& p : r.presenters) write_presenter_row(sheet, row++, state, p, dims, w, f);
  size_text_columns(sheet, state, r, results, w);
  sheet.freeze(kTableTop + 2, kFixedColumns);

  sheet.merged(row + 1, 0, row + 1, last, w.share_note, f.subtitle);
  row = write_groups(sheet, row + 3, state, r, groups, dims, last, w, f);
  const core::ScoringRule* rule = tpl != nullptr ? state.def.rule(tpl->rule) : nullptr;
  if (rule != nullptr && rule->weight_groups) write_weights(sheet, row + 1, state, w, f);
}

// A reported ballot with its results (for_each_result's), and the name of its sheet.
struct Reported {
  const core::Ballot* ballot;
  const core::BallotTemplate* tpl;
  core::BallotResult result;
  std::string sheet;
};

std::vector<Reported> reported_ballots(const core::HearingState& state, const Words& w) {
  std::set<std::string> taken = {lowercase(w.summary_sheet)};  // Excel compares sheet names ignoring case
  std::vector<Reported> out;
  for_each_result(state,
                  [&](const core::Ballot& b, const core::BallotTemplate* tpl, const core::BallotResult& r) {
                    std::string name = sheet_name(b.id + " " + (tpl != nullptr ? tpl->title : b.template_id));
                    for (int n = 2; name.empty() || taken.count(lowercase(name)) != 0; ++n)
                      name = sheet_name(std::to_string(n) + " " + b.id);
                    taken.insert(lowercase(name));
                    out.push_back({&b, tpl, r, name});
                  });
  return out;
}

void write_summary(Sheet& sheet, const core::HearingState& state, std::string_view head_hash,
                   const std::vector<Reported>& ballots, const Words& w, const Formats& f) {
  constexpr std::size_t last = 3 + std::size(kTurnoutKeys);
  const auto& def = state.def;
  sheet.merged(0, 0, 0, last, record_title(state) + w.summary_title, f.title);
  sheet.row_height(0, 28);
  sheet.freeze(1, 0);
  std::size_t row = 2;
  auto fact = [&](std::size_t i, const auto& value) {
    sheet.text(row, 0, w.facts[i], f.label);
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(value)>>) {
      sheet.number(row, 1, static_cast<double>(value), f.plain_count);
    } else {
      sheet.text(row, 1, value, nullptr);
    }
    ++row;
  };
  fact(0, record_title(state));
  fact(1, def.date);
  if (!def.venue.empty()) fact(2, def.venue);
  fact(3, state.expected_voters());
  fact(4, state.present_voters());
  fact(5, state.event_count);
  if (!head_hash.empty()) fact(6, head_hash);

  row += 1;
  std::size_t col = 0;
  for (const char* name : w.ballot_columns) sheet.text(row, col++, name, f.header);
  for (const char* name : w.turnout) sheet.text(row, col++, name, f.header);
  ++row;
  if (ballots.empty()) sheet.text(row, 0, w.no_results, nullptr);
  double title_width = display_width(w.ballot_columns[1]), sheet_width = display_width(w.ballot_columns[3]);
  for (const Reported& r : ballots) {
    const core::Ballot& b = *r.ballot;
    const std::string title = r.tpl != nullptr ? r.tpl->title : b.template_id;
    sheet.text(row, 0, b.id, f.text);
    sheet.text(row, 1, title, f.text);
    sheet.text(row, 2, ballot_status_label(state, b.status), f.text);
    sheet.text(row, 3, r.sheet, f.text);
    const json figures = core::turnout_json(r.result.turnout);
    for (std::size_t k = 0; k < std::size(kTurnoutKeys); ++k)
      sheet.number(row, 4 + k, as_number(figures.at(kTurnoutKeys[k])), f.count);
    title_width = std::max(title_width, display_width(title));
    sheet_width = std::max(sheet_width, display_width(r.sheet));
    ++row;
  }
  sheet.width(0, std::max({12.0, display_width(w.facts[6]) + 2, display_width(w.ballot_columns[0]) + 2}));
  sheet.width(1, std::max(title_width + 2, display_width(def.date) + 2));
  sheet.width(2, 10);
  sheet.width(3, sheet_width + 2);
  for (std::size_t k = 0; k < std::size(kTurnoutKeys); ++k) sheet.width(4 + k, 8);
}

// The file's creation time is the hearing's day (midnight UTC), not the moment it is asked for: the same
// results give the same bytes, whoever downloads them and when.
time_t hearing_day(const core::HearingState& state) {
  std::tm day{};
  if (std::sscanf(state.def.date.c_str(), "%4d-%2d-%2d", &day.tm_year, &day.tm_mon, &day.tm_mday) != 3)
    return 0;
  day.tm_year -= 1900;
  day.tm_mon -= 1;
  const time_t t = timegm(&day);
  return t < 0 ? 0 : t;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) throw std::runtime_error("cannot read the workbook back");
  return out.str();
}

}  // namespace

std::string workbook_file_name(const core::HearingState& state) {
  std::string name = state.def.id;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
  }
  return name + "-results.xlsx";
}

std::string results_workbook(const core::HearingState& state, std::string_view head_hash,
                             const fs::path& temp_root, const CastingOrder& order) {
  const Words& w = reports_in_english(state) ? kEnglish : kChinese;
  const PrivateDir dir(temp_root);
  const fs::path file = dir.path() / "results.xlsx";
  std::string tmpdir = dir.path().string();
  lxw_workbook_options options{};
  options.tmpdir = tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(file.c_str(), &options);
  if (wb == nullptr) throw std::runtime_error("cannot start the workbook");
  lxw_doc_properties properties{};
  properties.created = hearing_day(state);
  workbook_set_properties(wb, &properties);
  try {
    const Formats f(wb);
    const std::vector<Reported> ballots = reported_ballots(state, w);
    Sheet summary(wb, w.summary_sheet);
    write_summary(summary, state, head_hash, ballots, w, f);
    for (const Reported& r : ballots) {
      Sheet sheet(wb, r.sheet);
      write_ballot_sheet(sheet, state, *r.ballot, r.tpl, r.result, group_counts(state, *r.ballot, order), w,
                         f);
    }
  } catch (...) {
    workbook_close(wb);
    throw;
  }
  if (const lxw_error e = workbook_close(wb); e != LXW_NO_ERROR)
    throw std::runtime_error(std::string("cannot write the workbook: ") + lxw_strerror(e));
  return read_bytes(file);
}

}  // namespace dais::net
