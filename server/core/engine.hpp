#pragma once
// The hearing engine: a pure function from (state, actor, command, time) to events or an error, and a pure
// function applying an event to the state. No I/O, no clocks, no threads, no randomness.
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/command.hpp"
#include "core/event.hpp"

namespace dais::core {

// Checks `cmd` from `actor` against the state and the actor's roles. Never changes the state.
Result<std::vector<Event>> decide(const HearingState& state, const ParticipantId& actor, const Command& cmd,
                                  TimeMs now);

// Applies one event. Events come from decide() or from the log, so they are trusted: apply never fails.
void apply(HearingState& state, const Event& event);

// decide() then apply() each event; returns the events (or the error, with the state unchanged).
Result<std::vector<Event>> execute(HearingState& state, const ParticipantId& actor, const Command& cmd,
                                   TimeMs now);

// Whether `roles` may issue `cmd` at all (the role matrix, independent of state). decide() checks it first.
bool role_permits(const RoleSet& roles, const Command& cmd);

// The whole state as canonical JSON (sorted keys, no insignificant whitespace when dumped). Two states are
// the same exactly when their serialisations are byte-for-byte equal. `include_secret` = false leaves out the
// ballot boxes and the exact tallies of anonymous ballots (what snapshots on disk may hold); applying the
// boxes' SheetStored events to the state read back rebuilds those tallies exactly.
nlohmann::json state_to_json(const HearingState& state, bool include_secret = true);
Result<HearingState> state_from_json(const nlohmann::json& j);

}  // namespace dais::core
