#pragma once
// Events: the facts a hearing is made of. Applying them in order to make_hearing(def) rebuilds the state
// exactly (engine.hpp). Every event except an anonymous SheetStored goes into the tamper-evident log.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/state.hpp"

namespace dais::core {

struct CheckInOpened {};
struct ParticipantCheckedIn {
  ParticipantId participant;
  bool late = false;
};
struct SessionStarted {};
struct SessionPaused {};
struct SessionResumed {};
struct HearingAdjourned {};

struct SlotCalled {
  SlotId slot;
};
struct StageChanged {
  SlotId slot;
  Stage stage;
};  // timers start and stop at the event's time
struct SlotSkipped {
  SlotId slot;
};
struct AgendaReordered {
  std::vector<SlotId> order;
};
struct SlotInserted {
  SlotDef slot;
  std::int64_t position = 0;
};
struct TimerPaused {
  SlotId slot;
  TimerKind timer;
};
struct TimerResumed {
  SlotId slot;
  TimerKind timer;
};
struct TimerExtended {
  SlotId slot;
  TimerKind timer;
  std::int64_t by_ms = 0;
};

struct InquirySubmitted {
  Inquiry inquiry;
};
struct InquiryWithdrawn {
  InquiryId inquiry;
};
struct InquiryApproved {
  InquiryId inquiry;
};
struct InquiryRejected {
  InquiryId inquiry;
  std::string reason;
};
struct QueueReordered {
  SlotId slot;
  std::vector<InquiryId> order;
};
struct InquiryAsked {
  InquiryId inquiry;
};
struct InquiryAnswered {
  InquiryId inquiry;
  std::string summary;
};
struct CommitmentRecorded {
  InquiryId inquiry;
  Commitment commitment;
};
struct InquiryUpvoted {
  InquiryId inquiry;
  ParticipantId by;
};

struct BallotCreated {
  BallotId ballot;
  TemplateId template_id;
  std::vector<SlotId> slots;
  std::optional<BallotId> rerun_of;
};
struct BallotOpened {
  BallotId ballot;
  std::int64_t eligible = 0;
};
// Who took part. For anonymous ballots this is all the log ever says about a sheet.
struct SheetRecorded {
  BallotId ballot;
  ParticipantId voter;
  bool changed = false;
};
// What was marked. Anonymous: no voter, keyed by receipt hash, goes to the ballot box only (never the log).
// Named: carries the voter and is logged.
struct SheetStored {
  BallotId ballot;
  std::optional<ParticipantId> voter;
  ReceiptHash receipt_hash;
  BoxEntry entry;
};
// The live tally views may show moved: an anonymous ballot's to the count one step of k new sheets ago,
// summed over groups; at close, to the exact count.
struct LiveTallyRefreshed {
  BallotId ballot;
  Tally tally;
};
// An anonymous ballot passed a step of k new sheets: its exact count then, held back until the next step.
// Secret, like a sheet's contents: kept beside the ballot box, never in the log, no time.
struct LiveTallyHeld {
  BallotId ballot;
  Tally tally;
};
// A voter without a tablet took a paper sheet at the desk: who took part, like SheetRecorded (they can no
// longer vote on a tablet). Nothing here or later ties them to a sheet number or marks.
struct PaperSheetHandedOut {
  BallotId ballot;
  ParticipantId voter;
};
// A staff member entered the paper sheet numbered `sheet` (who and when, never what: the marks go in a
// PaperEntryStored beside the box).
struct PaperSheetEntered {
  BallotId ballot;
  std::int64_t sheet = 0;
  ParticipantId by;
};
// The marks of one entry while the sheet waits for a matching entry by another staff member. Secret.
struct PaperEntryStored {
  BallotId ballot;
  PaperEntry entry;
};
// Two entries by different staff agreed: the sheet went into the box (an anonymous SheetStored beside it).
struct PaperSheetCounted {
  BallotId ballot;
  std::int64_t sheet = 0;
};
struct BallotClosed {
  BallotId ballot;
};
struct BallotPublished {
  BallotId ballot;
};
// The chair reminded these voters (present, eligible, not yet submitted) to submit their sheet.
struct VotersReminded {
  BallotId ballot;
  std::vector<ParticipantId> voters;
};
struct BallotVoided {
  BallotId ballot;
  std::string reason;
};

struct TokenRevoked {
  ParticipantId participant;
};

struct DisplaySet {
  DisplayMode mode = DisplayMode::automatic;
  std::string message;
};

using EventBody =
    std::variant<CheckInOpened, ParticipantCheckedIn, SessionStarted, SessionPaused, SessionResumed,
                 HearingAdjourned, SlotCalled, StageChanged, SlotSkipped, AgendaReordered, SlotInserted,
                 TimerPaused, TimerResumed, TimerExtended, InquirySubmitted, InquiryWithdrawn,
                 InquiryApproved, InquiryRejected, QueueReordered, InquiryAsked, InquiryAnswered,
                 CommitmentRecorded, InquiryUpvoted, BallotCreated, BallotOpened, SheetRecorded, SheetStored,
                 LiveTallyRefreshed, BallotClosed, BallotPublished, BallotVoided, TokenRevoked, LiveTallyHeld,
                 DisplaySet, VotersReminded, PaperSheetHandedOut, PaperSheetEntered, PaperEntryStored,
                 PaperSheetCounted>;

struct Event {
  TimeMs at = 0;  // from the command that caused it
  EventBody body;
};

std::string_view event_name(const EventBody& body);  // "inquiry_submitted", …

// True for the contents of an anonymous sheet, a paper sheet's entry and a held count: stored beside the
// ballot box, never in the event log, and never carrying a time or a voter.
bool is_secret(const Event& e);

// {"type": "<name>", "at": ms, ...fields}; a secret event serialises without "at".
nlohmann::json to_json(const Event& e);
Result<Event> event_from_json(const nlohmann::json& j);

}  // namespace dais::core
