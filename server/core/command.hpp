#pragma once
// Commands: what an actor asks the hearing to do. Each is checked against the state and the actor's roles
// (engine.hpp) and either yields events or a typed Error. Wire names are the snake_case struct names.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/state.hpp"

namespace dais::core {

// Lifecycle (chair)
struct OpenCheckIn {};
struct CheckIn {
  std::optional<ParticipantId> participant;
};  // self, or someone else at the desk (secretary/chair)
struct StartSession {};
struct PauseSession {};
struct ResumeSession {};
struct Adjourn {};

// Agenda (chair)
struct CallSlot {
  SlotId slot;
};  // make a slot current: the next one, or a return to an earlier one
struct BeginStage {
  SlotId slot;
  Stage stage;
};  // forward only: reporting, questioning, evaluating, done
struct SkipSlot {
  SlotId slot;
};
struct ReorderAgenda {
  std::vector<SlotId> order;
};  // a permutation of the slots
struct InsertSlot {
  SlotDef slot;
  std::int64_t position = 0;
};
struct PauseTimer {
  SlotId slot;
  TimerKind timer;
};
struct ResumeTimer {
  SlotId slot;
  TimerKind timer;
};
struct ExtendTimer {
  SlotId slot;
  TimerKind timer;
  std::int64_t seconds = 0;
};

// Inquiries (质询)
struct SubmitInquiry {
  SlotId slot;
  std::string text;
  std::optional<InquiryId> parent;
};  // questioner; chair for follow-ups
struct WithdrawInquiry {
  InquiryId inquiry;
};  // its author, before it is asked
struct ApproveInquiry {
  InquiryId inquiry;
};  // chair
struct RejectInquiry {
  InquiryId inquiry;
  std::string reason;
};  // chair
struct OrderInquiries {
  SlotId slot;
  std::vector<InquiryId> order;
};  // chair: the approved queue
struct AskInquiry {
  InquiryId inquiry;
};  // chair: at most one at a time
struct AnswerInquiry {
  InquiryId inquiry;
  std::string summary;
};  // secretary or chair
struct RecordCommitment {
  InquiryId inquiry;
  std::string text;
  std::string due;
};  // secretary or chair
struct UpvoteInquiry {
  InquiryId inquiry;
};  // questioner, others' inquiries, once each

// Ballots (民主评议)
struct CreateBallot {
  TemplateId template_id;
  std::optional<SlotId> slot;
};  // slot for per-presenter ballots
struct OpenBallot {
  BallotId ballot;
};
struct CloseBallot {
  BallotId ballot;
};
struct PublishBallot {
  BallotId ballot;
};
struct VoidBallot {
  BallotId ballot;
  std::string reason;
};  // voids and creates the rerun ballot
struct CastSheet {
  BallotId ballot;
  Marks marks;
  ReceiptHash receipt_hash;
  // Hash of the voter and the device's change key (never shown, unlike the receipt); needed to cast or change
  // a sheet of a changeable anonymous ballot. The core never sees the key.
  std::optional<std::string> change_tag = std::nullopt;
};  // voter

// Paper sheets (纸质票), anonymous ballots only (chair or secretary). The desk hands a present, eligible
// voter who has not voted a paper sheet; after collection staff number the sheets 1..handed out and each
// sheet is entered twice, by two different staff members, and counted when the two entries agree.
struct HandOutPaperSheet {
  BallotId ballot;
  ParticipantId participant;
};
struct EnterPaperSheet {
  BallotId ballot;
  std::int64_t sheet = 0;
  Marks marks;
  // A fresh random receipt's hash from the server (net layer), the box key should this entry count the sheet.
  ReceiptHash receipt_hash;
  // The voter group the sheet is printed for (its colour), exactly when the ballot's rule weights groups.
  std::optional<GroupId> group = std::nullopt;
};

// Reminds the voters present and eligible who have not yet submitted an open ballot's sheet (chair).
struct RemindVoters {
  BallotId ballot;
};

// The hall's big screen (chair)
struct SetDisplay {
  DisplayMode mode = DisplayMode::automatic;
  std::optional<std::string> message;  // the text of the message mode
};

// Access (chair)
struct RevokeToken {
  ParticipantId participant;
};

using Command =
    std::variant<OpenCheckIn, CheckIn, StartSession, PauseSession, ResumeSession, Adjourn, CallSlot,
                 BeginStage, SkipSlot, ReorderAgenda, InsertSlot, PauseTimer, ResumeTimer, ExtendTimer,
                 SubmitInquiry, WithdrawInquiry, ApproveInquiry, RejectInquiry, OrderInquiries, AskInquiry,
                 AnswerInquiry, RecordCommitment, UpvoteInquiry, CreateBallot, OpenBallot, CloseBallot,
                 PublishBallot, VoidBallot, CastSheet, RevokeToken, SetDisplay, RemindVoters,
                 HandOutPaperSheet, EnterPaperSheet>;

std::string_view command_name(const Command& cmd);  // "submit_inquiry", …
std::vector<std::string_view> all_command_names();

// Wire form: {"type": "<name>", ...fields}. Unknown type or bad fields give an `invalid` error naming the
// field.
Result<Command> command_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Command& cmd);

}  // namespace dais::core
