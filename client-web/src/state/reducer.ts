// Merging the server's `welcome` and `update` messages into the client's copy of the view. Pure functions over
// plain data: each section in a message replaces the client's copy of that section whole.
import type { MeSection, Role, SectionName, Sections } from '../protocol/view';
import { sectionNames } from '../protocol/view';
import type { Update, Welcome } from '../protocol/messages';

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
}

// The generated wire types leave the view untyped; the sections' shapes are in protocol/view.ts.
export type WelcomeMessage = Omit<Welcome, 'view'> & { view: Partial<Sections> & { me?: MeSection } };
export type UpdateMessage = Omit<Update, 'sections' | 'me'> & { sections?: Partial<Sections>; me?: MeSection };

export function emptyView(): ViewState {
  return { participant: null, hearing: null, seq: 0, sections: {}, me: null, clockOffsetMs: 0 };
}

function pickSections(source: Partial<Sections> | undefined): Partial<Sections> {
  const out: Partial<Sections> = {};
  if (!source) return out;
  for (const name of sectionNames) {
    if (name in source) (out as Record<SectionName, unknown>)[name] = source[name];
  }
  return out;
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
  return { ...base, seq: msg.seq, sections: pickSections(msg.view) };
}

// Updates arrive in the server's order on one connection and are applied in that order. Seq only moves
// forward: gaps are normal, and several updates may share a seq (shared sections and `me`, coalesced tallies).
export function applyUpdate(state: ViewState, msg: UpdateMessage, clientNow: number): ViewState {
  return {
    ...state,
    seq: Math.max(state.seq, msg.seq),
    sections: { ...state.sections, ...pickSections(msg.sections) },
    me: msg.me ?? state.me,
    clockOffsetMs: msg.server_time - clientNow,
  };
}
