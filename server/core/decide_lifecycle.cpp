// The hearing's lifecycle: draft → check_in → in_session ⇄ paused → adjourned, check-in and token revocation.
#include "core/decide.hpp"

namespace dais::core {

Decision decide_command(const Context& ctx, const OpenCheckIn&) {
  if (auto e = require_phase(ctx.state, {Phase::draft})) return *e;
  return ctx.one(CheckInOpened{});
}

Decision decide_command(const Context& ctx, const CheckIn& cmd) {
  const ParticipantId who = cmd.participant.value_or(ctx.actor.id);
  const Participant* p = ctx.state.participant(who);
  if (p == nullptr) return make_error(ErrorCode::not_found, "no participant '" + who + "'", "/participant");
  // A code card counts towards the quorum only once its holder opens it: the desk checking one in would
  // count a sheet nobody holds.
  if (p->card && who != ctx.actor.id) {
    return make_error(ErrorCode::not_allowed, "a code card checks in when its holder opens it",
                      "/participant");
  }
  // Check-in stays open while the session is paused: people come back from the break.
  if (auto e = require_phase(ctx.state, {Phase::check_in, Phase::in_session, Phase::paused})) return *e;
  if (ctx.state.checked_in.contains(who)) return make_error(ErrorCode::conflict, "already checked in");
  return ctx.one(ParticipantCheckedIn{who, ctx.state.phase != Phase::check_in});
}

Decision decide_command(const Context& ctx, const StartSession&) {
  if (auto e = require_phase(ctx.state, {Phase::check_in})) return *e;
  if (!ctx.state.quorum_met()) {
    const std::int64_t present = ctx.state.present_voters();
    const std::int64_t expected = ctx.state.expected_voters();
    return make_error(ErrorCode::no_quorum,
                      std::to_string(present) + " of " + std::to_string(expected) +
                          " expected voters are present; the quorum is not met",
                      {{"present", present}, {"expected", expected}, {"needed", ctx.state.quorum_needed()}});
  }
  return ctx.one(SessionStarted{});
}

Decision decide_command(const Context& ctx, const PauseSession&) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  return ctx.one(SessionPaused{});
}

Decision decide_command(const Context& ctx, const ResumeSession&) {
  if (ctx.state.phase != Phase::paused)
    return make_error(ErrorCode::wrong_stage, "the session is not paused");
  return ctx.one(SessionResumed{});
}

Decision decide_command(const Context& ctx, const Adjourn&) {
  if (auto e = require_phase(ctx.state, {Phase::in_session, Phase::paused})) return *e;
  // An open ballot would be left without a close, and its voters without an answer.
  for (const auto& [id, ballot] : ctx.state.ballots) {
    if (ballot.status == BallotStatus::open) {
      return make_error(ErrorCode::conflict, "ballot " + id + " is still open; close or void it first");
    }
  }
  return ctx.one(HearingAdjourned{});
}

Decision decide_command(const Context& ctx, const RevokeToken& cmd) {
  if (ctx.state.participant(cmd.participant) == nullptr) {
    return make_error(ErrorCode::not_found, "no participant '" + cmd.participant + "'", "/participant");
  }
  if (cmd.participant == ctx.actor.id) {
    return make_error(ErrorCode::invalid, "the chair cannot revoke its own token", "/participant");
  }
  return ctx.one(TokenRevoked{cmd.participant});
}

}  // namespace dais::core
