// What the server would refuse, known before the click: the role table (roles.json, checked against the
// engine's role matrix by tests/core/test_client_roles.cpp) and the phase and stage rules of the engine
// (server/core/decide_*.cpp). A blocked action is shown disabled with its reason, never sent to be refused.
import table from './roles.json';
import type { BallotStatus, BallotTemplate, BallotView, ForwardStage, Phase, Role, SlotView, Stage } from '../protocol/view';

export type RequestType = Exclude<keyof typeof table, '_comment'>;

export function mayRoles(roles: readonly Role[], type: RequestType): boolean {
  const allowed = table[type] as readonly string[];
  return roles.some((r) => allowed.includes(r));
}

// Why an action is blocked: an i18n key under `chair.why`.
export type Why =
  | 'notChair'
  | 'draft'
  | 'checkIn'
  | 'paused'
  | 'adjourned'
  | 'noQuorum'
  | 'noNext'
  | 'stageOrder'
  | 'written'
  | 'asking'
  | 'adjournedBallots'
  | 'noSlot'
  | 'ballotExists'
  | 'ballotOpen'
  | 'tooFewSheets';

// Agenda, stage and timer commands run only in session (require_phase in_session).
export function sessionBlock(phase: Phase): Why | null {
  switch (phase) {
    case 'in_session':
      return null;
    case 'draft':
      return 'draft';
    case 'check_in':
      return 'checkIn';
    case 'paused':
      return 'paused';
    case 'adjourned':
      return 'adjourned';
  }
}

// start_session: during check-in, with the quorum present.
export function startBlock(phase: Phase, quorumMet: boolean): Why | null {
  if (phase === 'draft') return 'draft';
  if (phase !== 'check_in') return sessionBlock(phase) ?? 'stageOrder';
  return quorumMet ? null : 'noQuorum';
}

export function callBlock(phase: Phase, next: SlotView | null): Why | null {
  return sessionBlock(phase) ?? (next ? null : 'noNext');
}

// The engine's stage_follows: forward only; a written report goes straight to questioning. A remark or a
// break only runs its timer: waiting → reporting → done.
export function stageFollows(slot: Pick<SlotView, 'stage' | 'mode' | 'kind'>, to: ForwardStage): boolean {
  if (slot.kind === 'remark' || slot.kind === 'break') {
    return (slot.stage === 'waiting' && to === 'reporting') || (slot.stage === 'reporting' && to === 'done');
  }
  switch (slot.stage) {
    case 'waiting':
      return to === 'questioning' || (to === 'reporting' && slot.mode === 'oral');
    case 'reporting':
      return to === 'questioning';
    case 'questioning':
      return to === 'evaluating' || to === 'done';
    case 'evaluating':
      return to === 'done';
    default:
      return false;
  }
}

export function stageBlock(phase: Phase, slot: SlotView, to: ForwardStage, asking: boolean): Why | null {
  const p = sessionBlock(phase);
  if (p) return p;
  if (to === 'reporting' && slot.mode === 'written' && (slot.kind ?? 'presenter') === 'presenter') return 'written';
  if (!stageFollows(slot, to)) return 'stageOrder';
  if (slot.stage === 'questioning' && asking) return 'asking';
  return null;
}

// A stage with the presenter on their feet: calling someone else now needs a second thought.
export function isRunning(stage: Stage): boolean {
  return stage === 'reporting' || stage === 'questioning' || stage === 'evaluating';
}

// The ballot commands of the chair's panel. The engine (decide_ballots.cpp) takes each only in some phases
// and only from some ballot statuses.
export type BallotCommand = 'create_ballot' | 'open_ballot' | 'close_ballot' | 'publish_ballot' | 'void_ballot' | 'remind_voters';
export type BallotStep = Exclude<BallotCommand, 'create_ballot'>;

const ballotPhases: Record<BallotCommand, readonly Phase[]> = {
  // Ballots may be prepared before the session starts.
  create_ballot: ['draft', 'check_in', 'in_session'],
  open_ballot: ['in_session'],
  close_ballot: ['in_session'],
  // Results withheld on the day may be published after adjournment.
  publish_ballot: ['in_session', 'adjourned'],
  void_ballot: ['in_session'],
  remind_voters: ['in_session'],
};

// A step the ballot's status rules out is not offered at all; a published result stands.
const ballotStatuses: Record<BallotStep, readonly BallotStatus[]> = {
  open_ballot: ['pending'],
  close_ballot: ['open'],
  publish_ballot: ['closed'],
  void_ballot: ['open', 'closed'],
  remind_voters: ['open'],
};

export function ballotOffers(status: BallotStatus, step: BallotStep): boolean {
  return ballotStatuses[step].includes(status);
}

// After adjournment only publishing is left, so the reason says that rather than "nothing more".
export function ballotBlock(phase: Phase, command: BallotCommand): Why | null {
  if (ballotPhases[command].includes(phase)) return null;
  return phase === 'adjourned' ? 'adjournedBallots' : sessionBlock(phase);
}

// An anonymous ballot with 1 to k-1 sheets is never counted (decide_ballots.cpp, check_enough_sheets): those
// few voters, whom the chair sees, would be named by their count. It waits for more sheets or is voided.
export function closeBallotBlock(phase: Phase, sheets: number, anonymous: boolean, k: number): Why | null {
  const p = ballotBlock(phase, 'close_ballot');
  if (p) return p;
  return anonymous && sheets > 0 && sheets < k ? 'tooFewSheets' : null;
}

// A presenter is graded on one open sheet at a time.
export function openBallotBlock(phase: Phase, ballot: BallotView, all: readonly BallotView[]): Why | null {
  const p = ballotBlock(phase, 'open_ballot');
  if (p) return p;
  const clash = all.some((o) => o.id !== ballot.id && o.status === 'open' && o.slots.some((s) => ballot.slots.includes(s)));
  return clash ? 'ballotOpen' : null;
}

// A per-presenter ballot is for the presenter called, once: a second one is refused as a double press
// (a rerun goes through void_ballot).
export function createBallotBlock(
  phase: Phase,
  template: Pick<BallotTemplate, 'id' | 'scope'> | undefined,
  current: Pick<SlotView, 'id' | 'kind'> | null,
  all: readonly BallotView[],
): Why | null {
  const p = ballotBlock(phase, 'create_ballot');
  if (p || !template || template.scope !== 'per_presenter') return p;
  // A remark or a break is graded by nobody: a per-presenter sheet waits for a presenter to be called.
  if (!current || current.kind === 'remark' || current.kind === 'break') return 'noSlot';
  const slot = current.id;
  const twice = all.some((b) => b.status !== 'voided' && b.template_id === template.id && b.slots.length === 1 && b.slots[0] === slot);
  return twice ? 'ballotExists' : null;
}
