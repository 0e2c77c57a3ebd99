#pragma once
// Internal to the engine: what every decision needs, and one decide_command overload per command. The
// overloads live by area in decide_lifecycle.cpp, decide_agenda.cpp, decide_inquiries.cpp,
// decide_ballots.cpp; engine.cpp checks the role matrix and dispatches to them.
#include <string>
#include <vector>

#include "core/engine.hpp"

namespace dais::core {

using Events = std::vector<Event>;
using Decision = Result<Events>;

struct Context {
  const HearingState& state;
  const Participant& actor;
  TimeMs now;

  Events one(EventBody body) const { return Events{Event{now, std::move(body)}}; }
  Event event(EventBody body) const { return Event{now, std::move(body)}; }
};

// A slot as it enters the agenda: waiting, with its timers' limits from the definition.
Slot make_slot(const SlotDef& def);

// Shared checks. Each returns the error to give, or nothing when the check passes.
std::optional<Error> require_phase(const HearingState& state, std::initializer_list<Phase> phases);
// Trimmed text of 1..max_chars characters (UTF-8 code points); `field` names it in the error.
std::optional<Error> check_text(const std::string& text, std::size_t max_chars, const std::string& field,
                                bool may_be_empty = false);
std::string trim(const std::string& text);
bool is_permutation_of(const std::vector<std::string>& order, const std::vector<std::string>& items);
// "presenter", "remark" or "break", as the definition and the wire name it.
std::string slot_kind_name(SlotKind kind);
// Inquiries and per-presenter ballots concern a presenter; a remark or a break has none to question or grade.
// `field` names the slot in the error, `refused` says what the item does not take ("takes no inquiries").
std::optional<Error> require_presenter_slot(const SlotDef& def, const std::string& field,
                                            const std::string& refused);

// Lifecycle
Decision decide_command(const Context& ctx, const OpenCheckIn& cmd);
Decision decide_command(const Context& ctx, const CheckIn& cmd);
Decision decide_command(const Context& ctx, const StartSession& cmd);
Decision decide_command(const Context& ctx, const PauseSession& cmd);
Decision decide_command(const Context& ctx, const ResumeSession& cmd);
Decision decide_command(const Context& ctx, const Adjourn& cmd);
Decision decide_command(const Context& ctx, const RevokeToken& cmd);

// Agenda
Decision decide_command(const Context& ctx, const CallSlot& cmd);
Decision decide_command(const Context& ctx, const BeginStage& cmd);
Decision decide_command(const Context& ctx, const SkipSlot& cmd);
Decision decide_command(const Context& ctx, const ReorderAgenda& cmd);
Decision decide_command(const Context& ctx, const InsertSlot& cmd);
Decision decide_command(const Context& ctx, const PauseTimer& cmd);
Decision decide_command(const Context& ctx, const ResumeTimer& cmd);
Decision decide_command(const Context& ctx, const ExtendTimer& cmd);

// Inquiries
Decision decide_command(const Context& ctx, const SubmitInquiry& cmd);
Decision decide_command(const Context& ctx, const WithdrawInquiry& cmd);
Decision decide_command(const Context& ctx, const ApproveInquiry& cmd);
Decision decide_command(const Context& ctx, const RejectInquiry& cmd);
Decision decide_command(const Context& ctx, const OrderInquiries& cmd);
Decision decide_command(const Context& ctx, const AskInquiry& cmd);
Decision decide_command(const Context& ctx, const AnswerInquiry& cmd);
Decision decide_command(const Context& ctx, const RecordCommitment& cmd);
Decision decide_command(const Context& ctx, const UpvoteInquiry& cmd);

// Ballots
Decision decide_command(const Context& ctx, const CreateBallot& cmd);
Decision decide_command(const Context& ctx, const OpenBallot& cmd);
Decision decide_command(const Context& ctx, const CloseBallot& cmd);
Decision decide_command(const Context& ctx, const PublishBallot& cmd);
Decision decide_command(const Context& ctx, const VoidBallot& cmd);
Decision decide_command(const Context& ctx, const CastSheet& cmd);
Decision decide_command(const Context& ctx, const RemindVoters& cmd);
Decision decide_command(const Context& ctx, const HandOutPaperSheet& cmd);
Decision decide_command(const Context& ctx, const EnterPaperSheet& cmd);

// The hall's big screen
Decision decide_command(const Context& ctx, const SetDisplay& cmd);

}  // namespace dais::core
