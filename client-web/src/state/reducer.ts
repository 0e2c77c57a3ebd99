// Merging the server's `welcome` and `update` messages into the client's copy of the view. Pure functions over
// plain data: each section in a message replaces the client's copy of that section whole.
import type { MeSection, Role, SectionName, Sections } from '../protocol/view';
import { sectionNames } from '../protocol/view';

export interface Participant {
  id: string;
  name: string;
  roles: Role[];
}

export interface ViewState {
  participant: Participant | null;
  seq: number; // the last seq applied; sent back as resume_from
  sections: Partial<Sections>;
  me: MeSection | null;
  clockOffsetMs: number; // server time − client time, estimated from the last message
}

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  participant: Participant;
  seq: number;
  server_time: number;
  resumed: boolean;
  view: Partial<Sections> & { me?: MeSection };
}

export interface UpdateMessage {
  type: 'update';
  seq: number;
  server_time: number;
  sections?: Partial<Sections>;
  me?: MeSection;
}

export function emptyView(): ViewState {
  return { participant: null, seq: 0, sections: {}, me: null, clockOffsetMs: 0 };
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
    me: me ?? null,
    clockOffsetMs: msg.server_time - clientNow,
  };
  if (msg.resumed) return { ...state, ...base, seq: Math.max(state.seq, msg.seq) };
  return { ...base, seq: msg.seq, sections: pickSections(msg.view) };
}

// An update at or below the applied seq is a repeat and changes nothing (seq gaps are normal).
export function applyUpdate(state: ViewState, msg: UpdateMessage, clientNow: number): ViewState {
  if (msg.seq < state.seq) return state;
  if (msg.seq === state.seq && state.seq !== 0 && !msg.sections && !msg.me) return state;
  return {
    ...state,
    seq: msg.seq,
    sections: { ...state.sections, ...pickSections(msg.sections) },
    me: msg.me ?? state.me,
    clockOffsetMs: msg.server_time - clientNow,
  };
}
