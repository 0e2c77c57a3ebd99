// Commands on the wire: {"type": "<snake_case name>", ...fields named as the struct members}.
#include <nlohmann/json.hpp>

#include "core/command.hpp"
#include "core/wire.hpp"

namespace dais::core {
namespace wire {

constexpr auto describe(Tag<OpenCheckIn>) {
  return std::tuple{};
}
constexpr auto describe(Tag<CheckIn>) {
  return std::tuple{field("participant", &CheckIn::participant)};
}
constexpr auto describe(Tag<StartSession>) {
  return std::tuple{};
}
constexpr auto describe(Tag<PauseSession>) {
  return std::tuple{};
}
constexpr auto describe(Tag<ResumeSession>) {
  return std::tuple{};
}
constexpr auto describe(Tag<Adjourn>) {
  return std::tuple{};
}

constexpr auto describe(Tag<CallSlot>) {
  return std::tuple{field("slot", &CallSlot::slot)};
}
constexpr auto describe(Tag<BeginStage>) {
  return std::tuple{field("slot", &BeginStage::slot), field("stage", &BeginStage::stage)};
}
constexpr auto describe(Tag<SkipSlot>) {
  return std::tuple{field("slot", &SkipSlot::slot)};
}
constexpr auto describe(Tag<ReorderAgenda>) {
  return std::tuple{field("order", &ReorderAgenda::order)};
}
constexpr auto describe(Tag<InsertSlot>) {
  return std::tuple{field("slot", &InsertSlot::slot), field("position", &InsertSlot::position)};
}
constexpr auto describe(Tag<PauseTimer>) {
  return std::tuple{field("slot", &PauseTimer::slot), field("timer", &PauseTimer::timer)};
}
constexpr auto describe(Tag<ResumeTimer>) {
  return std::tuple{field("slot", &ResumeTimer::slot), field("timer", &ResumeTimer::timer)};
}
constexpr auto describe(Tag<ExtendTimer>) {
  return std::tuple{field("slot", &ExtendTimer::slot), field("timer", &ExtendTimer::timer),
                    field("seconds", &ExtendTimer::seconds)};
}

constexpr auto describe(Tag<SubmitInquiry>) {
  return std::tuple{field("slot", &SubmitInquiry::slot), field("text", &SubmitInquiry::text),
                    field("parent", &SubmitInquiry::parent)};
}
constexpr auto describe(Tag<WithdrawInquiry>) {
  return std::tuple{field("inquiry", &WithdrawInquiry::inquiry)};
}
constexpr auto describe(Tag<ApproveInquiry>) {
  return std::tuple{field("inquiry", &ApproveInquiry::inquiry)};
}
constexpr auto describe(Tag<RejectInquiry>) {
  return std::tuple{field("inquiry", &RejectInquiry::inquiry), field("reason", &RejectInquiry::reason)};
}
constexpr auto describe(Tag<OrderInquiries>) {
  return std::tuple{field("slot", &OrderInquiries::slot), field("order", &OrderInquiries::order)};
}
constexpr auto describe(Tag<AskInquiry>) {
  return std::tuple{field("inquiry", &AskInquiry::inquiry)};
}
constexpr auto describe(Tag<AnswerInquiry>) {
  return std::tuple{field("inquiry", &AnswerInquiry::inquiry), field("summary", &AnswerInquiry::summary)};
}
constexpr auto describe(Tag<RecordCommitment>) {
  return std::tuple{field("inquiry", &RecordCommitment::inquiry), field("text", &RecordCommitment::text),
                    field("due", &RecordCommitment::due)};
}
constexpr auto describe(Tag<UpvoteInquiry>) {
  return std::tuple{field("inquiry", &UpvoteInquiry::inquiry)};
}

constexpr auto describe(Tag<CreateBallot>) {
  return std::tuple{field("template_id", &CreateBallot::template_id), field("slot", &CreateBallot::slot)};
}
constexpr auto describe(Tag<OpenBallot>) {
  return std::tuple{field("ballot", &OpenBallot::ballot)};
}
constexpr auto describe(Tag<CloseBallot>) {
  return std::tuple{field("ballot", &CloseBallot::ballot)};
}
constexpr auto describe(Tag<PublishBallot>) {
  return std::tuple{field("ballot", &PublishBallot::ballot)};
}
constexpr auto describe(Tag<VoidBallot>) {
  return std::tuple{field("ballot", &VoidBallot::ballot), field("reason", &VoidBallot::reason)};
}
constexpr auto describe(Tag<CastSheet>) {
  return std::tuple{field("ballot", &CastSheet::ballot), field("marks", &CastSheet::marks),
                    field("receipt_hash", &CastSheet::receipt_hash),
                    field("change_tag", &CastSheet::change_tag)};
}

constexpr auto describe(Tag<RemindVoters>) {
  return std::tuple{field("ballot", &RemindVoters::ballot)};
}

constexpr auto describe(Tag<HandOutPaperSheet>) {
  return std::tuple{field("ballot", &HandOutPaperSheet::ballot),
                    field("participant", &HandOutPaperSheet::participant)};
}
constexpr auto describe(Tag<EnterPaperSheet>) {
  return std::tuple{field("ballot", &EnterPaperSheet::ballot), field("sheet", &EnterPaperSheet::sheet),
                    field("marks", &EnterPaperSheet::marks),
                    field("receipt_hash", &EnterPaperSheet::receipt_hash),
                    field("group", &EnterPaperSheet::group)};
}

constexpr auto describe(Tag<RevokeToken>) {
  return std::tuple{field("participant", &RevokeToken::participant)};
}

constexpr auto describe(Tag<SetDisplay>) {
  return std::tuple{field("mode", &SetDisplay::mode), field("message", &SetDisplay::message)};
}

}  // namespace wire

namespace {

// In the order of the Command variant.
constexpr std::string_view kCommandNames[] = {
    "open_check_in",    "check_in",          "start_session",        "pause_session",    "resume_session",
    "adjourn",          "call_slot",         "begin_stage",          "skip_slot",        "reorder_agenda",
    "insert_slot",      "pause_timer",       "resume_timer",         "extend_timer",     "submit_inquiry",
    "withdraw_inquiry", "approve_inquiry",   "reject_inquiry",       "order_inquiries",  "ask_inquiry",
    "answer_inquiry",   "record_commitment", "upvote_inquiry",       "create_ballot",    "open_ballot",
    "close_ballot",     "publish_ballot",    "void_ballot",          "cast_sheet",       "revoke_token",
    "set_display",      "remind_voters",     "hand_out_paper_sheet", "enter_paper_sheet"};
static_assert(std::size(kCommandNames) == std::variant_size_v<Command>);

}  // namespace

std::string_view command_name(const Command& cmd) {
  return kCommandNames[cmd.index()];
}

std::vector<std::string_view> all_command_names() {
  return {std::begin(kCommandNames), std::end(kCommandNames)};
}

Result<Command> command_from_json(const nlohmann::json& j) {
  return wire::read_variant<Command>(j, kCommandNames);
}

nlohmann::json to_json(const Command& cmd) {
  return wire::write_variant(cmd, kCommandNames);
}

}  // namespace dais::core
