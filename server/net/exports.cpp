#include "net/exports.hpp"

#include <cmath>
#include <cstdio>
#include <functional>
#include <set>

#include <nlohmann/json.hpp>

#include "core/tally.hpp"
#include "core/view.hpp"

namespace dais::net {
namespace {

using nlohmann::json;

bool has_results(const core::Ballot& b) {
  return b.status == core::BallotStatus::closed || b.status == core::BallotStatus::published;
}

// The minutes' and the CSV's words in the hearing's language (settings.locale): English for a locale of "en"
// or "en-XX", Chinese otherwise, as zh-CN is the default. results.json keeps its stable codes instead.
struct Words {
  const char* stage[6];          // by core::Stage
  const char* ballot_status[5];  // by core::BallotStatus
  const char* inquiry_status[6];
  const char* oral;
  const char* written;
  const char* item_kind[2];  // an agenda item without a presenter, in the presenter column: remark, break
  const char* none;          // a column that does not apply to the item
  const char* minutes;       // the title's suffix
  const char* attendance;    // expected, present
  const char* agenda;
  const char* agenda_columns[6];
  const char* inquiries;
  const char* answer_summary;
  const char* not_adopted;
  const char* commitment;
  const char* due;  // before the date, in brackets
  const char* ballots;
  const char* turnout[6];  // expected, present, issued, voted, valid, invalid
  const char* paper[2];    // around the sheets of 收回 that came on paper (纸质票), when any did
  const char* result_columns[8];
  const char* invalid;
  const char* audit;
  const char* events;
  const char* head_hash;
  const char* colon;
  const char* list_separator;
  const char* open_bracket;
  const char* close_bracket;
  const char* csv_header;
};

// Inquiry statuses as the inquiries section names them, in the order of Words::inquiry_status.
constexpr std::string_view kInquiryStatuses[] = {"submitted", "approved", "rejected",
                                                 "asking",    "answered", "withdrawn"};

constexpr Words kChinese = {
    {"等候", "述职", "质询", "测评", "已结束", "已跳过"},
    {"未开始", "进行中", "已结束", "已公布", "已作废"},
    {"待审核", "已通过", "未通过", "正在质询", "已答复", "已撤回"},
    "口头",
    "书面",
    {"讲话", "休息"},
    "—",
    "纪要",
    "应到 {0} 人，实到 {1} 人。",
    "议程",
    {"单位", "述职人", "方式", "状态", "述职用时", "质询用时"},
    "质询与承诺",
    "答复摘要",
    "未采纳",
    "承诺",
    "期限 ",
    "民主评议",
    {"应到 ", "，实到 ", "，发出 ", "，收回 ", "，有效 ", "，无效 "},
    {"（其中纸质票 ", " 张）"},
    {"排名", "单位", "述职人", "评价", "满意率", "得分", "提示", "计票"},
    "无效 ",
    "审计",
    "日志条数 ",
    "；链头哈希：",
    "：",
    "，",
    "（",
    "）",
    "测评编号,测评名称,状态,排名,议程编号,单位,述职人,评价,满意率,得分,提示,测评项目,收回,有效,无效,计票",
};

constexpr Words kEnglish = {
    {"waiting", "reporting", "questioning", "evaluating", "done", "skipped"},
    {"pending", "open", "closed", "published", "voided"},
    {"submitted", "approved", "rejected", "being asked", "answered", "withdrawn"},
    "oral",
    "written",
    {"remark", "break"},
    "—",
    "minutes",
    "Expected {0}, present {1}.",
    "Agenda",
    {"Unit", "Presenter", "Mode", "Status", "Report time", "Q&A time"},
    "Inquiries and commitments",
    "Answer summary",
    "Not adopted",
    "Commitment",
    "due ",
    "Ballots",
    {"Expected ", ", present ", ", issued ", ", returned ", ", valid ", ", invalid "},
    {" (", " on paper)"},
    {"Rank", "Unit", "Presenter", "Verdict", "Satisfaction", "Points", "Flags", "Counts"},
    "invalid ",
    "Audit",
    "Events ",
    "; head hash: ",
    ": ",
    ", ",
    " (",
    ")",
    "Ballot,Ballot "
    "title,Status,Rank,Slot,Unit,Presenter,Verdict,Satisfaction,Points,Flags,Dimension,Cast,Valid,"
    "Invalid,Counts",
};

const Words& words_for(const core::HearingState& state) {
  return reports_in_english(state) ? kEnglish : kChinese;
}

std::string_view stage_name(const Words& w, core::Stage s) {
  return w.stage[static_cast<std::size_t>(s)];
}

std::string_view status_name(const Words& w, core::BallotStatus s) {
  return w.ballot_status[static_cast<std::size_t>(s)];
}

// The six figures of a ballot as reports state them; valid and invalid only once the ballot is closed.
std::string turnout_line(const core::Turnout& t, const Words& w) {
  const std::optional<std::int64_t> figures[] = {t.expected, t.present, t.issued,
                                                 t.voted,    t.valid,   t.invalid};
  std::string line;
  for (std::size_t i = 0; i < std::size(figures); ++i) {
    if (figures[i]) line += html_escape(w.turnout[i]) + std::to_string(*figures[i]);
    // 收回 says how many of its sheets came on paper, when any did.
    if (i == 3 && t.paper > 0)
      line += html_escape(w.paper[0]) + std::to_string(t.paper) + html_escape(w.paper[1]);
  }
  return line;
}

// results.json names a status by its stable code, whatever the hearing's language.
std::string_view status_code(core::BallotStatus s) {
  constexpr std::string_view codes[] = {"pending", "open", "closed", "published", "voided"};
  return codes[static_cast<std::size_t>(s)];
}

std::string_view inquiry_status_name(const Words& w, std::string_view status) {
  for (std::size_t i = 0; i < std::size(kInquiryStatuses); ++i) {
    if (kInquiryStatuses[i] == status) return w.inquiry_status[i];
  }
  return status;
}

// A sentence with {0} and {1} in it, filled with two numbers.
std::string fill(std::string_view pattern, std::int64_t a, std::int64_t b) {
  std::string out(pattern);
  out.replace(out.find("{0}"), 3, std::to_string(a));
  out.replace(out.find("{1}"), 3, std::to_string(b));
  return out;
}

std::string percent(const std::optional<double>& v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v * 100.0);
  return buf;
}

std::string decimal(const std::optional<double>& v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string minutes_seconds(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                static_cast<long long>(s % 60));
  return buf;
}

const std::string& text_of(const json& j) {
  return j.get_ref<const std::string&>();
}

// The inquiries, per slot with their follow-ups, exactly as the live inquiries section shows them to `roles`
// (which inquiries, and which of their fields): the minutes follow the view's rule, not one of their own.
std::string inquiries_html(const core::HearingState& state, const core::RoleSet& roles, const Words& w) {
  const json items = core::section_view(state, core::Section::inquiries, roles).at("items");
  std::set<std::string> shown;
  for (const json& q : items) shown.insert(text_of(q.at("id")));
  std::string h;
  std::function<void(const json&)> inquiry = [&](const json& q) {
    h += "<li><b>" + html_escape(text_of(q.at("id"))) + "</b> " +
         html_escape(text_of(q.at("author").at("name"))) + w.colon + html_escape(text_of(q.at("text"))) +
         " <i>" + w.open_bracket + html_escape(inquiry_status_name(w, text_of(q.at("status")))) +
         w.close_bracket + "</i>";
    if (!text_of(q.at("answer_summary")).empty())
      h += std::string("<br>") + w.answer_summary + w.colon + html_escape(text_of(q.at("answer_summary")));
    if (q.at("status") == "rejected" && !q.value("reject_reason", "").empty())
      h += std::string("<br>") + w.not_adopted + w.colon + html_escape(text_of(q.at("reject_reason")));
    for (const json& c : q.at("commitments"))
      h += std::string("<br>") + w.commitment + w.colon + html_escape(text_of(c.at("text"))) +
           w.open_bracket + w.due + html_escape(text_of(c.at("due"))) + w.close_bracket;
    bool children = false;
    for (const json& child : items) {
      if (child.at("parent") != q.at("id")) continue;
      if (!children) h += "<ul class=\"follow\">";
      children = true;
      inquiry(child);
    }
    if (children) h += "</ul>";
    h += "</li>\n";
  };
  // A follow-up whose parent this reader does not see (withdrawn after the follow-up came) stands on its own.
  auto under_parent = [&](const json& q) {
    return q.at("parent").is_string() && shown.count(text_of(q.at("parent"))) != 0;
  };
  for (const auto& slot : state.agenda) {
    bool any = false;
    for (const json& q : items) {
      if (q.at("slot") != slot.def.id || under_parent(q)) continue;
      if (!any) {
        h += "<h3>" + html_escape(slot.def.title) + " · " + html_escape(name_of(state, slot.def.presenter)) +
             "</h3>\n<ul>\n";
      }
      any = true;
      inquiry(q);
    }
    if (any) h += "</ul>\n";
  }
  return h;
}

}  // namespace

std::string record_title(const core::HearingState& state) {
  if (!state.def.settings.rehearsal) return state.def.title;
  return (reports_in_english(state) ? "[REHEARSAL] " : "【演练】") + state.def.title;
}

bool reports_in_english(const core::HearingState& state) {
  const std::string& locale = state.def.settings.locale;
  return locale == "en" || locale.starts_with("en-");
}

std::string_view ballot_status_label(const core::HearingState& state, core::BallotStatus status) {
  return words_for(state).ballot_status[static_cast<std::size_t>(status)];
}

std::string name_of(const core::HearingState& state, const core::ParticipantId& id) {
  const core::Participant* p = state.participant(id);
  return p != nullptr ? p->name : id;
}

std::string unit_of(const core::HearingState& state, const core::SlotId& slot) {
  const core::Slot* s = state.slot(slot);
  return s != nullptr ? s->def.title : slot;
}

std::string grade_label(const core::BallotTemplate* tpl, const core::DimensionId& dim,
                        const core::GradeId& grade) {
  if (tpl == nullptr) return grade;
  for (const auto& d : tpl->dimensions) {
    if (d.id != dim) continue;
    for (const auto& g : d.grades) {
      if (g.id == grade) return g.label;
    }
  }
  return grade;
}

std::string dimension_label(const core::BallotTemplate* tpl, const core::DimensionId& dim) {
  if (tpl == nullptr) return dim;
  for (const auto& d : tpl->dimensions) {
    if (d.id == dim) return d.label;
  }
  return dim;
}

void for_each_result(const core::HearingState& state, const ResultVisitor& fn) {
  for (const auto& id : state.ballot_order) {
    const auto it = state.ballots.find(id);
    if (it == state.ballots.end() || !has_results(it->second)) continue;
    const core::Ballot& b = it->second;
    fn(b, state.def.ballot_template(b.template_id), core::score(state, b, b.tally));
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

bool reads_as_formula(std::string_view cell) {
  if (cell.empty()) return false;
  // A leading TAB, CR or NUL is dropped or misread by some spreadsheets' import, exposing what follows.
  if (cell[0] == '\t' || cell[0] == '\r' || cell[0] == '\0') return true;
  // = + - @ start a formula, also after blanks: importing with "trim spaces" (or a later TRIM) strips them.
  const auto first = cell.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos &&
         std::string_view("=+-@").find(cell[first]) != std::string_view::npos;
}

}  // namespace

std::string csv_field(std::string_view text) {
  std::string value(text);
  if (reads_as_formula(value)) value.insert(0, 1, '\'');
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

namespace {

// Whether the ballot's groups are broken out, why not, and the groups with their sheets.
json group_counts_json(const core::HearingState& state, const GroupCounts& groups) {
  json list = json::array();
  for (const auto& [id, sheets] : groups.groups) {
    const core::VoterGroup* g = state.def.voter_group(id);
    list.push_back({{"group", id}, {"name", g != nullptr ? g->name : id}, {"cast", sheets}});
  }
  return {{"shown", groups.release == GroupRelease::shown},
          {"reason", release_code(groups.release)},
          {"k", state.def.settings.k_anonymity},
          {"note", release_note(state, groups.release)},
          {"groups", list}};
}

// One section's counts per group, in the order of the ballot's group list.
json by_group_json(const GroupCounts& groups, const core::SlotId& slot, const core::DimensionId& dim) {
  json out = json::array();
  const auto s = groups.sections.find(slot);
  for (const auto& [id, sheets] : groups.groups) {
    GroupSection section;
    if (s != groups.sections.end()) {
      if (auto d = s->second.find(dim); d != s->second.end()) {
        if (auto g = d->second.find(id); g != d->second.end()) section = g->second;
      }
    }
    json counts = json::object();
    for (const auto& [grade, n] : section.counts) counts[grade] = n;
    out.push_back({{"group", id},
                   {"cast", section.cast},
                   {"valid", section.valid},
                   {"invalid", section.invalid},
                   {"counts", counts}});
  }
  return out;
}

}  // namespace

std::string results_json(const core::HearingState& state, const CastingOrder& order) {
  json ballots = json::array();
  for_each_result(
      state, [&](const core::Ballot& b, const core::BallotTemplate* tpl, const core::BallotResult& r) {
        const GroupCounts groups = group_counts(state, b, order);
        json presenters = json::array();
        for (const auto& p : r.presenters) {
          json dims = json::array();
          for (const auto& d : p.dimensions) {
            json counts = json::object();
            for (const auto& [grade, n] : d.counts) counts[grade] = n;
            dims.push_back({{"dimension", d.dimension},
                            {"label", dimension_label(tpl, d.dimension)},
                            {"cast", d.cast},
                            {"valid", d.valid},
                            {"invalid", d.invalid},
                            {"counts", counts},
                            {"satisfaction", d.satisfaction ? json(*d.satisfaction) : json(nullptr)},
                            {"points", d.points ? json(*d.points) : json(nullptr)}});
            if (groups.release == GroupRelease::shown)
              dims.back()["by_group"] = by_group_json(groups, p.slot, d.dimension);
          }
          presenters.push_back({{"slot", p.slot},
                                {"unit", unit_of(state, p.slot)},
                                {"presenter", p.presenter},
                                {"name", name_of(state, p.presenter)},
                                {"rank", p.rank},
                                {"verdict", p.verdict},
                                {"flags", p.flags},
                                {"satisfaction", p.satisfaction ? json(*p.satisfaction) : json(nullptr)},
                                {"points", p.points ? json(*p.points) : json(nullptr)},
                                {"dimensions", dims}});
        }
        ballots.push_back({{"ballot", b.id},
                           {"template", b.template_id},
                           {"title", tpl != nullptr ? tpl->title : b.template_id},
                           {"status", status_code(b.status)},
                           {"turnout", core::turnout_json(r.turnout)},
                           {"group_counts", group_counts_json(state, groups)},
                           {"presenters", presenters}});
      });
  json doc = {{"hearing",
               {{"id", state.def.id},
                {"title", record_title(state)},
                {"date", state.def.date},
                {"venue", state.def.venue}}},
              {"ballots", ballots}};
  if (state.def.settings.rehearsal) doc["hearing"]["rehearsal"] = true;
  return doc.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string results_csv(const core::HearingState& state) {
  const Words& w = words_for(state);
  std::string out = "\xEF\xBB\xBF";                                                  // UTF-8 byte-order mark
  if (state.def.settings.rehearsal) out += csv_field(record_title(state)) + "\r\n";  // above the header
  out += w.csv_header;
  out += "\r\n";
  for_each_result(state,
                  [&](const core::Ballot& b, const core::BallotTemplate* tpl, const core::BallotResult& r) {
                    for (const auto& p : r.presenters) {
                      for (const auto& d : p.dimensions) {
                        std::vector<std::string> counts;
                        for (const auto& [grade, n] : d.counts)
                          counts.push_back(grade_label(tpl, d.dimension, grade) + " " + std::to_string(n));
                        const std::vector<std::string> row = {b.id,
                                                              tpl != nullptr ? tpl->title : b.template_id,
                                                              std::string(status_name(w, b.status)),
                                                              std::to_string(p.rank),
                                                              p.slot,
                                                              unit_of(state, p.slot),
                                                              name_of(state, p.presenter),
                                                              p.verdict,
                                                              percent(p.satisfaction),
                                                              decimal(p.points),
                                                              join(p.flags, "; "),
                                                              dimension_label(tpl, d.dimension),
                                                              std::to_string(d.cast),
                                                              std::to_string(d.valid),
                                                              std::to_string(d.invalid),
                                                              join(counts, "; ")};
                        for (std::size_t i = 0; i < row.size(); ++i) {
                          if (i != 0) out += ',';
                          out += csv_field(row[i]);
                        }
                        out += "\r\n";
                      }
                    }
                  });
  return out;
}

std::string minutes_html(const core::HearingState& state, const core::RoleSet& roles,
                         std::string_view head_hash, core::TimeMs now) {
  const auto& def = state.def;
  const Words& w = words_for(state);
  std::string h;
  auto e = [](std::string_view s) { return html_escape(s); };
  auto cells = [&](const auto& names) {
    std::string row;
    for (const char* name : names) row += "<th>" + e(name) + "</th>";
    return row;
  };
  h += "<!DOCTYPE html>\n<html lang=\"" + e(def.settings.locale) + "\"><head><meta charset=\"utf-8\">";
  h +=
      "<title>" + e(record_title(state)) + " — " + e(w.minutes) +
      "</title><style>"
      "body{font-family:serif;max-width:60em;margin:2em auto;line-height:1.5}"
      "table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #444;padding:.2em .4em}"
      "h2{border-bottom:1px solid #444;margin-top:1.5em}.hash{font-family:monospace;word-break:break-all}"
      "ul.follow{margin-left:1.5em}@media print{body{margin:0}h2{page-break-after:avoid}}"
      "</style></head><body>\n";
  h += "<h1>" + e(record_title(state)) + " " + e(w.minutes) + "</h1>\n<p>" + e(def.date) + " · " +
       e(def.venue) + "</p>\n";
  h += "<p>" + e(fill(w.attendance, state.expected_voters(), state.present_voters())) + "</p>\n";

  h += "<h2>" + e(w.agenda) + "</h2>\n<table><tr><th>#</th>" + cells(w.agenda_columns) + "</tr>\n";
  int n = 0;
  for (const auto& slot : state.agenda) {
    // A remark or a break has no presenter, no mode and no Q&A: the row says what it is instead.
    const bool presenter = slot.def.has_presenter();
    const std::string who = presenter ? name_of(state, slot.def.presenter)
                                      : w.item_kind[slot.def.kind == core::SlotKind::remark ? 0 : 1];
    const char* mode = !presenter ? w.none : slot.def.mode == core::ReportMode::oral ? w.oral : w.written;
    h += "<tr><td>" + std::to_string(++n) + "</td><td>" + e(slot.def.title) + "</td><td>" + e(who) +
         "</td><td>" + e(mode) + "</td><td>" + e(stage_name(w, slot.stage)) + "</td><td>" +
         minutes_seconds(slot.report.elapsed(now)) + "</td><td>" +
         (presenter ? minutes_seconds(slot.qa.elapsed(now)) : e(w.none)) + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h2>" + e(w.inquiries) + "</h2>\n" + inquiries_html(state, roles, w);

  h += "<h2>" + e(w.ballots) + "</h2>\n";
  for_each_result(state, [&](const core::Ballot& b, const core::BallotTemplate* tpl,
                             const core::BallotResult& r) {
    h += "<h3>" + e(b.id) + " · " + e(tpl != nullptr ? tpl->title : b.template_id) + e(w.open_bracket) +
         e(status_name(w, b.status)) + e(w.close_bracket) + "</h3>\n<p>" + turnout_line(r.turnout, w) +
         "</p>\n";
    h += "<table><tr>" + cells(w.result_columns) + "</tr>\n";
    for (const auto& p : r.presenters) {
      std::string tallies;
      for (const auto& d : p.dimensions) {
        std::vector<std::string> counts;
        for (const auto& [grade, c] : d.counts)
          counts.push_back(e(grade_label(tpl, d.dimension, grade)) + " " + std::to_string(c));
        tallies += e(dimension_label(tpl, d.dimension)) + e(w.colon) + join(counts, w.list_separator) +
                   e(w.open_bracket) + e(w.invalid) + std::to_string(d.invalid) + e(w.close_bracket) + "<br>";
      }
      std::vector<std::string> flags;
      for (const auto& f : p.flags) flags.push_back(e(f));
      h += "<tr><td>" + std::to_string(p.rank) + "</td><td>" + e(unit_of(state, p.slot)) + "</td><td>" +
           e(name_of(state, p.presenter)) + "</td><td>" + e(p.verdict) + "</td><td>" +
           percent(p.satisfaction) + "</td><td>" + decimal(p.points) + "</td><td>" +
           join(flags, w.list_separator) + "</td><td>" + tallies + "</td></tr>\n";
    }
    h += "</table>\n";
  });

  h += "<h2>" + e(w.audit) + "</h2>\n<p>" + e(w.events) + std::to_string(state.event_count) + e(w.head_hash) +
       "<span class=\"hash\">" + e(head_hash) + "</span></p>\n</body></html>\n";
  return h;
}

}  // namespace dais::net
