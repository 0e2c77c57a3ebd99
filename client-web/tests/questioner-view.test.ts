// The questioner's notice when their own inquiry is approved, asked or rejected: it appears once per change,
// leads to the inquiry (opening the follow-up while it is asked), and what was seen is remembered for the tab.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, nextTick } from 'vue';
import { i18n } from '../src/i18n';
import { connect } from '../src/state/session';
import QuestionerView from '../src/views/QuestionerView.vue';
import { FakeSocket } from './fake-socket';

const slot = {
  id: 'S1', presenter: { id: 'p1', name: '张三', post: '局长' }, title: '区水务局', mode: 'oral', stage: 'questioning',
  report: { limit_ms: 1, used_ms: 1, running_since: null }, qa: { limit_ms: 1, used_ms: 1, running_since: null },
};
const me = { id: 'q-1', name: '李四', roles: ['questioner'], checked_in: true };
function inquiry(id: string, status: string, extra: Record<string, unknown> = {}) {
  return { id, slot: 'S1', author: { id: 'q-1', name: '李四' }, text: `问题 ${id}`, parent: null, status, ...extra };
}
function inquiries(items: unknown[], asking: string | null = null) {
  return { items, queues: {}, asking };
}

let root: HTMLElement;
let seq = 10;
const q = (sel: string) => root.querySelector(sel) as HTMLElement | null;
const flush = async () => {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await nextTick();
  }
};
async function update(items: unknown[], asking: string | null = null) {
  FakeSocket.last().deliver({ type: 'update', seq: ++seq, server_time: Date.now(), sections: { inquiries: inquiries(items, asking) } });
  await flush();
}

describe('questioner view', () => {
  beforeAll(async () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    sessionStorage.clear();
    root = document.createElement('div');
    document.body.appendChild(root);
    createApp(QuestionerView).use(i18n).mount(root);
    connect('token-questioner');
    FakeSocket.last().accept();
    FakeSocket.last().deliver({
      type: 'welcome', protocol: 1, hearing: { id: 'h', title: 'T' }, participant: { id: 'q-1', name: '李四', roles: ['questioner'] },
      seq, server_time: Date.now(), resumed: false,
      view: {
        hearing: { id: 'h', title: 'T', phase: 'in_session', settings: {}, ballot_templates: [] },
        agenda: { current_slot: 'S1', slots: [slot] },
        inquiries: inquiries([inquiry('I1', 'submitted')]),
        me,
      },
    });
    await flush();
  });
  afterAll(() => vi.unstubAllGlobals());

  it('says nothing while the inquiry waits for review', () => {
    expect(q('[data-test=inquiry-alert]')).toBeNull();
  });

  it('announces the approval until it is seen, and only once', async () => {
    await update([inquiry('I1', 'approved')]);
    expect(q('[data-test=inquiry-alert]')?.dataset.status).toBe('approved');
    (q('[data-test=inquiry-alert-show]') as HTMLButtonElement).click();
    await flush();
    expect(q('[data-test=inquiry-alert]')).toBeNull();
    expect(JSON.parse(sessionStorage.getItem('dais.seenInquiryStatus')!)).toEqual({ I1: 'approved' });
    await update([inquiry('I1', 'approved', { upvotes: 2 })]);
    expect(q('[data-test=inquiry-alert]')).toBeNull();
  });

  it('leads to the follow-up when the inquiry is asked, ahead of other news', async () => {
    await update([inquiry('I1', 'asking'), inquiry('I2', 'rejected', { reject_reason: '重复' })], 'I1');
    expect(q('[data-test=inquiry-alert]')?.dataset.status).toBe('asking');
    expect(q('[data-test=follow-up-text]')).toBeNull();
    (q('[data-test=inquiry-alert-show]') as HTMLButtonElement).click();
    await flush();
    expect(q('[data-inquiry=I1] [data-test=follow-up-text]')).not.toBeNull();
    // Then the rejection, whose reason stays on the inquiry itself.
    expect(q('[data-test=inquiry-alert]')?.dataset.status).toBe('rejected');
    expect(q('[data-test=mine] [data-inquiry=I2] [data-test=reject-reason]')?.textContent).toContain('重复');
    (q('[data-test=inquiry-alert-close]') as HTMLButtonElement).click();
    await flush();
    expect(q('[data-test=inquiry-alert]')).toBeNull();
    expect(q('[data-test=mine] [data-inquiry=I2] [data-test=reject-reason]')).not.toBeNull();
  });
});
