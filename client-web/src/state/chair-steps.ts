// The chair's agenda moves that cannot be taken back by accident: calling someone else while a presenter is
// on their feet asks first, and the last call or stage change can be undone while nothing else has happened
// to the agenda. The engine's stages only go forward, so an undo is the chain of ordinary commands that
// leads back (return the slot, begin its old stage again); the log keeps both the move and its undo.
import { shallowRef } from 'vue';
import type { ForwardStage, SlotView, Stage } from '../protocol/view';
import type { Request } from '../protocol/messages';
import { i18n } from '../i18n';
import { isRunning } from '../lib/chair-guards';
import { confirmAction } from './dialog';
import { currentSlot, isPresenterSlot, presenterName } from './select';
import { notify, send, session } from './session';

export interface Step {
  label: string; // what is undone, for the button
  inverse: Request[];
  agenda: unknown; // the agenda section as the move left it: any later change ends the undo
}
export const lastStep = shallowRef<Step | null>(null);

export function undoAvailable(): boolean {
  const step = lastStep.value;
  return !!step && step.agenda === session.view.sections.agenda && session.view.sections.hearing?.phase === 'in_session';
}

function runningTimer(slot: SlotView): 'report' | 'qa' | null {
  if (slot.report.running_since !== null) return 'report';
  if (slot.qa.running_since !== null) return 'qa';
  return null;
}

// The commands that bring the current slot `slot`, which now stands at `now`, back to `stage` with its timer
// as it was (`timer`: the one that was running).
export function backTo(slot: SlotView, now: Stage, stage: Stage, timer: 'report' | 'qa' | null): Request[] {
  const out: Request[] = [];
  // Only a finished slot can be returned to; reaching "done" may need one step through questioning.
  // A remark or a break reaches it through its timer: waiting → reporting → done.
  if (!isPresenterSlot(slot)) {
    if (now === 'waiting') out.push({ type: 'begin_stage', slot: slot.id, stage: 'reporting' });
  } else if (now === 'waiting' || now === 'reporting') {
    out.push({ type: 'begin_stage', slot: slot.id, stage: 'questioning' });
  }
  if (now !== 'done') out.push({ type: 'begin_stage', slot: slot.id, stage: 'done' });
  out.push({ type: 'call_slot', slot: slot.id });
  if (stage === 'evaluating') out.push({ type: 'begin_stage', slot: slot.id, stage: 'questioning' });
  if (stage !== 'waiting') out.push({ type: 'begin_stage', slot: slot.id, stage: stage as ForwardStage });
  const started = stage === 'reporting' ? 'report' : stage === 'questioning' ? 'qa' : null;
  if (started && timer !== started) out.push({ type: 'pause_timer', slot: slot.id, timer: started });
  return out;
}

async function record(label: string, inverse: Request[] | null, command: Request): Promise<void> {
  lastStep.value = null;
  await send(command);
  // The update carrying the move arrives before its ack, so the agenda seen now is the one the move made.
  if (inverse && inverse.length > 0) lastStep.value = { label, inverse, agenda: session.view.sections.agenda };
}

export async function callSlot(slot: SlotView): Promise<void> {
  const t = i18n.global.t;
  const cur = currentSlot.value;
  const leaving = cur && cur.id !== slot.id && isRunning(cur.stage) ? cur : null;
  if (leaving) {
    const message = t('chair.agenda.leaveConfirm', {
      name: presenterName(leaving),
      stage: t(`stage.${leaving.stage}`),
      next: presenterName(slot),
    });
    if (!(await confirmAction(message, t('chair.agenda.call')))) return;
  }
  // Undo returns to the presenter who was left mid-stage, with their timer as it was.
  const inverse: Request[] | null = leaving ? [{ type: 'call_slot', slot: leaving.id }] : null;
  const timer = leaving ? runningTimer(leaving) : null;
  if (leaving && timer) inverse!.push({ type: 'resume_timer', slot: leaving.id, timer });
  await record(t('chair.undo.call', { name: presenterName(slot) }), inverse, { type: 'call_slot', slot: slot.id });
}

// The undo button's name for a stage change. A remark or a break "reports" only in the engine's words: its
// step is named as the chair's button names it (开始讲话, not 进入述职).
export function stageStepLabel(slot: SlotView, to: ForwardStage): string {
  const t = i18n.global.t;
  if (!isPresenterSlot(slot) && to === 'reporting') return t(`agendaItem.start.${slot.kind}`);
  return t('chair.undo.stage', { stage: t(`stage.${to}`) });
}

export async function beginStage(slot: SlotView, to: ForwardStage): Promise<void> {
  const t = i18n.global.t;
  // Jumping over a stage (report straight to done) is the kind of slip a stray key makes.
  // A remark or a break has no stages between its timer and its end: nothing is jumped over.
  const order: Stage[] = isPresenterSlot(slot)
    ? ['waiting', 'reporting', 'questioning', 'evaluating', 'done']
    : ['waiting', 'reporting', 'done'];
  const jump = order.indexOf(to) - order.indexOf(slot.stage) > 1 && isRunning(slot.stage);
  if (jump) {
    const message = t('chair.slot.jumpConfirm', { from: t(`stage.${slot.stage}`), to: t(`stage.${to}`) });
    if (!(await confirmAction(message, t(`chair.slot.to.${to}`)))) return;
  }
  const inverse = backTo(slot, to, slot.stage, runningTimer(slot));
  await record(stageStepLabel(slot, to), inverse, { type: 'begin_stage', slot: slot.id, stage: to });
}

export async function undoLast(): Promise<void> {
  const step = lastStep.value;
  if (!step || !undoAvailable()) return;
  lastStep.value = null;
  for (const command of step.inverse) {
    try {
      await send(command);
    } catch {
      notify(i18n.global.t('chair.undo.failed'));
      return;
    }
  }
}
