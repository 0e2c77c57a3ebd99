// The records a commission files, for every signed-in account (an observer's job is reading them):
// GET hearings/<id>/results.json, results.xlsx, minutes.html and report.json (what the printable 结果通报
// shows). The same functions as the chair's /api/ exports make them, so the bytes are the same.
#include <memory>

#include <nlohmann/json.hpp>

#include "core/wire.hpp"
#include "net/exports.hpp"
#include "net/organize.hpp"
#include "net/shared_state.hpp"
#include "net/workbook.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::string_view kPrefix = "hearings/";
constexpr std::string_view kReports[] = {"/results.json", "/results.xlsx", "/minutes.html", "/report.json"};

// What the hearing's log gives a report besides the state: the audit chain's head and the casting order.
struct FromTheLog {
  std::string head_hash;
  CastingOrder order;
};

OrganizeAnswer file(std::string body, std::string_view type) {
  OrganizeAnswer a{http::status::ok, std::move(body), {{"Content-Type", std::string(type)}}};
  return a;
}

// The words of each template's grades (results.json names grades by id): template → dimension → [{id,
// label}].
json grade_labels(const core::HearingState& s) {
  json out = json::object();
  for (const core::BallotTemplate& t : s.def.ballot_templates) {
    json dims = json::object();
    for (const core::Dimension& d : t.dimensions) {
      json grades = json::array();
      for (const core::Grade& g : d.grades) grades.push_back({{"id", g.id}, {"label", g.label}});
      dims[d.id] = grades;
    }
    out[t.id] = dims;
  }
  return out;
}

// The minutes as the scrutineer reads them: every inquiry the hall heard, without the reasons for rejected
// ones, which stay with the chair's desk.
OrganizeAnswer report(const core::HearingState& s, std::string_view which, const FromTheLog& log,
                      core::TimeMs now) {
  if (which == "/results.json") return file(results_json(s, log.order), "application/json");
  if (which == "/minutes.html") {
    return file(minutes_html(s, core::RoleSet{core::Role::scrutineer}, log.head_hash, now),
                "text/html; charset=utf-8");
  }
  if (which == "/report.json") {
    return organize_reply(http::status::ok, json{{"locale", s.def.settings.locale},
                                                 {"phase", std::string(core::wire::name_of(s.phase))},
                                                 {"head_hash", log.head_hash},
                                                 {"events", s.event_count},
                                                 {"expected", s.expected_voters()},
                                                 {"present", s.present_voters()},
                                                 {"grades", grade_labels(s)},
                                                 {"results", json::parse(results_json(s, log.order))}});
  }
  std::string bytes;
  try {
    bytes = results_workbook(s, log.head_hash, std::filesystem::temp_directory_path(), log.order);
  } catch (const std::exception& e) {
    return organize_refusal(http::status::internal_server_error, "storage", e.what());
  }
  OrganizeAnswer a =
      file(std::move(bytes), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  a.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + workbook_file_name(s) + "\"");
  return a;
}

}  // namespace

bool answer_reports(OrganizeCall& call) {
  const std::string& endpoint = call.endpoint;
  if (!endpoint.starts_with(kPrefix)) return false;
  std::string_view which;
  for (std::string_view r : kReports) {
    if (endpoint.size() > kPrefix.size() + r.size() && endpoint.ends_with(r)) which = r;
  }
  if (which.empty()) return false;
  const std::string id = endpoint.substr(kPrefix.size(), endpoint.size() - kPrefix.size() - which.size());
  if (id.find('/') != std::string::npos) return false;
  if (call.req.method() != http::verb::get && call.req.method() != http::verb::head) {
    call.done(organize_refusal(http::status::method_not_allowed, "method", "GET"));
    return true;
  }
  auto hearing = organize_hearing(call, id);
  if (!hearing) return true;
  auto log = std::make_shared<FromTheLog>();
  {
    std::lock_guard lock(call.state.store_reads());
    log->head_hash = call.state.store().head_hash(id);
    if (which != "/minutes.html") {
      auto events = call.state.store().read_log(id);
      if (!events) {
        call.done(organize_refusal(http::status::internal_server_error, "storage", events.error().message));
        return true;
      }
      log->order = casting_order(*events);
    }
  }
  const core::TimeMs now = call.state.clock().now();
  hearing->inspect([which, log, now, done = call.done](const core::HearingState& s) {
    done(report(s, which, *log, now));
  });
  return true;
}

}  // namespace dais::net
