// What the server would refuse, known before the click: the role table (roles.json, checked against the
// engine's role matrix by tests/core/test_client_roles.cpp) and the phase and stage rules of the engine
// (server/core/decide_*.cpp). A blocked action is shown disabled with its reason, never sent to be refused.
import table from './roles.json';
import type { ForwardStage, Phase, Role, SlotView, Stage } from '../protocol/view';

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
  | 'asking';

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

// The engine's stage_follows: forward only; a written report goes straight to questioning.
export function stageFollows(slot: Pick<SlotView, 'stage' | 'mode'>, to: ForwardStage): boolean {
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
  if (to === 'reporting' && slot.mode === 'written') return 'written';
  if (!stageFollows(slot, to)) return 'stageOrder';
  if (slot.stage === 'questioning' && asking) return 'asking';
  return null;
}

// A stage with the presenter on their feet: calling someone else now needs a second thought.
export function isRunning(stage: Stage): boolean {
  return stage === 'reporting' || stage === 'questioning' || stage === 'evaluating';
}
