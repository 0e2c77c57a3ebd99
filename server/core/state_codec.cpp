// The whole state as canonical JSON: objects have sorted keys (nlohmann's std::map), containers are ordered,
// absent optionals are left out, so equal states dump to equal bytes.
#include <nlohmann/json.hpp>

#include "core/engine.hpp"
#include "core/wire.hpp"

namespace dais::core {
namespace wire {

// Everything but the definition, which has its own codec (definition.cpp). A snapshot from before the screen
// had modes has no "display": it shows the automatic one.
constexpr auto describe(Tag<HearingState>) {
  return std::tuple{field("phase", &HearingState::phase),
                    field("agenda", &HearingState::agenda),
                    field("current_slot", &HearingState::current_slot),
                    field("checked_in", &HearingState::checked_in),
                    field("revoked", &HearingState::revoked),
                    field("inquiries", &HearingState::inquiries),
                    field("queue", &HearingState::queue),
                    field("asking", &HearingState::asking),
                    field("display", &HearingState::display, Presence::defaulted),
                    field("ballots", &HearingState::ballots),
                    field("ballot_order", &HearingState::ballot_order),
                    field("next_inquiry", &HearingState::next_inquiry),
                    field("next_ballot", &HearingState::next_ballot),
                    field("event_count", &HearingState::event_count)};
}

}  // namespace wire

namespace {

Error bad_reference(const std::string& field, const std::string& what) {
  return make_error(ErrorCode::invalid, "unknown " + what, field);
}

// A snapshot read back must hold together, so that decide() can rely on every id it finds in the state.
std::optional<Error> check_references(const HearingState& s) {
  for (std::size_t i = 0; i < s.agenda.size(); ++i) {
    const SlotDef& def = s.agenda[i].def;
    if (def.has_presenter() && s.participant(def.presenter) == nullptr) {
      return bad_reference("/agenda/" + std::to_string(i) + "/def/presenter", "participant");
    }
  }
  if (s.current_slot && s.slot(*s.current_slot) == nullptr) return bad_reference("/current_slot", "slot");
  for (const auto& [id, q] : s.inquiries) {
    if (q.id != id)
      return make_error(ErrorCode::invalid, "inquiry id differs from its key", "/inquiries/" + id);
    if (s.slot(q.slot) == nullptr) return bad_reference("/inquiries/" + id + "/slot", "slot");
  }
  for (const auto& [slot, ids] : s.queue) {
    for (const InquiryId& id : ids) {
      if (!s.inquiries.contains(id)) return bad_reference("/queue/" + slot, "inquiry");
    }
  }
  if (s.asking && !s.inquiries.contains(*s.asking)) return bad_reference("/asking", "inquiry");
  for (const auto& [id, b] : s.ballots) {
    if (b.id != id) return make_error(ErrorCode::invalid, "ballot id differs from its key", "/ballots/" + id);
    if (s.def.ballot_template(b.template_id) == nullptr) {
      return bad_reference("/ballots/" + id + "/template_id", "ballot template");
    }
    for (const SlotId& slot : b.slots) {
      if (s.slot(slot) == nullptr) return bad_reference("/ballots/" + id + "/slots", "slot");
    }
  }
  for (const BallotId& id : s.ballot_order) {
    if (!s.ballots.contains(id)) return bad_reference("/ballot_order", "ballot");
  }
  return std::nullopt;
}

}  // namespace

nlohmann::json state_to_json(const HearingState& state, bool include_secret) {
  nlohmann::json j = wire::encode(state);
  j["definition"] = to_json(state.def);
  if (!include_secret) {
    // What a voter marked lives only in the ballot box. Without the boxes, the exact tally of an anonymous
    // ballot goes too: it is rebuilt when the boxes are applied again, and a copy left here would count
    // twice.
    for (auto& [id, ballot] : j["ballots"].items()) {
      ballot.erase("box");
      ballot.erase("held");
      ballot.erase("paper_entries");
      const BallotTemplate* tpl = state.def.ballot_template(state.ballots.at(id).template_id);
      if (tpl == nullptr || tpl->anonymous) ballot.erase("tally");
    }
  }
  return j;
}

Result<HearingState> state_from_json(const nlohmann::json& j) {
  if (!j.is_object()) return make_error(ErrorCode::invalid, "expected an object", "/");
  const auto def_json = j.find("definition");
  if (def_json == j.end()) return make_error(ErrorCode::invalid, "missing field 'definition'", "/definition");
  auto def = parse_definition(*def_json);
  if (!def) {
    Error e = def.error();
    e.field = "/definition" + e.field;
    return e;
  }
  HearingState state;
  wire::Reader reader;
  reader.read_fields(j, state, "");
  if (reader.failed()) return *reader.error();
  state.def = std::move(def).value();
  state.index_participants();
  if (auto e = check_references(state)) return *e;
  return state;
}

}  // namespace dais::core
