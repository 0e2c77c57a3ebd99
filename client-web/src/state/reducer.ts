// Merging the server's `welcome` and `update` messages into the client's copy of the view. Pure functions over
// plain data: a section in a message replaces the client's copy whole; a patch changes the copy it was made
// against (docs/protocol.md, Patches).
import type { MeSection, Role, SectionName, Sections } from '../protocol/view';
import { sectionNames } from '../protocol/view';
import type { Update, Welcome } from '../protocol/messages';
import { PatchMismatch, applyPatch } from './patch';
import type { PatchOp } from './patch';

export interface Participant {
  id: string;
  name: string;
  roles: Role[];
}

export interface ViewState {
  participant: Participant | null;
  hearing: { id: string; title: string } | null;
  seq: number; // the last seq applied; sent back as resume_from
  sections: Partial<Sections>;
  me: MeSection | null;
  clockOffsetMs: number; // server time − client time, estimated from the last message
  // Per section, the seq of the message that last set it: a patch applies to a copy at least as new as its base.
  held: Partial<Record<SectionName, number>>;
  // A patch did not fit the copy held (its base was missed): the view is stale until a full welcome replaces it.
  lacking: boolean;
}

export interface SectionPatch {
  base: number;
  ops: PatchOp[];
}

// The generated wire types leave the view untyped; the sections' shapes are in protocol/view.ts.
export type WelcomeMessage = Omit<Welcome, 'view'> & { view: Partial<Sections> & { me?: MeSection } };
export type UpdateMessage = Omit<Update, 'sections' | 'me' | 'patches'> & {
  sections?: Partial<Sections>;
  patches?: Partial<Record<SectionName, SectionPatch>>;
  me?: MeSection;
};

export function emptyView(): ViewState {
  return { participant: null, hearing: null, seq: 0, sections: {}, me: null, clockOffsetMs: 0, held: {}, lacking: false };
}

function pickSections(source: Partial<Sections> | undefined): Partial<Sections> {
  const out: Partial<Sections> = {};
  if (!source) return out;
  for (const name of sectionNames) {
    if (name in source) (out as Record<SectionName, unknown>)[name] = source[name];
  }
  return out;
}

function heldAt(sections: Partial<Sections>, seq: number): Partial<Record<SectionName, number>> {
  const held: Partial<Record<SectionName, number>> = {};
  for (const name of Object.keys(sections) as SectionName[]) held[name] = seq;
  return held;
}

// A full welcome replaces everything; a resumed one keeps the sections and takes only `me` (the missed
// updates follow it in order).
export function applyWelcome(state: ViewState, msg: WelcomeMessage, clientNow: number): ViewState {
  const me = msg.view.me ?? state.me;
  const base = {
    participant: msg.participant,
    hearing: msg.hearing,
    me: me ?? null,
    clockOffsetMs: msg.server_time - clientNow,
  };
  if (msg.resumed) return { ...state, ...base, seq: Math.max(state.seq, msg.seq) };
  const sections = pickSections(msg.view);
  return { ...base, seq: msg.seq, sections, held: heldAt(sections, msg.seq), lacking: false };
}

// Updates arrive in the server's order on one connection and are applied in that order. Seq only moves
// forward: gaps are normal, and several updates may share a seq (shared sections and `me`, coalesced tallies).
// A patch's base is the seq at which the server last changed that section for this screen; the copy held
// was set by a message at least that new, or the client missed the change the patch builds on.
export function applyUpdate(state: ViewState, msg: UpdateMessage, clientNow: number): ViewState {
  if (state.lacking) return state;
  const whole = pickSections(msg.sections);
  const sections: Partial<Sections> = { ...state.sections, ...whole };
  const held = { ...state.held, ...heldAt(whole, msg.seq) };
  for (const name of sectionNames) {
    const patch = msg.patches?.[name];
    if (!patch) continue;
    const copy = state.sections[name];
    const at = state.held[name];
    if (copy === undefined || at === undefined || at < patch.base) return { ...state, lacking: true };
    try {
      (sections as Record<SectionName, unknown>)[name] = applyPatch(copy, patch.ops);
    } catch (e) {
      if (e instanceof PatchMismatch) return { ...state, lacking: true };
      throw e;
    }
    held[name] = msg.seq;
  }
  return {
    ...state,
    seq: Math.max(state.seq, msg.seq),
    sections,
    held,
    me: msg.me ?? state.me,
    clockOffsetMs: msg.server_time - clientNow,
  };
}
