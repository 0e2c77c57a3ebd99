#include "core/state.hpp"

#include <algorithm>

#include "core/decide.hpp"

namespace dais::core {

std::int64_t Timer::elapsed(TimeMs now) const {
  // A clock that seems to run backwards (a command stamped before the timer started) adds nothing.
  return used_ms + (running_since ? std::max<std::int64_t>(0, now - *running_since) : 0);
}

std::int64_t Timer::remaining(TimeMs now) const {
  return limit_ms - elapsed(now);
}

std::int64_t Timer::overrun(TimeMs now) const {
  return std::max<std::int64_t>(0, -remaining(now));
}

const Slot* HearingState::slot(const SlotId& id) const {
  const auto it = std::find_if(agenda.begin(), agenda.end(), [&](const Slot& s) { return s.def.id == id; });
  return it == agenda.end() ? nullptr : &*it;
}

Slot* HearingState::slot(const SlotId& id) {
  return const_cast<Slot*>(static_cast<const HearingState&>(*this).slot(id));
}

std::int64_t HearingState::expected_voters() const {
  return std::count_if(def.participants.begin(), def.participants.end(),
                       [](const Participant& p) { return p.roles.has(Role::voter); });
}

std::int64_t HearingState::present_voters() const {
  return std::count_if(checked_in.begin(), checked_in.end(), [&](const ParticipantId& id) {
    const Participant* p = participant(id);
    return p != nullptr && p->roles.has(Role::voter);
  });
}

std::int64_t HearingState::quorum_needed() const {
  // present / expected >= num / den, in integers so that 2/3 means exactly two thirds: the ceiling of
  // expected × num / den.
  const auto& q = def.settings.quorum;
  return (q.num * expected_voters() + q.den - 1) / q.den;
}

bool HearingState::quorum_met() const {
  return present_voters() >= quorum_needed();
}

Slot make_slot(const SlotDef& def) {
  Slot slot;
  slot.def = def;
  slot.report.limit_ms = def.report_limit_s * 1000;
  slot.qa.limit_ms = def.qa_budget_s * 1000;
  return slot;
}

const Participant* HearingState::participant(const ParticipantId& id) const {
  auto it = participant_at.find(id);
  return it == participant_at.end() ? nullptr : &def.participants[it->second];
}

void HearingState::index_participants() {
  participant_at.clear();
  for (std::size_t i = 0; i < def.participants.size(); ++i) participant_at.emplace(def.participants[i].id, i);
}

HearingState make_hearing(HearingDefinition def) {
  HearingState state;
  for (const SlotDef& s : def.agenda) state.agenda.push_back(make_slot(s));
  state.def = std::move(def);
  state.index_participants();
  return state;
}

}  // namespace dais::core
