#pragma once
// The live state of one hearing. Plain data: commands read it, events change it (see engine.hpp).
// Ordered containers only, so that serialising the state is deterministic byte for byte.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/definition.hpp"

namespace dais::core {

using TimeMs = std::int64_t;  // milliseconds since the Unix epoch, always carried in by the caller
using InquiryId = std::string;
using BallotId = std::string;
using ReceiptHash = std::string;  // hex SHA-256 of the voter's secret receipt; the core never sees the secret

enum class Phase : std::uint8_t { draft, check_in, in_session, paused, adjourned };
enum class Stage : std::uint8_t { waiting, reporting, questioning, evaluating, done, skipped };

// A countdown that can be paused. Remaining time is derived from `now`, never stored.
struct Timer {
  std::int64_t limit_ms = 0;
  std::int64_t used_ms = 0;             // time run before `running_since`
  std::optional<TimeMs> running_since;  // set while running

  std::int64_t elapsed(TimeMs now) const;
  std::int64_t remaining(TimeMs now) const;  // negative once overrun
  std::int64_t overrun(TimeMs now) const;    // max(0, -remaining)
  bool running() const { return running_since.has_value(); }
  bool operator==(const Timer&) const = default;
};

enum class TimerKind : std::uint8_t { report, qa };

struct Slot {
  SlotDef def;
  Stage stage = Stage::waiting;
  Timer report;
  Timer qa;
  bool operator==(const Slot&) const = default;
};

enum class InquiryStatus : std::uint8_t { submitted, approved, rejected, asking, answered, withdrawn };

struct Commitment {
  std::string text;
  std::string due;  // ISO 8601 date
  bool operator==(const Commitment&) const = default;
};

struct Inquiry {
  InquiryId id;
  SlotId slot;
  ParticipantId author;
  std::string text;
  std::optional<InquiryId> parent;  // a follow-up (追问) hangs under its parent
  InquiryStatus status = InquiryStatus::submitted;
  std::string reject_reason;
  std::string answer_summary;
  std::vector<Commitment> commitments;
  std::set<ParticipantId> upvoters;
  TimeMs submitted_at = 0;
  bool operator==(const Inquiry&) const = default;
};

enum class BallotStatus : std::uint8_t { pending, open, closed, published, voided };

// One sheet's marks: slot → dimension → the grades marked. A section (slot × dimension) is valid when exactly
// one grade is marked; no mark or several marks make that section invalid, and the rest still counts.
using Marks = std::map<SlotId, std::map<DimensionId, std::vector<GradeId>>>;

// Counts for one section, by grade and by voter group.
struct SectionTally {
  std::map<GradeId, std::map<GroupId, std::int64_t>> marks;  // valid single marks (不了解 included)
  std::map<GroupId, std::int64_t> invalid;                   // no mark or too many
  bool operator==(const SectionTally&) const = default;
};

// slot → dimension → counts.
struct Tally {
  std::map<SlotId, std::map<DimensionId, SectionTally>> sections;
  std::int64_t sheets = 0;
  bool operator==(const Tally&) const = default;
};

// One box entry of an anonymous ballot: contents with no voter reference, found again only by receipt hash.
struct BoxEntry {
  GroupId group;  // the tally group, only where the ballot's rule weights groups (a limit for small groups)
  Marks marks;
  // Anonymous ballots that may be changed: the hash of the voter's id and the change key their device keeps
  // (never shown, unlike the receipt), so only the voter who cast a sheet can replace it. Gone at close.
  std::optional<std::string> change_tag = std::nullopt;
  bool operator==(const BoxEntry&) const = default;
};

// The hall as a ballot is reported against (docs/protocol.md, "Counts"): 应到, 实到 and 发出.
struct Roll {
  std::int64_t expected = 0;  // 应到: voters of the hearing
  std::int64_t present = 0;   // 实到: voters checked in
  std::int64_t issued = 0;    // 发出: voters eligible for the ballot and checked in, each handed a sheet
  bool operator==(const Roll&) const = default;
};

// One staff member's entry of a paper sheet (纸质票录入) not yet counted: what they read off the sheet they
// numbered. Secret like the box: kept beside it, never in the log, no time; gone once the sheet is counted
// and at close.
struct PaperEntry {
  std::int64_t sheet = 0;  // the number staff wrote on the sheet when they unfolded it, 1..handed out
  ParticipantId by;        // the chair or secretary who entered it
  Marks marks;             // as check_marks accepts them, each section's grades sorted
  GroupId group;           // the voter group the sheet is printed for, where the rule weights groups; else ""
  bool operator==(const PaperEntry&) const = default;
};

struct Ballot {
  BallotId id;
  TemplateId template_id;
  std::vector<SlotId> slots;  // one for a per-presenter ballot, all presenters for a combined sheet
  BallotStatus status = BallotStatus::pending;
  std::optional<BallotId> rerun_of;
  std::string void_reason;
  std::set<ParticipantId> voted;            // who took part (never what they chose, for anonymous)
  std::map<ParticipantId, BoxEntry> named;  // named ballots only: voter → sheet
  std::map<ReceiptHash, BoxEntry> box;      // anonymous ballots only: receipt hash → sheet
  Tally tally;                              // exact; shown for anonymous ballots only once closed
  Tally live;                               // the k-anonymous live tally that views may show
  // Anonymous ballots while open: the exact count at the last step of k new sheets, shown only one step later
  // (see decide_ballots.cpp). Secret like the box, kept beside it until the ballot closes.
  std::optional<Tally> held;
  std::int64_t eligible = 0;  // eligible voters when the ballot opened
  // The roll as it stood when the ballot closed: a voter checked in later was handed no sheet.
  std::optional<Roll> roll_at_close;
  // Voters the chair reminded to submit, and when (the newest reminder): only those present, eligible and
  // not yet submitted at the time.
  std::map<ParticipantId, TimeMs> reminded;
  // Paper sheets of an anonymous ballot: who took one at the desk (they are in `voted` too), the sheet
  // numbers counted (two matching entries by different staff), and the entries still waiting for a match.
  std::set<ParticipantId> paper_takers;
  std::set<std::int64_t> paper_counted;
  std::vector<PaperEntry> paper_entries;
  bool operator==(const Ballot&) const = default;
};

// What the hall's big screen shows: the chair's choice, like a projector's. `automatic` lets the screen
// follow the hearing (the presenter and timers, the question being asked, a live count, results as they
// come).
enum class DisplayMode : std::uint8_t {
  automatic,
  current,     // the current agenda item: who is speaking, the timer
  asking,      // the question being asked
  tally,       // the live count of the open ballot (or its turnout, where the count is not shown)
  results,     // the newest results the screen may show
  attendance,  // the sign-in wall: expected and present per group
  message,     // a message from the chair
  blank,
};

struct Display {
  DisplayMode mode = DisplayMode::automatic;
  std::string message;  // only with the message mode
  bool operator==(const Display&) const = default;
};

struct HearingState {
  HearingDefinition def;
  Phase phase = Phase::draft;
  std::vector<Slot> agenda;  // in agenda order; reordered and inserted by the chair
  std::optional<SlotId> current_slot;
  std::set<ParticipantId> checked_in;
  std::set<ParticipantId> revoked;  // participants whose join token the chair revoked
  std::map<InquiryId, Inquiry> inquiries;
  std::map<SlotId, std::vector<InquiryId>> queue;  // approved inquiries per slot, in the chair's order
  std::optional<InquiryId> asking;                 // at most one inquiry is being asked
  Display display;
  std::map<BallotId, Ballot> ballots;
  std::vector<BallotId> ballot_order;  // creation order
  std::int64_t next_inquiry = 1;       // ids are assigned deterministically: I1, I2, …
  std::int64_t next_ballot = 1;        // B1, B2, …
  std::int64_t event_count = 0;        // events applied so far (the log position)
  // Where each participant stands in def.participants. The definition is fixed for the hearing, and the vote
  // path looks the sender up several times per sheet: a hall holds thousands. Built by index_participants().
  std::unordered_map<ParticipantId, std::size_t> participant_at;

  const Slot* slot(const SlotId& id) const;
  Slot* slot(const SlotId& id);
  const Participant* participant(const ParticipantId& id) const;
  void index_participants();             // after setting `def`
  std::int64_t expected_voters() const;  // 应到
  std::int64_t present_voters() const;   // 实到
  std::int64_t quorum_needed() const;    // the fewest present voters that make the quorum
  bool quorum_met() const;
  bool operator==(const HearingState&) const = default;
};

// A fresh hearing in the draft phase, from its definition.
HearingState make_hearing(HearingDefinition def);

}  // namespace dais::core
