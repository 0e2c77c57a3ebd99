// decide(): the role matrix first, then the command's own rules (decide_*.cpp). execute() = decide + apply.
#include "core/engine.hpp"

#include <algorithm>

#include "core/decide.hpp"

namespace dais::core {
namespace {

// The role matrix: who may issue what at all. Rules that depend on the state (whose inquiry it is, whether a
// voter is eligible) are checked by the command's decision.
struct RoleMatrix {
  const RoleSet& r;

  bool chair() const { return r.has(Role::chair); }
  bool chair_or_secretary() const { return r.has(Role::chair) || r.has(Role::secretary); }

  bool operator()(const OpenCheckIn&) const { return chair(); }
  // Anybody checks themselves in; checking in someone else is the desk's work.
  bool operator()(const CheckIn& c) const { return !c.participant || chair_or_secretary(); }
  bool operator()(const StartSession&) const { return chair(); }
  bool operator()(const PauseSession&) const { return chair(); }
  bool operator()(const ResumeSession&) const { return chair(); }
  bool operator()(const Adjourn&) const { return chair(); }

  bool operator()(const CallSlot&) const { return chair(); }
  bool operator()(const BeginStage&) const { return chair(); }
  bool operator()(const SkipSlot&) const { return chair(); }
  bool operator()(const ReorderAgenda&) const { return chair(); }
  bool operator()(const InsertSlot&) const { return chair(); }
  bool operator()(const PauseTimer&) const { return chair(); }
  bool operator()(const ResumeTimer&) const { return chair(); }
  bool operator()(const ExtendTimer&) const { return chair(); }

  // The chair may follow up (追问) but does not submit questions of its own.
  bool operator()(const SubmitInquiry& c) const {
    return r.has(Role::questioner) || (chair() && c.parent.has_value());
  }
  bool operator()(const WithdrawInquiry&) const { return r.has(Role::questioner); }
  bool operator()(const ApproveInquiry&) const { return chair(); }
  bool operator()(const RejectInquiry&) const { return chair(); }
  bool operator()(const OrderInquiries&) const { return chair(); }
  bool operator()(const AskInquiry&) const { return chair(); }
  bool operator()(const AnswerInquiry&) const { return chair_or_secretary(); }
  bool operator()(const RecordCommitment&) const { return chair_or_secretary(); }
  bool operator()(const UpvoteInquiry&) const { return r.has(Role::questioner); }

  bool operator()(const CreateBallot&) const { return chair(); }
  bool operator()(const OpenBallot&) const { return chair(); }
  bool operator()(const CloseBallot&) const { return chair(); }
  bool operator()(const PublishBallot&) const { return chair(); }
  bool operator()(const VoidBallot&) const { return chair(); }
  bool operator()(const CastSheet&) const { return r.has(Role::voter); }
  // Only the chair sees who has submitted, so only the chair reminds those who have not.
  bool operator()(const RemindVoters&) const { return chair(); }
  // The desk hands out paper sheets and staff enter them; neither needs to see who voted what.
  bool operator()(const HandOutPaperSheet&) const { return chair_or_secretary(); }
  bool operator()(const EnterPaperSheet&) const { return chair_or_secretary(); }

  bool operator()(const RevokeToken&) const { return chair(); }
  // What the hall sees is the chair's call, as announcing results is.
  bool operator()(const SetDisplay&) const { return chair(); }
};

// Checking oneself in by naming oneself is the same as checking in with no name.
Command normalise(const Command& cmd, const ParticipantId& actor) {
  if (const auto* c = std::get_if<CheckIn>(&cmd); c != nullptr && c->participant == actor) return CheckIn{};
  return cmd;
}

}  // namespace

bool role_permits(const RoleSet& roles, const Command& cmd) {
  return std::visit(RoleMatrix{roles}, cmd);
}

Result<std::vector<Event>> decide(const HearingState& state, const ParticipantId& actor, const Command& cmd,
                                  TimeMs now) {
  const Participant* who = state.participant(actor);
  if (who == nullptr) return make_error(ErrorCode::not_allowed, "unknown participant");
  const Command command = normalise(cmd, actor);
  if (!role_permits(who->roles, command)) {
    const std::string name(command_name(command));
    return make_error(ErrorCode::not_allowed, "your roles do not permit " + name, {{"command", name}});
  }
  const Context ctx{state, *who, now};
  return std::visit([&](const auto& c) { return decide_command(ctx, c); }, command);
}

Result<std::vector<Event>> execute(HearingState& state, const ParticipantId& actor, const Command& cmd,
                                   TimeMs now) {
  auto events = decide(state, actor, cmd, now);
  if (!events) return events;
  for (const Event& e : *events) apply(state, e);
  return events;
}

// ---- checks shared by the decisions
// -------------------------------------------------------------------------

std::optional<Error> require_phase(const HearingState& state, std::initializer_list<Phase> phases) {
  if (std::find(phases.begin(), phases.end(), state.phase) != phases.end()) return std::nullopt;
  static constexpr const char* kWhy[] = {"the hearing has not opened check-in yet",
                                         "the session has not started", "the session is in progress",
                                         "the session is paused", "the hearing is adjourned"};
  return make_error(ErrorCode::wrong_stage, kWhy[static_cast<std::size_t>(state.phase)]);
}

std::string trim(const std::string& text) {
  // ASCII white space and the ideographic space U+3000 that Chinese input methods type.
  static constexpr std::string_view kSpaces[] = {" ", "\t", "\n", "\r", "\xE3\x80\x80"};
  std::string_view t = text;
  const auto strip = [&](bool front) {
    for (std::string_view space : kSpaces) {
      if (front ? t.starts_with(space) : t.ends_with(space)) {
        front ? t.remove_prefix(space.size()) : t.remove_suffix(space.size());
        return true;
      }
    }
    return false;
  };
  while (strip(true)) {
  }
  while (strip(false)) {
  }
  return std::string(t);
}

std::optional<Error> check_text(const std::string& text, std::size_t max_chars, const std::string& field,
                                bool may_be_empty) {
  const std::string trimmed = trim(text);
  if (trimmed.empty() && !may_be_empty) return make_error(ErrorCode::invalid, "must not be empty", field);
  // Characters are UTF-8 code points: count every byte that does not continue a sequence.
  const auto chars = static_cast<std::size_t>(std::count_if(trimmed.begin(), trimmed.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0u) != 0x80u;
  }));
  if (chars > max_chars) {
    return make_error(ErrorCode::invalid, "at most " + std::to_string(max_chars) + " characters", field);
  }
  return std::nullopt;
}

bool is_permutation_of(const std::vector<std::string>& order, const std::vector<std::string>& items) {
  return order.size() == items.size() && std::is_permutation(order.begin(), order.end(), items.begin());
}

}  // namespace dais::core
