// Events on the wire and in the log: {"type": "<snake_case name>", "at": ms, ...fields named as the members}.
// The contents of an anonymous sheet carry no time, so nothing links them to the SheetRecorded beside them.
#include <nlohmann/json.hpp>

#include "core/event.hpp"
#include "core/wire.hpp"

namespace dais::core {
namespace wire {

constexpr auto describe(Tag<CheckInOpened>) {
  return std::tuple{};
}
constexpr auto describe(Tag<ParticipantCheckedIn>) {
  return std::tuple{field("participant", &ParticipantCheckedIn::participant),
                    field("late", &ParticipantCheckedIn::late)};
}
constexpr auto describe(Tag<SessionStarted>) {
  return std::tuple{};
}
constexpr auto describe(Tag<SessionPaused>) {
  return std::tuple{};
}
constexpr auto describe(Tag<SessionResumed>) {
  return std::tuple{};
}
constexpr auto describe(Tag<HearingAdjourned>) {
  return std::tuple{};
}

constexpr auto describe(Tag<SlotCalled>) {
  return std::tuple{field("slot", &SlotCalled::slot)};
}
constexpr auto describe(Tag<StageChanged>) {
  return std::tuple{field("slot", &StageChanged::slot), field("stage", &StageChanged::stage)};
}
constexpr auto describe(Tag<SlotSkipped>) {
  return std::tuple{field("slot", &SlotSkipped::slot)};
}
constexpr auto describe(Tag<AgendaReordered>) {
  return std::tuple{field("order", &AgendaReordered::order)};
}
constexpr auto describe(Tag<SlotInserted>) {
  return std::tuple{field("slot", &SlotInserted::slot), field("position", &SlotInserted::position)};
}
constexpr auto describe(Tag<TimerPaused>) {
  return std::tuple{field("slot", &TimerPaused::slot), field("timer", &TimerPaused::timer)};
}
constexpr auto describe(Tag<TimerResumed>) {
  return std::tuple{field("slot", &TimerResumed::slot), field("timer", &TimerResumed::timer)};
}
constexpr auto describe(Tag<TimerExtended>) {
  return std::tuple{field("slot", &TimerExtended::slot), field("timer", &TimerExtended::timer),
                    field("by_ms", &TimerExtended::by_ms)};
}

constexpr auto describe(Tag<InquirySubmitted>) {
  return std::tuple{field("inquiry", &InquirySubmitted::inquiry)};
}
constexpr auto describe(Tag<InquiryWithdrawn>) {
  return std::tuple{field("inquiry", &InquiryWithdrawn::inquiry)};
}
constexpr auto describe(Tag<InquiryApproved>) {
  return std::tuple{field("inquiry", &InquiryApproved::inquiry)};
}
constexpr auto describe(Tag<InquiryRejected>) {
  return std::tuple{field("inquiry", &InquiryRejected::inquiry), field("reason", &InquiryRejected::reason)};
}
constexpr auto describe(Tag<QueueReordered>) {
  return std::tuple{field("slot", &QueueReordered::slot), field("order", &QueueReordered::order)};
}
constexpr auto describe(Tag<InquiryAsked>) {
  return std::tuple{field("inquiry", &InquiryAsked::inquiry)};
}
constexpr auto describe(Tag<InquiryAnswered>) {
  return std::tuple{field("inquiry", &InquiryAnswered::inquiry), field("summary", &InquiryAnswered::summary)};
}
constexpr auto describe(Tag<CommitmentRecorded>) {
  return std::tuple{field("inquiry", &CommitmentRecorded::inquiry),
                    field("commitment", &CommitmentRecorded::commitment)};
}
constexpr auto describe(Tag<InquiryUpvoted>) {
  return std::tuple{field("inquiry", &InquiryUpvoted::inquiry), field("by", &InquiryUpvoted::by)};
}

constexpr auto describe(Tag<BallotCreated>) {
  return std::tuple{field("ballot", &BallotCreated::ballot),
                    field("template_id", &BallotCreated::template_id), field("slots", &BallotCreated::slots),
                    field("rerun_of", &BallotCreated::rerun_of)};
}
constexpr auto describe(Tag<BallotOpened>) {
  return std::tuple{field("ballot", &BallotOpened::ballot), field("eligible", &BallotOpened::eligible)};
}
constexpr auto describe(Tag<SheetRecorded>) {
  return std::tuple{field("ballot", &SheetRecorded::ballot), field("voter", &SheetRecorded::voter),
                    field("changed", &SheetRecorded::changed)};
}
constexpr auto describe(Tag<SheetStored>) {
  return std::tuple{field("ballot", &SheetStored::ballot), field("voter", &SheetStored::voter),
                    field("receipt_hash", &SheetStored::receipt_hash), field("entry", &SheetStored::entry)};
}
constexpr auto describe(Tag<LiveTallyRefreshed>) {
  return std::tuple{field("ballot", &LiveTallyRefreshed::ballot), field("tally", &LiveTallyRefreshed::tally)};
}
constexpr auto describe(Tag<LiveTallyHeld>) {
  return std::tuple{field("ballot", &LiveTallyHeld::ballot), field("tally", &LiveTallyHeld::tally)};
}
constexpr auto describe(Tag<BallotClosed>) {
  return std::tuple{field("ballot", &BallotClosed::ballot)};
}
constexpr auto describe(Tag<BallotPublished>) {
  return std::tuple{field("ballot", &BallotPublished::ballot)};
}
constexpr auto describe(Tag<BallotVoided>) {
  return std::tuple{field("ballot", &BallotVoided::ballot), field("reason", &BallotVoided::reason)};
}

constexpr auto describe(Tag<VotersReminded>) {
  return std::tuple{field("ballot", &VotersReminded::ballot), field("voters", &VotersReminded::voters)};
}

constexpr auto describe(Tag<PaperSheetHandedOut>) {
  return std::tuple{field("ballot", &PaperSheetHandedOut::ballot),
                    field("voter", &PaperSheetHandedOut::voter)};
}
constexpr auto describe(Tag<PaperSheetEntered>) {
  return std::tuple{field("ballot", &PaperSheetEntered::ballot), field("sheet", &PaperSheetEntered::sheet),
                    field("by", &PaperSheetEntered::by)};
}
constexpr auto describe(Tag<PaperEntryStored>) {
  return std::tuple{field("ballot", &PaperEntryStored::ballot), field("entry", &PaperEntryStored::entry)};
}
constexpr auto describe(Tag<PaperSheetCounted>) {
  return std::tuple{field("ballot", &PaperSheetCounted::ballot), field("sheet", &PaperSheetCounted::sheet)};
}

constexpr auto describe(Tag<TokenRevoked>) {
  return std::tuple{field("participant", &TokenRevoked::participant)};
}

constexpr auto describe(Tag<DisplaySet>) {
  return std::tuple{field("mode", &DisplaySet::mode), field("message", &DisplaySet::message)};
}

}  // namespace wire

namespace {

// In the order of the EventBody variant.
constexpr std::string_view kEventNames[] = {
    "check_in_opened",      "participant_checked_in", "session_started",
    "session_paused",       "session_resumed",        "hearing_adjourned",
    "slot_called",          "stage_changed",          "slot_skipped",
    "agenda_reordered",     "slot_inserted",          "timer_paused",
    "timer_resumed",        "timer_extended",         "inquiry_submitted",
    "inquiry_withdrawn",    "inquiry_approved",       "inquiry_rejected",
    "queue_reordered",      "inquiry_asked",          "inquiry_answered",
    "commitment_recorded",  "inquiry_upvoted",        "ballot_created",
    "ballot_opened",        "sheet_recorded",         "sheet_stored",
    "live_tally_refreshed", "ballot_closed",          "ballot_published",
    "ballot_voided",        "token_revoked",          "live_tally_held",
    "display_set",          "voters_reminded",        "paper_sheet_handed_out",
    "paper_sheet_entered",  "paper_entry_stored",     "paper_sheet_counted"};
static_assert(std::size(kEventNames) == std::variant_size_v<EventBody>);

bool is_secret_body(const EventBody& body) {
  if (std::holds_alternative<LiveTallyHeld>(body) || std::holds_alternative<PaperEntryStored>(body))
    return true;
  const auto* stored = std::get_if<SheetStored>(&body);
  return stored != nullptr && !stored->voter.has_value();
}

}  // namespace

std::string_view event_name(const EventBody& body) {
  return kEventNames[body.index()];
}

bool is_secret(const Event& e) {
  return is_secret_body(e.body);
}

nlohmann::json to_json(const Event& e) {
  nlohmann::json j = wire::write_variant(e.body, kEventNames);
  if (!is_secret(e)) j["at"] = e.at;
  return j;
}

Result<Event> event_from_json(const nlohmann::json& j) {
  auto body = wire::read_variant<EventBody>(j, kEventNames);
  if (!body) return body.error();
  Event e{0, std::move(body).value()};
  if (is_secret(e)) {
    if (j.contains("at")) return make_error(ErrorCode::invalid, "an anonymous sheet carries no time", "/at");
    return e;
  }
  wire::Reader reader;
  if (const auto at = j.find("at"); at != j.end()) {
    reader.read(*at, e.at, "/at");
  } else {
    reader.fail("/at", "missing field 'at'");
  }
  if (reader.failed()) return *reader.error();
  return e;
}

}  // namespace dais::core
