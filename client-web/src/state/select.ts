// Read-only views of the session's state that several screens need. One place for each question.
import { computed } from 'vue';
import type { BallotResult, BallotTally, BallotTemplate, BallotView, InquiryView, ReviewItem, SlotView, Timer } from '../protocol/view';
import { session } from './session';

export const hearing = computed(() => session.view.sections.hearing ?? null);
export const attendance = computed(() => session.view.sections.attendance ?? null);
export const agenda = computed(() => session.view.sections.agenda ?? { current_slot: null, slots: [] });
export const slots = computed<SlotView[]>(() => agenda.value.slots ?? []);
export const me = computed(() => session.view.me);

export const currentSlot = computed<SlotView | null>(() => {
  const id = agenda.value.current_slot;
  return slots.value.find((s) => s.id === id) ?? null;
});

// The current slot's commitments under review (回头看); only the questioning screens and the hall are sent them.
export const currentReview = computed<ReviewItem[]>(() => session.view.sections.agenda?.review ?? []);

export function slotById(id: string | null | undefined): SlotView | undefined {
  return slots.value.find((s) => s.id === id);
}

// Whether the slot is a presenter's: a remark or a break has no questions, no ballot and no Q&A timer.
export function isPresenterSlot(slot: SlotView | undefined | null): boolean {
  return !!slot && slot.kind !== 'remark' && slot.kind !== 'break';
}
export const presenterSlots = computed<SlotView[]>(() => slots.value.filter(isPresenterSlot));

// The i18n key of the slot's stage as the hall calls it: a remark running is 讲话中, a break 休息中, not 述职.
export function stageKey(slot: SlotView): string {
  if (slot.stage === 'reporting' && !isPresenterSlot(slot)) return `agendaItem.on.${slot.kind}`;
  return `stage.${slot.stage}`;
}

// Who is on: the presenter, or the title of a remark or break (开幕讲话, 休息).
export function presenterName(slot: SlotView | undefined | null): string {
  return slot?.presenter?.name ?? slot?.title ?? '';
}
export function presenterPost(slot: SlotView | undefined | null): string {
  if (slot && !isPresenterSlot(slot)) return '';
  return slot?.presenter?.post || slot?.title || '';
}

// The timer that belongs to the slot's stage: the report timer while reporting, the Q&A timer while questioning.
export function activeTimer(slot: SlotView | null | undefined): { kind: 'report' | 'qa'; timer: Timer } | null {
  if (!slot) return null;
  if (slot.stage === 'reporting') return { kind: 'report', timer: slot.report };
  if (slot.stage === 'questioning') return { kind: 'qa', timer: slot.qa };
  return null;
}

// A timer is over once its slot moved past the timer's stage.
export function timerFinished(slot: SlotView, kind: 'report' | 'qa'): boolean {
  const after: Record<'report' | 'qa', string[]> = {
    report: ['questioning', 'evaluating', 'done', 'skipped'],
    qa: ['evaluating', 'done', 'skipped'],
  };
  return after[kind].includes(slot.stage);
}

export const nextWaitingSlot = computed<SlotView | null>(() => {
  const list = slots.value;
  const cur = list.findIndex((s) => s.id === agenda.value.current_slot);
  for (let i = cur + 1; i < list.length; i++) if (list[i].stage === 'waiting') return list[i];
  return list.find((s) => s.stage === 'waiting') ?? null;
});

export const inquiries = computed<InquiryView[]>(() => session.view.sections.inquiries?.items ?? []);
export const askingId = computed(() => session.view.sections.inquiries?.asking ?? null);
export const asking = computed<InquiryView | null>(
  () => inquiries.value.find((i) => i.id === askingId.value) ?? findMine(askingId.value) ?? null,
);
function findMine(id: string | null): InquiryView | undefined {
  if (!id) return undefined;
  const presenting = (me.value?.presenting ?? []).flatMap((p) => p.inquiries);
  return (me.value?.inquiries ?? []).find((i) => i.id === id) ?? presenting.find((i) => i.id === id);
}

export function inquiryById(id: string | null | undefined): InquiryView | undefined {
  if (!id) return undefined;
  return inquiries.value.find((i) => i.id === id) ?? findMine(id);
}

// The approved queue of a slot, in the chair's order.
export function queueOf(slotId: string): InquiryView[] {
  const ids = session.view.sections.inquiries?.queues?.[slotId] ?? [];
  return ids.map((id) => inquiryById(id)).filter((i): i is InquiryView => !!i);
}

export const templates = computed<BallotTemplate[]>(() => hearing.value?.ballot_templates ?? []);
export function templateOf(ballot: BallotView | undefined | null): BallotTemplate | undefined {
  if (!ballot) return undefined;
  return templates.value.find((t) => t.id === ballot.template_id);
}

export const ballots = computed<BallotView[]>(() => session.view.sections.ballots?.items ?? []);

export function resultOf(ballotId: string): BallotResult | undefined {
  return session.view.sections.results?.ballots.find((r) => r.ballot === ballotId);
}
export function tallyOf(ballotId: string): BallotTally | undefined {
  return session.view.sections.tally?.ballots.find((t) => t.ballot === ballotId);
}
// Whether this participant's sheet for a ballot is in, as the server knows it.
export function votedOn(ballotId: string): boolean {
  return !!me.value?.ballots?.find((b) => b.ballot === ballotId)?.voted;
}
export function upvotedByMe(inquiryId: string): boolean {
  return !!me.value?.upvoted?.includes(inquiryId);
}
export const openBallots = computed(() => ballots.value.filter((b) => b.status === 'open'));

export function ballotTitle(b: BallotView): string {
  const tpl = templateOf(b);
  const base = b.title ?? tpl?.title ?? b.id;
  if (b.slots.length === 1) return `${base} · ${presenterName(slotById(b.slots[0]))}`;
  return base;
}

export function gradeLabel(tpl: BallotTemplate | undefined, dimension: string, grade: string): string {
  return tpl?.dimensions.find((d) => d.id === dimension)?.grades.find((g) => g.id === grade)?.label ?? grade;
}
export function dimensionLabel(tpl: BallotTemplate | undefined, dimension: string): string {
  return tpl?.dimensions.find((d) => d.id === dimension)?.label ?? dimension;
}

export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(digits)}%`;
}
