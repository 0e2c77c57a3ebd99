#pragma once
// Role-filtered views. The state is split into sections; each role set sees a filtered copy of each section,
// and each participant additionally has a personal section ("me"). The live server computes a section once
// per role set per change (sections_touched tells which), never per client.
#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/event.hpp"
#include "core/tally.hpp"

namespace dais::core {

enum class Section : std::uint8_t {
  hearing,     // title, phase, settings that clients need
  attendance,  // expected / present / quorum, who is checked in (names for chair/secretary only)
  agenda,      // slots with stages and timers, the current slot
  inquiries,   // inquiries visible to this role set, the approved queues, the one being asked
  ballots,     // ballots with status and turnout
  tally,       // live tallies, where the settings allow (coalesced by the server)
  results,     // closed/published results with verdicts and ranking, as visible to this role set
};
inline constexpr Section kAllSections[] = {Section::hearing,   Section::attendance, Section::agenda,
                                           Section::inquiries, Section::ballots,    Section::tally,
                                           Section::results};
std::string_view to_string(Section s);

using SectionMask = std::uint32_t;
constexpr SectionMask mask_of(Section s) {
  return 1u << static_cast<unsigned>(s);
}

// Which sections an event may change.
SectionMask sections_touched(const EventBody& body);
// Which participants' personal sections an event may change (e.g. the author of an inquiry, the voter).
std::vector<ParticipantId> personal_touched(const HearingState& state, const EventBody& body);

nlohmann::json section_view(const HearingState& state, Section section, const RoleSet& roles);
// The participant's own: id, name, roles, checked in, their inquiries, their sheet status per ballot
// (for named ballots their marks), for a presenter the approved inquiries addressed to them.
nlohmann::json personal_view(const HearingState& state, const ParticipantId& participant);
// Every section for the participant's roles plus "me": {"hearing": …, …, "me": …}.
nlohmann::json full_view(const HearingState& state, const ParticipantId& participant);
// A ballot's six figures as the ballots section, the results and results.json carry them.
nlohmann::json turnout_json(const Turnout& t);

}  // namespace dais::core
