// The agenda: which item (presenter, remark or break) is current, the stages of a slot, the report and Q&A
// timers.
#include <algorithm>

#include "core/decide.hpp"
#include "core/wire.hpp"

namespace dais::core {
namespace {

constexpr std::int64_t kMaxExtendSeconds = 7200;  // one extension at the most; the chair may extend again
constexpr std::int64_t kMaxReportLimitS = std::int64_t{4} * 3600;  // for an inserted slot
constexpr std::size_t kMaxSlotTitleChars = 200;

// The agenda may be rearranged before the session and during it, not while paused or after adjournment.
std::optional<Error> require_agenda_editable(const HearingState& s) {
  return require_phase(s, {Phase::draft, Phase::check_in, Phase::in_session});
}

Result<const Slot*> find_slot(const HearingState& s, const SlotId& id, const std::string& field = "/slot") {
  const Slot* slot = s.slot(id);
  if (slot == nullptr) return make_error(ErrorCode::not_found, "no slot '" + id + "'", field);
  return slot;
}

Result<const Slot*> find_current_slot(const HearingState& s, const SlotId& id) {
  auto slot = find_slot(s, id);
  if (!slot) return slot;
  if (s.current_slot != id)
    return make_error(ErrorCode::wrong_stage, "slot " + id + " is not the current slot", "/slot");
  return slot;
}

// Forward only. A written report goes straight to questioning; a slot returned to may too. A remark or a
// break only runs its timer: waiting → reporting → done.
bool stage_follows(const Slot& slot, Stage to) {
  if (!slot.def.has_presenter()) {
    return (slot.stage == Stage::waiting && to == Stage::reporting) ||
           (slot.stage == Stage::reporting && to == Stage::done);
  }
  switch (slot.stage) {
    case Stage::waiting:
      return to == Stage::questioning || (to == Stage::reporting && slot.def.mode == ReportMode::oral);
    case Stage::reporting:
      return to == Stage::questioning;
    case Stage::questioning:
      return to == Stage::evaluating || to == Stage::done;
    case Stage::evaluating:
      return to == Stage::done;
    case Stage::done:
    case Stage::skipped:
      return false;
  }
  return false;
}

const Timer& timer_of(const Slot& slot, TimerKind kind) {
  return kind == TimerKind::report ? slot.report : slot.qa;
}

// A remark or a break has its one timer (the report timer), and no Q&A.
std::optional<Error> require_timer(const Slot& slot, TimerKind kind) {
  if (kind == TimerKind::qa && !slot.def.has_presenter()) {
    return make_error(
        ErrorCode::invalid,
        "slot " + slot.def.id + " is a " + slot_kind_name(slot.def.kind) + ": it has no Q&A timer", "/timer");
  }
  return std::nullopt;
}

// An inserted item: a presenter's slot names a participant who holds the presenter role; a remark or a break
// names nobody.
std::optional<Error> check_inserted_presenter(const HearingState& s, const SlotDef& def) {
  if (!def.has_presenter()) {
    if (def.presenter.empty()) return std::nullopt;
    return make_error(ErrorCode::invalid, std::string("a ") + slot_kind_name(def.kind) + " has no presenter",
                      "/slot/presenter");
  }
  const Participant* presenter = s.participant(def.presenter);
  if (presenter == nullptr) {
    return make_error(ErrorCode::not_found, "no participant '" + def.presenter + "'", "/slot/presenter");
  }
  if (!presenter->roles.has(Role::presenter)) {
    return make_error(ErrorCode::invalid, presenter->name + " does not have the presenter role",
                      "/slot/presenter");
  }
  return std::nullopt;
}

}  // namespace

std::string slot_kind_name(SlotKind kind) {
  return std::string(wire::name_of(kind));
}

std::optional<Error> require_presenter_slot(const SlotDef& def, const std::string& field,
                                            const std::string& refused) {
  if (def.has_presenter()) return std::nullopt;
  return make_error(
      ErrorCode::invalid,
      "slot " + def.id + " is a " + slot_kind_name(def.kind) + ", not a presenter's: it " + refused, field);
}

Decision decide_command(const Context& ctx, const CallSlot& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto slot = find_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  // Calling the current slot again is a return only once it is done (more questions for the presenter).
  if (ctx.state.current_slot == cmd.slot && (*slot)->stage != Stage::done) {
    return make_error(ErrorCode::conflict, "already the current slot", "/slot");
  }
  if (ctx.state.asking) {
    return make_error(ErrorCode::conflict,
                      "inquiry " + *ctx.state.asking + " is being asked; record its answer first");
  }
  return ctx.one(SlotCalled{cmd.slot});
}

Decision decide_command(const Context& ctx, const BeginStage& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto slot = find_current_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  if (cmd.stage == Stage::waiting || cmd.stage == Stage::skipped) {
    return make_error(ErrorCode::invalid,
                      "a stage can only move forward to reporting, questioning, evaluating or done",
                      "/stage");
  }
  if (!(*slot)->def.has_presenter() && (cmd.stage == Stage::questioning || cmd.stage == Stage::evaluating)) {
    return make_error(ErrorCode::invalid,
                      "slot " + cmd.slot + " is a " + slot_kind_name((*slot)->def.kind) +
                          ": it goes from waiting to reporting (its timer) to done, with no questioning",
                      "/stage");
  }
  if (cmd.stage == Stage::reporting && (*slot)->def.has_presenter() &&
      (*slot)->def.mode == ReportMode::written) {
    return make_error(ErrorCode::wrong_stage, "a written report has no oral reporting", "/stage");
  }
  if (!stage_follows(**slot, cmd.stage)) {
    return make_error(ErrorCode::wrong_stage, "the slot cannot move from its stage to that one", "/stage");
  }
  if ((*slot)->stage == Stage::questioning && ctx.state.asking) {
    return make_error(ErrorCode::conflict,
                      "inquiry " + *ctx.state.asking + " is being asked; record its answer first");
  }
  return ctx.one(StageChanged{cmd.slot, cmd.stage});
}

Decision decide_command(const Context& ctx, const SkipSlot& cmd) {
  if (auto e = require_agenda_editable(ctx.state)) return *e;
  auto slot = find_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  if ((*slot)->stage != Stage::waiting) {
    return make_error(ErrorCode::wrong_stage, "only a slot that has not started can be skipped", "/slot");
  }
  return ctx.one(SlotSkipped{cmd.slot});
}

Decision decide_command(const Context& ctx, const ReorderAgenda& cmd) {
  if (auto e = require_agenda_editable(ctx.state)) return *e;
  std::vector<SlotId> ids;
  for (const Slot& s : ctx.state.agenda) ids.push_back(s.def.id);
  if (!is_permutation_of(cmd.order, ids)) {
    return make_error(ErrorCode::invalid, "the order must name every slot exactly once", "/order");
  }
  return ctx.one(AgendaReordered{cmd.order});
}

Decision decide_command(const Context& ctx, const InsertSlot& cmd) {
  if (auto e = require_agenda_editable(ctx.state)) return *e;
  const SlotDef& def = cmd.slot;
  if (auto e = check_id(def.id, "/slot/id")) return *e;
  if (ctx.state.slot(def.id) != nullptr) {
    return make_error(ErrorCode::conflict, "slot id '" + def.id + "' is already in the agenda", "/slot/id");
  }
  if (auto e = check_inserted_presenter(ctx.state, def)) return *e;
  // A remark or a break is known by its title alone.
  if (auto e = check_text(def.title, kMaxSlotTitleChars, "/slot/title", def.has_presenter())) return *e;
  if (def.report_limit_s < 0 || def.report_limit_s > kMaxReportLimitS) {
    return make_error(ErrorCode::invalid, "the report limit is 0 to 14400 seconds", "/slot/report_limit_s");
  }
  if (def.qa_budget_s < 0 || def.qa_budget_s > kMaxReportLimitS) {
    return make_error(ErrorCode::invalid, "the Q&A budget is 0 to 14400 seconds", "/slot/qa_budget_s");
  }
  const auto size = static_cast<std::int64_t>(ctx.state.agenda.size());
  if (cmd.position < 0 || cmd.position > size) {
    return make_error(ErrorCode::invalid, "the position is 0 to " + std::to_string(size), "/position");
  }
  return ctx.one(SlotInserted{def, cmd.position});
}

Decision decide_command(const Context& ctx, const PauseTimer& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto slot = find_current_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  if (auto e = require_timer(**slot, cmd.timer)) return *e;
  if (!timer_of(**slot, cmd.timer).running()) {
    return make_error(ErrorCode::wrong_stage, "the timer is not running", "/timer");
  }
  return ctx.one(TimerPaused{cmd.slot, cmd.timer});
}

Decision decide_command(const Context& ctx, const ResumeTimer& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto slot = find_current_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  if (auto e = require_timer(**slot, cmd.timer)) return *e;
  // A timer runs only in its own stage: the report timer while reporting, the Q&A timer while questioning.
  const Stage own = cmd.timer == TimerKind::report ? Stage::reporting : Stage::questioning;
  if ((*slot)->stage != own) {
    return make_error(ErrorCode::wrong_stage, "this timer runs only in its own stage", "/timer");
  }
  if (timer_of(**slot, cmd.timer).running()) {
    return make_error(ErrorCode::conflict, "the timer is already running", "/timer");
  }
  return ctx.one(TimerResumed{cmd.slot, cmd.timer});
}

Decision decide_command(const Context& ctx, const ExtendTimer& cmd) {
  if (auto e = require_phase(ctx.state, {Phase::in_session})) return *e;
  auto slot = find_slot(ctx.state, cmd.slot);
  if (!slot) return slot.error();
  if (auto e = require_timer(**slot, cmd.timer)) return *e;
  if (cmd.seconds <= 0 || cmd.seconds > kMaxExtendSeconds) {
    return make_error(ErrorCode::invalid,
                      "an extension is 1 to " + std::to_string(kMaxExtendSeconds) + " seconds", "/seconds");
  }
  return ctx.one(TimerExtended{cmd.slot, cmd.timer, cmd.seconds * 1000});
}

}  // namespace dais::core
