// The rectification ledger (整改台账): every commitment made in the hall, taken from the live hearings'
// states whenever the ledger is read (the store takes each one once), with the secretariat's due dates,
// status and progress notes; a unit's history across hearings; and a review hearing's (回头看) slot taking
// the unit's commitments from the ledger. See docs/protocol.md (Organizer API).
#include <algorithm>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "core/text.hpp"
#include "core/wire.hpp"
#include "net/exports.hpp"
#include "net/organize.hpp"
#include "net/shared_state.hpp"
#include "net/static_files.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::size_t kMaxNoteChars = 2000;
constexpr std::size_t kMaxNotesPerEntry = 500;  // a ledger line, not a chat: keeps one entry's answer small
const std::set<std::string, std::less<>> kStatuses = {"open", "in_progress", "done"};

// What one hearing tells the ledger: its name and date, its commitments, and for a unit's history the
// results of each of that unit's presenters.
struct HearingLook {
  std::string id;
  std::string title;
  std::string date;
  std::string phase;
  std::vector<store::LedgerCommitment> commitments;  // in the order the inquiries were submitted
  json history;                                      // only when asked for a unit: its slots, else null
};

json slot_history(const core::HearingState& s, const core::Slot& slot) {
  json ballots = json::array();
  for_each_result(
      s, [&](const core::Ballot& b, const core::BallotTemplate* tpl, const core::BallotResult& r) {
        for (const core::PresenterResult& p : r.presenters) {
          if (p.slot != slot.def.id) continue;
          ballots.push_back({{"ballot", b.id},
                             {"title", tpl != nullptr ? tpl->title : b.template_id},
                             {"status", std::string(core::wire::name_of(b.status))},
                             {"rank", p.rank},
                             {"of", r.presenters.size()},
                             {"verdict", p.verdict},
                             {"flags", p.flags},
                             {"satisfaction", p.satisfaction ? json(*p.satisfaction) : json(nullptr)},
                             {"points", p.points ? json(*p.points) : json(nullptr)}});
        }
      });
  return {{"slot", slot.def.id}, {"presenter", name_of(s, slot.def.presenter)}, {"ballots", ballots}};
}

HearingLook look_at(const core::HearingState& s, const std::optional<std::string>& unit) {
  HearingLook look{s.def.id, s.def.title, s.def.date, std::string(core::wire::name_of(s.phase)), {}, nullptr};
  std::vector<const core::Inquiry*> asked;
  for (const auto& [id, q] : s.inquiries) {
    if (!q.commitments.empty()) asked.push_back(&q);
  }
  std::sort(asked.begin(), asked.end(), [](const core::Inquiry* a, const core::Inquiry* b) {
    return std::tie(a->submitted_at, a->id) < std::tie(b->submitted_at, b->id);
  });
  for (const core::Inquiry* q : asked) {
    const core::Slot* slot = s.slot(q->slot);
    const std::string presenter = slot != nullptr ? name_of(s, slot->def.presenter) : "";
    for (std::size_t i = 0; i < q->commitments.size(); ++i) {
      const core::Commitment& c = q->commitments[i];
      look.commitments.push_back(store::LedgerCommitment{s.def.id, q->id, static_cast<std::int64_t>(i + 1),
                                                         unit_of(s, q->slot), presenter, q->text, c.text,
                                                         c.due});
    }
  }
  if (unit) {
    json slots = json::array();
    for (const core::Slot& slot : s.agenda) {
      if (slot.def.has_presenter() && slot.def.title == *unit) slots.push_back(slot_history(s, slot));
    }
    if (!slots.empty()) look.history = std::move(slots);
  }
  return look;
}

// Looks at every hearing (look_at_every_hearing); `done` gets all looks, by date and id, on the last strand.
void look_at_all(SharedState& state, std::optional<std::string> unit,
                 std::function<void(std::vector<HearingLook>)> done) {
  struct Gathering {
    std::mutex mutex;
    std::vector<HearingLook> looks;
  };
  auto g = std::make_shared<Gathering>();
  look_at_every_hearing(
      state,
      [g, unit](const core::HearingState& s) {
        // A rehearsal's commitments and results are no one's: they never reach the ledger or a unit's
        // history.
        if (s.def.settings.rehearsal) return;
        std::optional<HearingLook> look = look_at(s, unit);
        std::lock_guard lock(g->mutex);
        if (look) g->looks.push_back(std::move(*look));
      },
      [g, done = std::move(done)] {
        std::vector<HearingLook> looks;
        {
          std::lock_guard lock(g->mutex);
          looks = std::move(g->looks);
        }
        std::sort(looks.begin(), looks.end(), [](const HearingLook& a, const HearingLook& b) {
          return std::tie(a.date, a.id) < std::tie(b.date, b.id);
        });
        done(std::move(looks));
      });
}

// Takes into the store's ledger the commitments it does not hold yet.
core::Result<std::int64_t> take_new(store::Store& store, const std::vector<HearingLook>& looks) {
  std::set<std::tuple<std::string, std::string, std::int64_t>> held;
  for (const store::LedgerEntry& e : store.ledger()) {
    held.emplace(e.commitment.hearing, e.commitment.inquiry, e.commitment.position);
  }
  std::vector<store::LedgerCommitment> fresh;
  for (const HearingLook& look : looks) {
    for (const store::LedgerCommitment& c : look.commitments) {
      if (!held.contains({c.hearing, c.inquiry, c.position})) fresh.push_back(c);
    }
  }
  return store.take_into_ledger(fresh);
}

// The server's calendar day (its own time zone, where the hearings are held) as YYYY-MM-DD.
std::string local_date(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

bool overdue(const store::LedgerEntry& e, const std::string& today) {
  return e.status != "done" && today > e.due;
}

json entry_json(const store::LedgerEntry& e, const std::string& today,
                const std::map<std::string, const HearingLook*>& hearings) {
  const auto h = hearings.find(e.commitment.hearing);
  json notes = json::array();
  for (const store::LedgerNote& n : e.notes) {
    notes.push_back({{"account", n.account}, {"at_ms", n.at_ms}, {"text", n.text}});
  }
  json done_on = nullptr;
  json kept = nullptr;
  if (e.done_ms) {
    done_on = local_date(*e.done_ms);
    kept = done_on.get<std::string>() <= e.due;
  }
  return {{"id", e.id},
          {"hearing",
           {{"id", e.commitment.hearing},
            {"title", h != hearings.end() ? h->second->title : ""},
            {"date", h != hearings.end() ? h->second->date : ""}}},
          {"inquiry", e.commitment.inquiry},
          {"unit", e.commitment.unit},
          {"presenter", e.commitment.presenter},
          {"inquiry_text", e.commitment.inquiry_text},
          {"text", e.commitment.text},
          {"promised_due", e.commitment.due},
          {"due", e.due},
          {"status", e.status},
          {"overdue", overdue(e, today)},
          {"done_on", done_on},
          {"kept", kept},
          {"notes", notes}};
}

OrganizeAnswer bad(std::string_view error, std::string_view message) {
  return organize_refusal(http::status::bad_request, error, message);
}

OrganizeAnswer storage_failed(const core::Error& e) {
  return organize_refusal(http::status::internal_server_error, "storage", e.message);
}

// The filters of GET ledger: ?status=…&overdue=true|false&unit=… (percent-encoded).
struct Filters {
  std::optional<std::string> status;
  std::optional<bool> overdue;
  std::optional<std::string> unit;
};

std::variant<Filters, OrganizeAnswer> filters_of(const SharedState& state, std::string_view target) {
  Filters f;
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) return f;
  std::string_view query = target.substr(mark + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    // A value decodes as one segment of a path does: UTF-8, no control characters, no bad escapes.
    const auto value = web_path("/" + std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1)),
                                state.limits().http_max_path_bytes);
    if (!value)
      return bad("bad_filter",
                 "the filter " + std::string(key) + " is not readable: " + value.error().message);
    if (key == "status") {
      if (!kStatuses.contains(*value)) return bad("bad_status", "status is open, in_progress or done");
      f.status = *value;
    } else if (key == "overdue") {
      if (*value != "true" && *value != "false") return bad("bad_filter", "overdue is true or false");
      f.overdue = *value == "true";
    } else if (key == "unit") {
      f.unit = *value;
    } else {
      return bad("bad_filter", "the ledger filters by status, overdue and unit, not " + std::string(key));
    }
  }
  return f;
}

void list(OrganizeCall& call) {
  auto parsed = filters_of(call.state, call.req.target());
  if (auto* refused = std::get_if<OrganizeAnswer>(&parsed)) return call.done(std::move(*refused));
  SharedState& state = call.state;
  look_at_all(state, std::nullopt,
              [&state, f = std::get<Filters>(parsed), done = call.done](std::vector<HearingLook> looks) {
                if (auto taken = take_new(state.store(), looks); !taken)
                  return done(storage_failed(taken.error()));
                std::map<std::string, const HearingLook*> by_id;
                for (const HearingLook& l : looks) by_id[l.id] = &l;
                const std::string today = local_date(state.clock().now());
                json entries = json::array();
                std::set<std::string> units;
                for (const store::LedgerEntry& e : state.store().ledger()) {
                  units.insert(e.commitment.unit);
                  if (f.status && e.status != *f.status) continue;
                  if (f.overdue && overdue(e, today) != *f.overdue) continue;
                  if (f.unit && e.commitment.unit != *f.unit) continue;
                  entries.push_back(entry_json(e, today, by_id));
                }
                done(organize_reply(http::status::ok,
                                    json{{"today", today}, {"units", units}, {"entries", entries}}));
              });
}

// The entry named by the path, or the 404 that says it is not there.
std::variant<store::LedgerEntry, OrganizeAnswer> entry_named(SharedState& state, const std::string& name) {
  const bool digits =
      !name.empty() && name.size() <= 18 && name.find_first_not_of("0123456789") == std::string::npos;
  std::optional<store::LedgerEntry> e;
  if (digits) e = state.store().ledger_entry(std::stoll(name));
  if (!e) return organize_refusal(http::status::not_found, "not_found", "no ledger entry " + name);
  return *e;
}

// Answers with the entry as it now stands.
void answer_entry(OrganizeCall& call, std::int64_t id, http::status status) {
  SharedState& state = call.state;
  look_at_all(state, std::nullopt, [&state, id, status, done = call.done](std::vector<HearingLook> looks) {
    std::map<std::string, const HearingLook*> by_id;
    for (const HearingLook& l : looks) by_id[l.id] = &l;
    const auto e = state.store().ledger_entry(id);
    if (!e) return done(organize_refusal(http::status::not_found, "not_found", "no ledger entry"));
    done(organize_reply(status, entry_json(*e, local_date(state.clock().now()), by_id)));
  });
}

void change(OrganizeCall& call, const std::string& name) {
  auto found = entry_named(call.state, name);
  if (auto* refused = std::get_if<OrganizeAnswer>(&found)) return call.done(std::move(*refused));
  const std::int64_t id = std::get<store::LedgerEntry>(found).id;
  const json body = json::parse(call.req.body(), nullptr, false);
  if (!body.is_object() || body.empty()) {
    return call.done(
        bad("bad_request", "expected JSON {\"due\": \"YYYY-MM-DD\", \"status\": …}, one or both"));
  }
  std::optional<std::string> due;
  std::optional<std::string> status;
  for (const auto& [key, value] : body.items()) {
    if (key == "due") {
      if (!value.is_string() || !core::is_iso_date(value.get<std::string>())) {
        return call.done(bad("bad_due", "the due date is a real date written YYYY-MM-DD"));
      }
      due = value.get<std::string>();
    } else if (key == "status") {
      if (!value.is_string() || !kStatuses.contains(value.get<std::string>())) {
        return call.done(bad("bad_status", "status is open, in_progress or done (overdue is derived)"));
      }
      status = value.get<std::string>();
    } else {
      return call.done(bad("bad_request", "an entry has a due date and a status to change, not " + key));
    }
  }
  if (auto r = call.state.store().update_ledger_entry(id, due, status, call.state.clock().now()); !r) {
    return call.done(storage_failed(r.error()));
  }
  answer_entry(call, id, http::status::ok);
}

void add_note(OrganizeCall& call, const std::string& name) {
  auto found = entry_named(call.state, name);
  if (auto* refused = std::get_if<OrganizeAnswer>(&found)) return call.done(std::move(*refused));
  const store::LedgerEntry& entry = std::get<store::LedgerEntry>(found);
  const json body = json::parse(call.req.body(), nullptr, false);
  if (!body.is_object() || body.size() != 1 || !body.contains("text") || !body["text"].is_string()) {
    return call.done(bad("bad_request", "expected JSON {\"text\": …}"));
  }
  const std::string text = body["text"].get<std::string>();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return call.done(bad("empty_note", "a note needs some text"));
  }
  if (core::code_points(text) > kMaxNoteChars) {
    return call.done(
        bad("note_too_long", "a note is at most " + std::to_string(kMaxNoteChars) + " characters"));
  }
  if (entry.notes.size() >= kMaxNotesPerEntry) {
    return call.done(
        bad("too_many_notes", "an entry keeps at most " + std::to_string(kMaxNotesPerEntry) + " notes"));
  }
  const store::LedgerNote note{call.account, call.state.clock().now(), text};
  if (auto r = call.state.store().add_ledger_note(entry.id, note); !r)
    return call.done(storage_failed(r.error()));
  answer_entry(call, entry.id, http::status::created);
}

// Each hearing the unit reported at, oldest first: its results per ballot, and how its commitments stand.
void history(OrganizeCall& call, const std::string& unit) {
  SharedState& state = call.state;
  look_at_all(state, unit, [&state, unit, done = call.done](std::vector<HearingLook> looks) {
    if (auto taken = take_new(state.store(), looks); !taken) return done(storage_failed(taken.error()));
    const std::string today = local_date(state.clock().now());
    std::map<std::string, json> tally;  // hearing → its commitments' counts
    for (const store::LedgerEntry& e : state.store().ledger()) {
      if (e.commitment.unit != unit) continue;
      json& t = tally[e.commitment.hearing];
      if (t.is_null()) t = {{"total", 0}, {"kept", 0}, {"late", 0}, {"overdue", 0}, {"open", 0}};
      t["total"] = t["total"].get<int>() + 1;
      const char* key = "open";
      if (e.done_ms) {
        key = local_date(*e.done_ms) <= e.due ? "kept" : "late";
      } else if (overdue(e, today)) {
        key = "overdue";
      }
      t[key] = t[key].get<int>() + 1;
    }
    json hearings = json::array();
    for (const HearingLook& l : looks) {
      if (l.history.is_null()) continue;
      json counts = tally.contains(l.id)
                        ? tally[l.id]
                        : json{{"total", 0}, {"kept", 0}, {"late", 0}, {"overdue", 0}, {"open", 0}};
      hearings.push_back({{"id", l.id},
                          {"title", l.title},
                          {"date", l.date},
                          {"year", l.date.substr(0, 4)},
                          {"phase", l.phase},
                          {"slots", l.history},
                          {"commitments", counts}});
    }
    if (hearings.empty()) {
      return done(organize_refusal(http::status::not_found, "not_found",
                                   "no hearing has a presenter of unit " + unit));
    }
    done(organize_reply(http::status::ok, json{{"unit", unit}, {"today", today}, {"hearings", hearings}}));
  });
}

// ---- a review hearing (回头看)

// The text cut to `max` characters, the last of them an ellipsis when anything was cut.
std::string cut(const std::string& text, std::size_t max) {
  if (core::code_points(text) <= max) return text;
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max - 1) return text.substr(0, i) + "…";
  }
  return text;
}

// An entry as a slot's review holds it: the ledger's due date and status (overdue when past due and not
// done) and its latest progress note, as they stand now.
core::ReviewItem review_item(const store::LedgerEntry& e, const std::string& today,
                             const std::map<std::string, const HearingLook*>& hearings) {
  const auto h = hearings.find(e.commitment.hearing);
  const std::string from =
      h != hearings.end() ? h->second->title + " · " + h->second->date : e.commitment.hearing;
  return core::ReviewItem{cut(from, core::kMaxReviewFromChars),
                          cut(e.commitment.text, core::kMaxReviewTextChars), e.due,
                          overdue(e, today) ? "overdue" : e.status,
                          e.notes.empty() ? "" : cut(e.notes.back().text, core::kMaxReviewProgressChars)};
}

struct ReviewRequest {
  std::string slot;
  std::string unit;
  bool all = false;  // done ones too
};

std::variant<ReviewRequest, OrganizeAnswer> review_request_of(const OrganizeRequest& req) {
  const json body = json::parse(req.body(), nullptr, false);
  const auto usage = bad("bad_request", "expected JSON {\"slot\": …, \"unit\": …, \"all\": true or false}");
  if (!body.is_object()) return usage;
  ReviewRequest r;
  for (const auto& [key, value] : body.items()) {
    if ((key == "slot" || key == "unit") && value.is_string() && !value.get<std::string>().empty()) {
      (key == "slot" ? r.slot : r.unit) = value.get<std::string>();
    } else if (key == "all" && value.is_boolean()) {
      r.all = value.get<bool>();
    } else {
      return usage;
    }
  }
  if (r.slot.empty() || r.unit.empty()) return usage;
  return r;
}

// Takes the unit's commitments from the ledger into the slot's review and stores the draft's definition as
// an edit of it would be (a draft whose log has not begun).
void take_review(SharedState& state, const std::shared_ptr<LiveHearing>& hearing, core::HearingDefinition def,
                 std::size_t slot, const ReviewRequest& r, const std::string& account,
                 const std::function<void(OrganizeAnswer)>& done) {
  look_at_all(
      state, std::nullopt,
      [&state, hearing, def = std::move(def), slot, r, account,
       done](std::vector<HearingLook> looks) mutable {
        if (auto taken = take_new(state.store(), looks); !taken) return done(storage_failed(taken.error()));
        std::map<std::string, const HearingLook*> by_id;
        for (const HearingLook& l : looks) by_id[l.id] = &l;
        const std::string today = local_date(state.clock().now());
        bool known = false;
        std::vector<core::ReviewItem> review;
        for (const store::LedgerEntry& e : state.store().ledger()) {
          if (e.commitment.unit != r.unit || e.commitment.hearing == def.id) continue;
          known = true;
          if (r.all || e.status != "done") review.push_back(review_item(e, today, by_id));
        }
        if (!known) {
          return done(organize_refusal(http::status::not_found, "no_unit",
                                       "the ledger has no commitment of unit " + r.unit));
        }
        if (review.size() > core::kMaxReviewItems) {
          return done(bad("too_many", "unit " + r.unit + " has " + std::to_string(review.size()) +
                                          " commitments to review; a slot holds at most " +
                                          std::to_string(core::kMaxReviewItems)));
        }
        def.agenda[slot].review = review;
        // The definition's own rules judge the result, as they judge every edit.
        auto checked = core::parse_definition(core::to_json(def));
        if (!checked) return done(organize_invalid(checked.error()));
        const std::string slot_id = def.agenda[slot].id;
        hearing->redefine(std::move(*checked), [&state, id = def.id, slot_id, review, account,
                                                done](core::Result<bool> outcome) {
          if (!outcome) {
            if (outcome.error().code == core::ErrorCode::conflict) return done(organize_not_draft(id));
            return done(storage_failed(outcome.error()));
          }
          state.organize().note("organize: '" + account + "' took " + std::to_string(review.size()) +
                                " commitments under review into slot " + slot_id + " of draft hearing " + id);
          done(organize_reply(http::status::ok,
                              json{{"id", id}, {"slot", slot_id}, {"review", core::review_json(review)}}));
        });
      });
}

void review(OrganizeCall& call, const std::string& id) {
  auto parsed = review_request_of(call.req);
  if (auto* refused = std::get_if<OrganizeAnswer>(&parsed)) return call.done(std::move(*refused));
  auto hearing = organize_hearing(call, id);
  if (!hearing) return;
  hearing->inspect([&state = call.state, hearing, r = std::get<ReviewRequest>(parsed), account = call.account,
                    done = call.done](const core::HearingState& s) {
    if (s.event_count != 0 || s.phase != core::Phase::draft) return done(organize_not_draft(s.def.id));
    const auto slot = std::find_if(s.def.agenda.begin(), s.def.agenda.end(),
                                   [&](const core::SlotDef& d) { return d.id == r.slot; });
    if (slot == s.def.agenda.end()) {
      return done(organize_refusal(http::status::not_found, "no_slot",
                                   "hearing " + s.def.id + " has no agenda item " + r.slot));
    }
    if (!slot->has_presenter()) {
      return done(bad(
          "not_presenter",
          "agenda item " + r.slot + " is a remark or a break: only a presenter's slot reviews commitments"));
    }
    take_review(state, hearing, s.def, static_cast<std::size_t>(slot - s.def.agenda.begin()), r, account,
                done);
  });
}

}  // namespace

bool answer_ledger(OrganizeCall& call) {
  const std::string& path = call.endpoint;
  const http::verb method = call.req.method();
  if (path == "ledger") {
    if (method != http::verb::get) return false;
    return list(call), true;
  }
  if (path.starts_with("hearings/") && path.ends_with("/review") && method == http::verb::post) {
    const std::string id =
        path.substr(std::string_view("hearings/").size(),
                    path.size() - std::string_view("hearings/").size() - std::string_view("/review").size());
    if (id.empty() || id.find('/') != std::string::npos) return false;
    return review(call, id), true;
  }
  if (path.starts_with("ledger/")) {
    std::string rest = path.substr(std::string_view("ledger/").size());
    if (rest.ends_with("/notes") && method == http::verb::post) {
      return add_note(call, rest.substr(0, rest.size() - std::string_view("/notes").size())), true;
    }
    if (rest.find('/') == std::string::npos && method == http::verb::patch) return change(call, rest), true;
    return false;
  }
  constexpr std::size_t kAround = std::string_view("units/").size() + std::string_view("/history").size();
  if (path.size() > kAround && path.starts_with("units/") && path.ends_with("/history") &&
      method == http::verb::get) {
    const std::string unit = path.substr(std::string_view("units/").size(), path.size() - kAround);
    if (unit.find('/') != std::string::npos) return false;
    return history(call, unit), true;
  }
  return false;
}

}  // namespace dais::net
