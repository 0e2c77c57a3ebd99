// The voter's tablet end to end inside the page: marks a sheet, loses the connection before the ack, and the
// sheet goes out again with the same idempotency key and receipt when the link is back.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, nextTick } from 'vue';
import { i18n } from '../src/i18n';
import { dialog, settleDialog } from '../src/state/dialog';
import { connect, session } from '../src/state/session';
import VoterView from '../src/views/VoterView.vue';
import { FakeSocket } from './fake-socket';

const template = {
  id: 'per',
  title: '民主测评表',
  scope: 'per_presenter',
  change: 'first_press',
  anonymous: true,
  dimensions: [
    { id: 'duty', label: '履行主体责任', grades: [{ id: 'good', label: '好' }, { id: 'fair', label: '一般' }] },
    { id: 'clean', label: '廉洁自律', grades: [{ id: 'good', label: '好' }, { id: 'fair', label: '一般' }] },
  ],
};
const view = {
  hearing: { id: 'h', title: 'T', phase: 'in_session', settings: { voting_requires_check_in: true }, ballot_templates: [template] },
  agenda: {
    current_slot: 'S1',
    slots: [
      {
        id: 'S1', presenter: { id: 'p1', name: '张三', post: '局长' }, title: '区水务局', mode: 'oral', stage: 'evaluating',
        report: { limit_ms: 1, used_ms: 1, running_since: null }, qa: { limit_ms: 1, used_ms: 1, running_since: null },
      },
    ],
  },
  ballots: { items: [{ id: 'B1', template_id: 'per', slots: ['S1'], status: 'open', turnout: { voted: 0, eligible: 3, present: 3 } }] },
  me: { id: 'v-1', name: '李四', roles: ['voter'], checked_in: true },
};
function welcome(seq: number, resumed: boolean) {
  return {
    type: 'welcome', protocol: 1, hearing: { id: 'h', title: 'T' },
    participant: { id: 'v-1', name: '李四', roles: ['voter'] },
    seq, server_time: Date.now(), resumed, view: resumed ? { me: view.me } : view,
  };
}

let root: HTMLElement;
const q = (sel: string) => root.querySelector(sel) as HTMLElement | null;
const flush = async () => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await nextTick();
  }
};

describe('voter view', () => {
  beforeAll(() => {
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
    localStorage.clear();
    root = document.createElement('div');
    document.body.appendChild(root);
    createApp(VoterView).use(i18n).mount(root);
    connect('token-abcdefgh');
  });
  afterAll(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows the open sheet once welcomed', async () => {
    FakeSocket.last().accept();
    FakeSocket.last().deliver(welcome(10, false));
    await flush();
    expect(q('[data-test=sheet]')?.dataset.state).toBe('not_voted');
    expect(root.querySelectorAll('.grade')).toHaveLength(4);
  });

  it('keeps the sheet through a dropped connection and confirms it only after the ack', async () => {
    (q('[data-dimension=duty] [data-grade=good]') as HTMLButtonElement).click();
    (q('[data-dimension=clean] [data-grade=fair]') as HTMLButtonElement).click();
    await flush();
    expect(q('.sheet-progress')?.textContent).toContain('2/2');
    // Not yet a vote: the draft is on the device, so a reload does not lose it.
    expect(JSON.parse(localStorage.getItem('dais.sheets.v-1.drafts')!)).toEqual({ B1: { S1: { duty: ['good'], clean: ['fair'] } } });
    (q('[data-test=submit-sheet]') as HTMLButtonElement).click();
    await flush();

    // First press counts: the voter is asked before anything is sent, and a cancel sends nothing.
    const first = FakeSocket.last();
    expect(dialog.open).toBe(true);
    expect(dialog.request?.message).toContain('提交后不能更改');
    settleDialog(false);
    await flush();
    expect(first.lastSent('cast_sheet')).toBeUndefined();
    (q('[data-test=submit-sheet]') as HTMLButtonElement).click();
    await flush();
    settleDialog(true);
    await flush();
    expect(localStorage.getItem('dais.sheets.v-1.drafts')).toBe('{}');

    const cast = first.lastSent('cast_sheet')!;
    expect(cast).toMatchObject({ ballot: 'B1', marks: { S1: { duty: ['good'], clean: ['fair'] } } });
    expect(cast.receipt).toMatch(/^[0-9a-f]{64}$/);
    expect(cast.change_key).toMatch(/^[0-9a-f]{64}$/);
    expect(cast.change_key).not.toBe(cast.receipt);
    expect(q('[data-test=sheet]')?.dataset.state).toBe('sending');

    // The Wi-Fi drops before the ack: the sheet waits on the device.
    first.close(1006);
    await flush();
    expect(session.status).toBe('offline');
    expect(q('[data-test=sheet]')?.dataset.state).toBe('pending');
    const stored = JSON.parse(localStorage.getItem('dais.sheets.v-1')!);
    expect(stored.B1).toMatchObject({ key: cast.idempotency_key, receipt: cast.receipt, state: 'pending' });
    expect(q('[data-test=receipt]')).toBeNull();

    // Back online: resumed, and the same sheet goes out with the same key.
    vi.advanceTimersByTime(600);
    const second = FakeSocket.last();
    expect(second).not.toBe(first);
    second.accept();
    expect(second.sent[0]).toMatchObject({ type: 'hello', resume_from: 10 });
    second.deliver(welcome(12, true));
    await flush();
    const again = second.lastSent('cast_sheet')!;
    expect(again.idempotency_key).toBe(cast.idempotency_key);
    expect(again.receipt).toBe(cast.receipt);
    expect(again.change_key).toBe(cast.change_key);
    expect(q('[data-test=sheet]')?.dataset.state).toBe('sending');

    second.deliver({ type: 'ack', id: again.id, seq: 12, result: { ballot: 'B1' }, duplicate: true });
    await flush();
    expect(q('[data-test=sheet]')?.dataset.state).toBe('confirmed');
    expect(q('[data-test=receipt]')?.textContent?.replace(/\s/g, '')).toContain(String(cast.receipt));
    // What the tablet shows to have the sheet checked is the receipt, never the change key.
    expect(document.body.textContent?.replace(/\s/g, '')).not.toContain(String(cast.change_key));
    // Acked: the tablet shows "submitted" and the receipt, and neither the page nor the storage holds the marks.
    expect(q('[data-test=submitted]')).not.toBeNull();
    expect(root.querySelectorAll('.grade')).toHaveLength(0);
    const raw = localStorage.getItem('dais.sheets.v-1')!;
    expect(raw).toContain(String(cast.receipt));
    expect(raw).not.toContain('marks');
    expect(raw).not.toContain('fair');
    expect(q('[data-test=receipt-qr]')).not.toBeNull();
  });

  it('starts a change of a confirmed sheet from an empty sheet, and says so', async () => {
    const s = FakeSocket.last();
    const changeable = { ...template, id: 'fin', change: 'until_close' };
    s.deliver({
      type: 'update', seq: 13, server_time: Date.now(),
      sections: {
        hearing: { ...view.hearing, ballot_templates: [template, changeable] },
        ballots: { items: [{ id: 'B3', template_id: 'fin', slots: ['S1'], status: 'open' }] },
      },
    });
    await flush();
    expect(q('[data-test=sheet]')?.dataset.ballot).toBe('B3');
    (q('[data-dimension=duty] [data-grade=good]') as HTMLButtonElement).click();
    (q('[data-dimension=clean] [data-grade=good]') as HTMLButtonElement).click();
    await flush();
    (q('[data-test=submit-sheet]') as HTMLButtonElement).click();
    await flush();
    expect(dialog.open).toBe(false); // a changeable, complete sheet goes without a question
    const cast = s.lastSent('cast_sheet')!;
    s.deliver({ type: 'ack', id: cast.id, seq: 14, result: { ballot: 'B3' } });
    await flush();
    expect(q('[data-test=sheet]')?.dataset.state).toBe('confirmed');
    (q('[data-test=change-sheet]') as HTMLButtonElement).click();
    await flush();
    expect(q('[data-test=change-starts-empty]')).not.toBeNull();
    // Another voter's sheet moves the turnout: the change just begun stays open.
    s.deliver({
      type: 'update', seq: 15, server_time: Date.now(),
      sections: { ballots: { items: [{ id: 'B3', template_id: 'fin', slots: ['S1'], status: 'open', turnout: { voted: 5, eligible: 9, present: 9 } }] } },
    });
    await flush();
    expect(q('[data-test=change-starts-empty]')).not.toBeNull();
    expect(root.querySelectorAll('.grade.selected')).toHaveLength(0);
    expect(q('.sheet-progress')?.textContent).toContain('0/2');
    (q('[data-dimension=duty] [data-grade=fair]') as HTMLButtonElement).click();
    (q('[data-dimension=clean] [data-grade=fair]') as HTMLButtonElement).click();
    await flush();
    (q('[data-test=submit-sheet]') as HTMLButtonElement).click();
    await flush();
    const change = s.lastSent('cast_sheet')!;
    expect(change).toMatchObject({ ballot: 'B3', receipt: cast.receipt, marks: { S1: { duty: ['fair'], clean: ['fair'] } } });
    expect(change.idempotency_key).not.toBe(cast.idempotency_key);
    s.deliver({ type: 'ack', id: change.id, seq: 15, result: { ballot: 'B3' } });
    await flush();
    expect(q('[data-test=sheet]')?.dataset.state).toBe('changed');

    // The ballot closes: a draft begun on it is deleted.
    (q('[data-test=change-sheet]') as HTMLButtonElement).click();
    await flush();
    (q('[data-dimension=duty] [data-grade=good]') as HTMLButtonElement).click();
    await flush();
    expect(localStorage.getItem('dais.sheets.v-1.drafts')).toContain('B3');
    s.deliver({
      type: 'update', seq: 16, server_time: Date.now(),
      sections: { ballots: { items: [{ id: 'B3', template_id: 'fin', slots: ['S1'], status: 'closed' }] } },
    });
    await flush();
    expect(localStorage.getItem('dais.sheets.v-1.drafts')).toBe('{}');
    s.deliver({
      type: 'update', seq: 17, server_time: Date.now(),
      sections: { hearing: view.hearing, ballots: view.ballots },
    });
    await flush();
  });

  it('explains a sheet that reached the server only after the ballot closed', async () => {
    const s = FakeSocket.last();
    s.deliver({
      type: 'update', seq: 18, server_time: Date.now(),
      sections: { ballots: { items: [...view.ballots.items, { id: 'B2', template_id: 'per', slots: ['S1'], status: 'open' }] } },
    });
    await flush();
    // Vote on B2 while offline, then the ballot closes before the device is back.
    s.close(1006);
    await flush();
    const { castSheet } = await import('../src/state/session');
    castSheet('B2', { S1: { duty: ['good'], clean: ['good'] } });
    vi.advanceTimersByTime(20_000);
    const back = FakeSocket.last();
    back.accept();
    back.deliver(welcome(20, false));
    await flush();
    const cast = back.lastSent('cast_sheet')!;
    back.deliver({ type: 'error', id: cast.id, code: 'ballot_closed', message: 'the ballot is closed' });
    await flush();
    expect(session.sheets.B2.state).toBe('closed');
    expect(q('[data-test=sheet-lost]')).not.toBeNull();
    (q('[data-test=sheet-lost-ok]') as HTMLButtonElement).click();
    await flush();
    expect(q('[data-test=sheet-lost]')).toBeNull();
  });
});
