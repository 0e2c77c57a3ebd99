import { describe, expect, it } from 'vitest';
import { applyUpdate, applyWelcome, emptyView } from '../src/state/reducer';
import type { UpdateMessage, WelcomeMessage } from '../src/state/reducer';
import type { HearingSection, MeSection, Phase } from '../src/protocol/view';

const participant = { id: 'v-1', name: '王某', roles: ['voter' as const] };
const agenda = (current: string | null) => ({ current_slot: current, slots: [] });
// Whole sections, as the server sends them (their types are generated from protocol/views).
const me = (checked_in: boolean): MeSection => ({
  id: 'v-1',
  name: '王某',
  post: '',
  roles: ['voter'],
  groups: [],
  checked_in,
  revoked: false,
  inquiries: [],
  upvoted: [],
  presenting: [],
  ballots: [],
});
const hearing = (phase: Phase): HearingSection => ({
  id: 'h',
  title: 'T',
  date: '2026-12-07',
  venue: '',
  phase,
  display: { mode: 'auto', message: '' },
  settings: {},
  voter_groups: [],
  ballot_templates: [],
  rules: [],
});

function welcome(extra: Partial<WelcomeMessage>): WelcomeMessage {
  return {
    type: 'welcome',
    protocol: 1,
    hearing: { id: 'h', title: 'T' },
    participant,
    seq: 10,
    server_time: 5_000,
    resumed: false,
    view: {},
    ...extra,
  };
}
function update(seq: number, extra: Partial<UpdateMessage>): UpdateMessage {
  return { type: 'update', seq, server_time: 6_000, ...extra };
}

describe('view reducer', () => {
  it('takes a full snapshot from a welcome and estimates the clock offset', () => {
    const s = applyWelcome(
      emptyView(),
      welcome({ view: { agenda: agenda('S1'), me: me(false) } }),
      4_000,
    );
    expect(s.seq).toBe(10);
    expect(s.sections.agenda?.current_slot).toBe('S1');
    expect(s.me?.checked_in).toBe(false);
    expect(s.clockOffsetMs).toBe(1_000);
    expect(s.hearing?.id).toBe('h');
  });

  it('replaces each section an update carries and keeps the others', () => {
    let s = applyWelcome(emptyView(), welcome({ view: { agenda: agenda('S1'), hearing: hearing('check_in') } }), 0);
    s = applyUpdate(s, update(12, { sections: { agenda: agenda('S2') } }), 0);
    expect(s.sections.agenda?.current_slot).toBe('S2');
    expect(s.sections.hearing?.phase).toBe('check_in');
    expect(s.seq).toBe(12);
  });

  it('applies a personal update with the same seq as the shared one', () => {
    let s = applyWelcome(emptyView(), welcome({ view: { me: me(false) } }), 0);
    s = applyUpdate(s, update(11, { sections: { agenda: agenda('S1') } }), 0);
    s = applyUpdate(s, update(11, { me: me(true) }), 0);
    expect(s.me?.checked_in).toBe(true);
    expect(s.sections.agenda?.current_slot).toBe('S1');
    expect(s.seq).toBe(11);
  });

  it('never moves seq backwards', () => {
    let s = applyWelcome(emptyView(), welcome({}), 0);
    s = applyUpdate(s, update(20, {}), 0);
    s = applyUpdate(s, update(15, { sections: { agenda: agenda('S3') } }), 0);
    expect(s.seq).toBe(20);
    expect(s.sections.agenda?.current_slot).toBe('S3');
  });

  it('keeps the sections on a resumed welcome and takes only me', () => {
    let s = applyWelcome(emptyView(), welcome({ view: { agenda: agenda('S1') } }), 0);
    s = applyUpdate(s, update(14, {}), 0);
    s = applyWelcome(
      s,
      welcome({ seq: 18, resumed: true, view: { me: me(true) } }),
      0,
    );
    expect(s.sections.agenda?.current_slot).toBe('S1');
    expect(s.me?.checked_in).toBe(true);
    expect(s.seq).toBe(18);
  });

  it('drops everything on a full welcome after a reconnect', () => {
    let s = applyWelcome(emptyView(), welcome({ view: { agenda: agenda('S1'), tally: { visible: true, ballots: [{ ballot: 'B1', sheets: 3, sections: {} }] } } }), 0);
    s = applyWelcome(s, welcome({ seq: 3, view: { agenda: agenda('S4') } }), 0);
    expect(s.sections.tally).toBeUndefined();
    expect(s.sections.agenda?.current_slot).toBe('S4');
    expect(s.seq).toBe(3);
  });

  it('ignores members that are not sections', () => {
    const s = applyWelcome(emptyView(), welcome({ view: { bogus: 1 } as never }), 0);
    expect(Object.keys(s.sections)).toEqual([]);
  });
});
