// The dialog's input follows what it asks for: one line, several lines (an answer summary keeps its line
// breaks), or a calendar date (a commitment's due date arrives as YYYY-MM-DD, as record_commitment wants).
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import ConfirmDialog from '../src/components/ConfirmDialog.vue';
import { i18n } from '../src/i18n';
import { askText } from '../src/state/dialog';

let root: HTMLElement;
const field = () => root.querySelector('[data-test=dialog-input]') as HTMLInputElement | HTMLTextAreaElement | null;
const ok = () => (root.querySelector('[data-test=dialog-ok]') as HTMLButtonElement).click();

async function type(value: string) {
  await nextTick();
  const el = field();
  if (!el) throw new Error('no input');
  el.value = value;
  el.dispatchEvent(new Event('input'));
  await nextTick();
}

describe('dialog inputs', () => {
  beforeAll(() => {
    root = document.createElement('div');
    document.body.appendChild(root);
    createApp(ConfirmDialog).use(i18n).mount(root);
  });

  it('asks for a reason on one line', async () => {
    const answer = askText('问题', '理由');
    await nextTick();
    expect(field()?.tagName).toBe('INPUT');
    expect(field()?.getAttribute('type')).toBeNull();
    await type('与议题无关');
    ok();
    expect(await answer).toBe('与议题无关');
  });

  it('takes an answer summary over several lines and keeps the breaks', async () => {
    const answer = askText('问题', '答复摘要', undefined, 'lines');
    await nextTick();
    expect(field()?.tagName).toBe('TEXTAREA');
    await type('一、已整改\n二、年内销号');
    // Enter alone is a new line in a summary, not a save.
    field()?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await nextTick();
    expect(root.querySelector('[data-test=dialog]')).not.toBeNull();
    ok();
    expect(await answer).toBe('一、已整改\n二、年内销号');
  });

  it('takes a due date from a date picker', async () => {
    const answer = askText('承诺', '期限', undefined, 'date');
    await nextTick();
    expect(field()?.tagName).toBe('INPUT');
    expect(field()?.getAttribute('type')).toBe('date');
    await type('2027-03-31');
    ok();
    expect(await answer).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('saves nothing while the input is empty', async () => {
    const answer = askText('承诺', '期限', undefined, 'date');
    await nextTick();
    ok();
    expect(root.querySelector('[data-test=dialog]')).not.toBeNull();
    await type('2027-03-31');
    ok();
    expect(await answer).toBe('2027-03-31');
  });
});
