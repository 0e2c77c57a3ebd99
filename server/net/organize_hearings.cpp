// The secretariat prepares a hearing: checks a definition or a roster, creates a draft, replaces a draft's
// definition while nothing has been logged, turns code cards (随机测评码) on or off, and prints the join
// cards. The definition's own rules (core::parse_definition, the rules of `dais check`) judge every edit. See
// docs/protocol.md (Organizer API).
#include <map>
#include <memory>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/definition.hpp"
#include "core/roles.hpp"
#include "core/text.hpp"
#include "net/organize.hpp"
#include "net/shared_state.hpp"
#include "store/store.hpp"

namespace dais::net {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

constexpr std::size_t kMaxNameChars = 64;   // hearing-definition.schema.json, $defs/participant/name
constexpr std::size_t kMaxPostChars = 200;  // $defs/optional_text
constexpr std::size_t kMaxGroups = 50;      // $defs/ids
// Code cards one voter group may be given: the largest hall seen holds some 2,300; the definition's 20,000
// participants bound all groups together.
constexpr std::int64_t kMaxCodeCardsPerGroup = 5000;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const auto slash = path.find('/');
    parts.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The request's {"definition": …}, parsed and checked; or the answer that refuses it.
core::Result<core::HearingDefinition> definition_of(const OrganizeRequest& req) {
  const json body = json::parse(req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("definition")) {
    return core::make_error(core::ErrorCode::invalid, "expected JSON {\"definition\": …}", "");
  }
  return core::parse_definition(body["definition"]);
}

// ---- roster rows

void row_error(json& errors, std::string_view field, std::string message) {
  errors.push_back(json{{"field", field}, {"message", std::move(message)}});
}

json check_groups(const json& row, const std::set<std::string>& voter_groups) {
  json errors = json::array();
  if (!row.contains("groups")) return errors;
  const json& groups = row["groups"];
  if (!groups.is_array()) {
    row_error(errors, "groups", "must be a list of voter groups");
    return errors;
  }
  if (groups.size() > kMaxGroups) row_error(errors, "groups", "at most 50 groups");
  std::set<std::string> seen;
  for (const json& g : groups) {
    if (!g.is_string() || voter_groups.count(g.get<std::string>()) == 0) {
      row_error(errors, "groups",
                (g.is_string() ? "\"" + g.get<std::string>() + "\"" : g.dump()) +
                    " is not a voter group of this hearing");
    } else if (!seen.insert(g.get<std::string>()).second) {
      row_error(errors, "groups", "\"" + g.get<std::string>() + "\" is named twice");
    }
  }
  return errors;
}

// With code cards a person may hold no role: they only attend, and are handed a card at the desk.
json check_roles(const json& row, bool code_cards) {
  json errors = json::array();
  const json roles = row.value("roles", json());
  if (!roles.is_array() || (roles.empty() && !code_cards)) {
    row_error(errors, "roles", "needs at least one role");
    return errors;
  }
  std::set<std::string> seen;
  for (const json& r : roles) {
    const std::string name = r.is_string() ? r.get<std::string>() : r.dump();
    if (!core::role_from_string(name)) {
      row_error(errors, "roles", "\"" + name + "\" is not a role");
    } else if (!seen.insert(name).second) {
      row_error(errors, "roles", "\"" + name + "\" is named twice");
    }
  }
  return errors;
}

// Each row as the definition's participant rules judge it, and repeated people (the same name and post).
json check_rows(const json& rows, const std::set<std::string>& voter_groups, bool code_cards) {
  json out = json::array();
  std::map<std::pair<std::string, std::string>, std::size_t> first_row;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json& row = rows[i];
    json errors = json::array();
    if (!row.is_object()) {
      row_error(errors, "name", "a row must be an object");
      out.push_back(json{{"row", i}, {"errors", std::move(errors)}});
      continue;
    }
    const json name = row.value("name", json());
    const json post = row.value("post", json(""));
    if (!name.is_string() || name.get<std::string>().empty()) {
      row_error(errors, "name", "the name is missing");
    } else if (core::code_points(name.get<std::string>()) > kMaxNameChars) {
      row_error(errors, "name", "the name is longer than 64 characters");
    }
    if (!post.is_string()) {
      row_error(errors, "post", "the post must be text");
    } else if (core::code_points(post.get<std::string>()) > kMaxPostChars) {
      row_error(errors, "post", "the post is longer than 200 characters");
    }
    if (name.is_string() && post.is_string() && !name.get<std::string>().empty()) {
      auto [it, fresh] = first_row.emplace(std::pair{name.get<std::string>(), post.get<std::string>()}, i);
      if (!fresh) row_error(errors, "name", "the same person as row " + std::to_string(it->second));
    }
    for (json& e : check_groups(row, voter_groups)) errors.push_back(std::move(e));
    for (json& e : check_roles(row, code_cards)) errors.push_back(std::move(e));
    if (!errors.empty()) out.push_back(json{{"row", i}, {"errors", std::move(errors)}});
  }
  return out;
}

OrganizeAnswer roster_check(const OrganizeCall& call) {
  const json body = json::parse(call.req.body(), nullptr, false);
  if (!body.is_object() || !body.contains("rows") || !body["rows"].is_array()) {
    return organize_refusal(http::status::bad_request, "bad_request",
                            "expected JSON {\"voter_groups\": […], \"rows\": […]}");
  }
  const json& rows = body["rows"];
  const auto max_rows = call.state.limits().organize_max_roster_rows;
  if (static_cast<std::int64_t>(rows.size()) > max_rows) {
    return organize_reply(http::status::payload_too_large,
                          json{{"error", "too_many_rows"},
                               {"message", "a roster of at most " + std::to_string(max_rows) + " rows"},
                               {"rows", rows.size()},
                               {"max", max_rows}});
  }
  std::set<std::string> groups;
  for (const json& g : body.value("voter_groups", json::array())) {
    if (g.is_string()) groups.insert(g.get<std::string>());
  }
  const bool code_cards = body.value("code_cards", json()) == true;
  return organize_reply(http::status::ok, json{{"rows", check_rows(rows, groups, code_cards)}});
}

// ---- drafts

OrganizeAnswer check(const OrganizeCall& call) {
  auto def = definition_of(call.req);
  if (!def)
    return organize_reply(
        http::status::ok,
        json{{"ok", false}, {"field", def.error().field}, {"message", def.error().message}});
  return organize_reply(http::status::ok, json{{"ok", true}});
}

OrganizeAnswer create(OrganizeCall& call) {
  auto def = definition_of(call.req);
  if (!def) return organize_invalid(def.error());
  if (call.state.hearing(def->id)) {
    return organize_refusal(http::status::conflict, "conflict", "a hearing with id " + def->id + " exists");
  }
  auto live = call.state.create_hearing(*def);
  if (!live) {
    if (live.error().code == core::ErrorCode::conflict) {
      return organize_refusal(http::status::conflict, "conflict", live.error().message);
    }
    return organize_refusal(http::status::internal_server_error, "storage", live.error().message);
  }
  call.state.organize().note("organize: '" + call.account + "' created draft hearing " + def->id);
  return organize_reply(http::status::created, json{{"id", def->id}, {"phase", "draft"}});
}

void definition(OrganizeCall& call, const std::shared_ptr<LiveHearing>& hearing) {
  hearing->inspect([done = call.done](const core::HearingState& s) {
    done(organize_reply(http::status::ok, core::to_json(s.def)));
  });
}

void redefine(OrganizeCall& call, const std::shared_ptr<LiveHearing>& hearing) {
  auto def = definition_of(call.req);
  if (!def) return call.done(organize_invalid(def.error()));
  if (def->id != hearing->id()) {
    return call.done(organize_refusal(http::status::bad_request, "id_mismatch",
                                      "the definition's id is " + def->id + ", not " + hearing->id()));
  }
  OrganizeDesk& desk = call.state.organize();
  hearing->redefine(*def, [&desk, id = def->id, account = call.account,
                           done = call.done](core::Result<bool> outcome) {
    if (!outcome) {
      if (outcome.error().code == core::ErrorCode::conflict) return done(organize_not_draft(id));
      return done(organize_refusal(http::status::internal_server_error, "storage", outcome.error().message));
    }
    desk.note("organize: '" + account + "' changed the definition of draft hearing " + id);
    done(organize_reply(http::status::ok, json{{"id", id}, {"phase", "draft"}}));
  });
}

// Every participant's token issued anew, for the printed join cards. Only before anything is logged: on the
// day, the chair reissues the one card that was lost.
void cards(SharedState& state, const std::shared_ptr<LiveHearing>& hearing, const std::string& account,
           const std::function<void(OrganizeAnswer)>& done) {
  hearing->inspect([&state, hearing, id = hearing->id(), account, done](const core::HearingState& s) {
    if (s.event_count != 0 || s.phase != core::Phase::draft) return done(organize_not_draft(id));
    std::vector<core::ParticipantId> who;
    for (const core::Participant& p : s.def.participants) who.push_back(p.id);
    auto issued = state.store().reissue_tokens(id, who);
    if (!issued) {
      return done(organize_refusal(http::status::internal_server_error, "storage", issued.error().message));
    }
    json out = json::array();
    const std::string& base = state.options().public_url;
    for (std::size_t i = 0; i < issued->size(); ++i) {
      const core::Participant& p = s.def.participants[i];
      json roles = json::array();
      for (const core::Role r : core::kAllRoles) {
        if (p.roles.has(r)) roles.push_back(core::to_string(r));
      }
      const std::string path = "/j/" + (*issued)[i].token;
      out.push_back(json{{"participant", p.id},
                         {"name", p.name},
                         {"post", p.post},
                         {"groups", p.groups},
                         {"roles", std::move(roles)},
                         {"token", (*issued)[i].token},
                         {"path", path},
                         {"link", base + path}});
      if (p.card) out.back()["card"] = true;
    }
    // Devices joined with the old links go: those links no longer open anything.
    hearing->close_all(close_code::revoked, "revoked");
    state.organize().note("organize: '" + account + "' printed " + std::to_string(out.size()) +
                          " join cards for hearing " + id);
    done(organize_reply(http::status::ok, json{{"cards", std::move(out)}}));
  });
}

// ---- code cards (随机测评码)

using CardsPerGroup = std::map<core::GroupId, std::int64_t>;

// Who votes by card in each voter group when the organizer names no number: the persons of the group who
// vote now, or, with the mode on already, who attend in it. The tally group decides, as it does for sheets.
CardsPerGroup default_counts(const core::HearingDefinition& def) {
  CardsPerGroup counts;
  for (const core::VoterGroup& g : def.voter_groups) counts[g.id] = 0;
  for (const core::Participant& p : def.participants) {
    const core::GroupId g = def.tally_group(p);
    if (!p.card && !g.empty() && (def.settings.code_cards || p.roles.has(core::Role::voter))) ++counts[g];
  }
  return counts;
}

// {"groups": {"<group>": n, …}} over the defaults; the error names the group's field.
core::Result<CardsPerGroup> counts_of(const json& body, const core::HearingDefinition& def) {
  CardsPerGroup counts = default_counts(def);
  const json groups = body.value("groups", json::object());
  if (!groups.is_object()) {
    return core::make_error(core::ErrorCode::invalid, "expected {\"<voter group>\": number of cards, …}",
                            "/groups");
  }
  for (const auto& [group, n] : groups.items()) {
    const std::string field = "/groups/" + group;
    if (def.voter_group(group) == nullptr) {
      return core::make_error(core::ErrorCode::invalid,
                              "'" + group + "' is not a voter group of this hearing", field);
    }
    if (!n.is_number_integer() || n.get<std::int64_t>() < 0 ||
        n.get<std::int64_t>() > kMaxCodeCardsPerGroup) {
      return core::make_error(
          core::ErrorCode::invalid,
          "a number of cards from 0 to " + std::to_string(kMaxCodeCardsPerGroup) + " (kMaxCodeCardsPerGroup)",
          field);
    }
    counts[group] = n.get<std::int64_t>();
  }
  return counts;
}

// An id that says nothing of its card's place or group: random from the system's source, unique here.
core::ParticipantId card_id(const std::set<core::ParticipantId>& taken) {
  for (;;) {
    core::ParticipantId id = store::random_token(9);  // 12 URL-safe characters, 72 bits: passes check_id
    if (taken.count(id) == 0) return id;
  }
}

// The definition with code cards: old cards gone, no person a voter, `counts` new cards per group. A person
// who votes with no voter group would be left without a card: refused, naming them.
core::Result<core::HearingDefinition> with_code_cards(core::HearingDefinition def,
                                                      const CardsPerGroup& counts) {
  std::erase_if(def.participants, [](const core::Participant& p) { return p.card; });
  std::set<core::ParticipantId> taken;
  for (std::size_t i = 0; i < def.participants.size(); ++i) {
    core::Participant& p = def.participants[i];
    taken.insert(p.id);
    if (!p.roles.has(core::Role::voter)) continue;
    if (def.tally_group(p).empty()) {
      return core::make_error(core::ErrorCode::invalid,
                              "voter '" + p.id + "' is in no voter group: code cards are handed out by group",
                              "/participants/" + std::to_string(i) + "/groups");
    }
    core::RoleSet kept;
    for (const core::Role r : p.roles.list()) {
      if (r != core::Role::voter) kept.add(r);
    }
    p.roles = kept;
  }
  for (const auto& [group, n] : counts) {
    for (std::int64_t i = 0; i < n; ++i) {
      core::Participant card{card_id(taken), "测评码", "", {group}, core::RoleSet{core::Role::voter}, true};
      taken.insert(card.id);
      def.participants.push_back(std::move(card));
    }
  }
  def.settings.code_cards = true;
  return def;
}

// Back to per-person voting: the cards gone, every person of a voter group a voter again.
core::HearingDefinition without_code_cards(core::HearingDefinition def) {
  std::erase_if(def.participants, [](const core::Participant& p) { return p.card; });
  for (core::Participant& p : def.participants) {
    if (!def.tally_group(p).empty()) p.roles.add(core::Role::voter);
  }
  def.settings.code_cards = false;
  return def;
}

// Turns code cards on ({"groups": …}, optional) or off ({"off": true}, or DELETE) on an untouched draft, in
// one redefinition, then prints every join card anew: the answer holds each card's link.
void code_cards(OrganizeCall& call, const std::shared_ptr<LiveHearing>& hearing) {
  const json body = call.req.body().empty() ? json::object() : json::parse(call.req.body(), nullptr, false);
  if (!body.is_object()) {
    return call.done(organize_refusal(http::status::bad_request, "bad_request",
                                      "expected JSON {\"groups\": {…}} or {\"off\": true}"));
  }
  const bool off = call.req.method() == http::verb::delete_ || body.value("off", json()) == true;
  hearing->inspect([&state = call.state, hearing, body, off, account = call.account,
                    done = call.done](const core::HearingState& s) {
    if (s.event_count != 0 || s.phase != core::Phase::draft) return done(organize_not_draft(hearing->id()));
    core::Result<core::HearingDefinition> changed = without_code_cards(s.def);
    if (!off) {
      auto counts = counts_of(body, s.def);
      if (!counts) return done(organize_invalid(counts.error()));
      changed = with_code_cards(s.def, *counts);
    }
    if (!changed) return done(organize_invalid(changed.error()));
    // The rules of dais check judge the result as they judge any edit (the 20,000 participants among them).
    auto checked = core::parse_definition(core::to_json(*changed));
    if (!checked) return done(organize_invalid(checked.error()));
    hearing->redefine(*checked, [&state, hearing, off, account, done](core::Result<bool> outcome) {
      if (!outcome) {
        if (outcome.error().code == core::ErrorCode::conflict) return done(organize_not_draft(hearing->id()));
        return done(
            organize_refusal(http::status::internal_server_error, "storage", outcome.error().message));
      }
      state.organize().note("organize: '" + account + "' turned code cards " + (off ? "off" : "on") +
                            " for draft hearing " + hearing->id());
      cards(state, hearing, account, done);
    });
  });
}

// A rehearsal back to a clean draft, its devices sent to join again; with {"tokens": "reissue"} every card
// is printed anew as well.
void reset(OrganizeCall& call, const std::shared_ptr<LiveHearing>& hearing) {
  const json body = json::parse(call.req.body(), nullptr, false);
  const std::string tokens = body.is_object() ? body.value("tokens", "keep") : "";
  if (tokens != "keep" && tokens != "reissue") {
    return call.done(organize_refusal(http::status::bad_request, "bad_request",
                                      "expected JSON {\"tokens\": \"keep\" or \"reissue\"}"));
  }
  hearing->reset_rehearsal([&state = call.state, hearing, tokens, account = call.account,
                            done = call.done](core::Result<bool> outcome) {
    if (!outcome) {
      if (outcome.error().code == core::ErrorCode::not_allowed) {
        return done(organize_refusal(http::status::conflict, "not_rehearsal", outcome.error().message));
      }
      return done(organize_refusal(http::status::internal_server_error, "storage", outcome.error().message));
    }
    state.organize().note("organize: '" + account + "' reset the rehearsal of hearing " + hearing->id());
    if (tokens == "reissue") return cards(state, hearing, account, done);
    done(organize_reply(http::status::ok, json{{"id", hearing->id()}, {"phase", "draft"}}));
  });
}

}  // namespace

bool answer_hearing_prep(OrganizeCall& call) {
  const auto parts = split_path(call.endpoint);
  const http::verb method = call.req.method();
  if (call.endpoint == "check" && method == http::verb::post) return call.done(check(call)), true;
  if (call.endpoint == "roster/check" && method == http::verb::post)
    return call.done(roster_check(call)), true;
  if (call.endpoint == "hearings" && method == http::verb::post) return call.done(create(call)), true;
  if (parts.size() != 3 || parts[0] != "hearings") return false;
  const std::string& what = parts[2];
  const bool mine = (what == "definition" && (method == http::verb::get || method == http::verb::put)) ||
                    ((what == "cards" || what == "reset") && method == http::verb::post) ||
                    (what == "code-cards" && (method == http::verb::post || method == http::verb::delete_));
  if (!mine) return false;
  auto hearing = organize_hearing(call, parts[1]);
  if (!hearing) return true;
  if (what == "cards") return cards(call.state, hearing, call.account, call.done), true;
  if (what == "reset") return reset(call, hearing), true;
  if (what == "code-cards") return code_cards(call, hearing), true;
  if (method == http::verb::get) return definition(call, hearing), true;
  redefine(call, hearing);
  return true;
}

}  // namespace dais::net
