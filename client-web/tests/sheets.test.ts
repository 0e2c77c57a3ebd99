import { describe, expect, it } from 'vitest';
import { SheetOutbox, sharedDevice } from '../src/state/sheets';
import { MemoryStorage } from './fake-socket';

const marks = { S1: { duty: ['good'] } };

describe('voter outbox', () => {
  it('saves a sheet with its receipt and key before it is sent', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    const s = box.cast('B1', marks);
    expect(s.receipt).toMatch(/^[0-9a-f]{64}$/);
    // The change key is a second, independent secret: showing the receipt must not give it away.
    expect(s.changeKey).toMatch(/^[0-9a-f]{64}$/);
    expect(s.changeKey).not.toBe(s.receipt);
    expect(s.key.length).toBeGreaterThan(0);
    expect(s.key.length).toBeLessThanOrEqual(64);
    const saved = JSON.parse(storage.getItem('k')!);
    expect(saved.B1.state).toBe('pending');
    expect(saved.B1.receipt).toBe(s.receipt);
    expect(box.due().map((x) => x.ballot)).toEqual(['B1']);
  });

  it('sends a sheet that was in flight when the page went away again, with the same key', () => {
    const storage = new MemoryStorage();
    const first = new SheetOutbox(storage, 'k');
    const s = first.cast('B1', marks);
    first.markSending('B1');
    const reloaded = new SheetOutbox(storage, 'k');
    expect(reloaded.due()).toHaveLength(1);
    expect(reloaded.due()[0].key).toBe(s.key);
    expect(reloaded.due()[0].receipt).toBe(s.receipt);
  });

  it('is confirmed only by the ack of its latest key', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    box.markSending('B1');
    box.confirm('B1', 'some-other-key', 1);
    expect(box.get('B1')!.state).toBe('sending');
    box.confirm('B1', s.key, 2);
    expect(box.get('B1')!.state).toBe('confirmed');
    expect(box.due()).toHaveLength(0);
  });

  it('goes back to the queue when the connection drops before the ack', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    box.markSending('B1');
    box.requeue('B1', s.key);
    expect(box.get('B1')!.state).toBe('pending');
    expect(box.get('B1')!.key).toBe(s.key);
  });

  it('keeps the receipt and takes a new key when a confirmed sheet is changed', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    box.confirm('B1', s.key, 1);
    const c = box.cast('B1', { S1: { duty: ['fair'] } });
    expect(c.receipt).toBe(s.receipt);
    expect(c.changeKey).toBe(s.changeKey);
    expect(c.key).not.toBe(s.key);
    expect(c.changed).toBe(true);
    expect(c.state).toBe('pending');
  });

  it('keeps the key when a sheet that never got through is edited again', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    const again = box.cast('B1', { S1: { duty: ['fair'] } });
    expect(again.key).toBe(s.key);
    expect(again.changed).toBe(false);
  });

  it('explains a sheet whose ballot closed before it got through', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    box.markSending('B1');
    box.reject('B1', s.key, 'ballot_closed', 'the ballot is closed');
    expect(box.get('B1')!.state).toBe('closed');
    // It will never be sent again: its marks are not kept for the explanation.
    expect(box.get('B1')!.marks).toBeUndefined();
    expect(box.due()).toHaveLength(0);
  });

  it('forgets a lost sheet only once the voter has read why, and nothing else', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    const lost = box.cast('B1', marks);
    box.reject('B1', lost.key, 'ballot_closed', 'closed');
    const kept = box.cast('B2', marks);
    box.dismiss('B2');
    expect(box.get('B2')?.key).toBe(kept.key);
    box.dismiss('B1');
    expect(box.get('B1')).toBeUndefined();
    expect(new SheetOutbox(storage, 'k').get('B1')).toBeUndefined();
  });

  it('marks other refusals as failed with the server message', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    const s = box.cast('B1', marks);
    box.reject('B1', s.key, 'not_checked_in', 'check in first');
    expect(box.get('B1')!.state).toBe('failed');
    expect(box.get('B1')!.error).toBe('check in first');
  });

  it('starts empty from unreadable storage', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', '{not json');
    expect(new SheetOutbox(storage, 'k').all()).toEqual([]);
  });

  it('keeps the marks only until the ack: the stored sheet then holds its receipt and nothing of the marks', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    const s = box.cast('B1', { S1: { duty: ['excellent'], clean: ['dunno'] } });
    box.markSending('B1');
    expect(storage.getItem('k')).toContain('excellent');
    box.confirm('B1', s.key, 1);
    const raw = storage.getItem('k')!;
    expect(raw).not.toContain('marks');
    expect(raw).not.toContain('excellent');
    expect(raw).not.toContain('dunno');
    expect(raw).toContain(s.receipt);
    expect(box.get('B1')!.marks).toBeUndefined();
    const reloaded = new SheetOutbox(storage, 'k');
    expect(reloaded.get('B1')).toMatchObject({ state: 'confirmed', receipt: s.receipt });
    expect(reloaded.get('B1')!.marks).toBeUndefined();
  });

  it('drops marks that an earlier version left with an acked sheet when it loads', () => {
    const storage = new MemoryStorage();
    storage.setItem('k', JSON.stringify({ B1: { ballot: 'B1', marks, receipt: 'r', changeKey: 'c', key: 'x', state: 'confirmed', changed: false } }));
    expect(new SheetOutbox(storage, 'k').get('B1')!.marks).toBeUndefined();
    expect(storage.getItem('k')).not.toContain('good');
  });

  it('keeps a draft across a reload until the submit, then only the sheet on its way holds the marks', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    box.setDraft('B1', { S1: { duty: ['fair'] } });
    const reloaded = new SheetOutbox(storage, 'k');
    expect(reloaded.draft('B1')).toEqual({ S1: { duty: ['fair'] } });
    const s = reloaded.cast('B1', { S1: { duty: ['fair'], clean: ['good'] } });
    expect(reloaded.draft('B1')).toBeUndefined();
    expect(storage.getItem('k.drafts')).toBe('{}');
    reloaded.confirm('B1', s.key, 1);
    expect(storage.getItem('k')).not.toContain('fair');
    expect(new SheetOutbox(storage, 'k').draft('B1')).toBeUndefined();
  });

  it('deletes the drafts of ballots that closed and keeps those of open ones', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    box.setDraft('B1', { S1: { duty: ['fair'] } });
    box.setDraft('B2', { S1: { duty: ['good'] } });
    expect(box.forgetClosed(new Set(['B2']))).toBe(true);
    expect(box.forgetClosed(new Set(['B2']))).toBe(false);
    expect(box.draft('B1')).toBeUndefined();
    expect(storage.getItem('k.drafts')).not.toContain('fair');
    expect(new SheetOutbox(storage, 'k').draft('B2')).toEqual({ S1: { duty: ['good'] } });
  });

  it('at the close keeps a sheet still waiting to go out, and drops the marks of a refused one', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    box.cast('B1', { S1: { duty: ['waiting'] } });
    const refused = box.cast('B2', { S1: { duty: ['refused'] } });
    box.reject('B2', refused.key, 'not_checked_in', 'check in first');
    box.forgetClosed(new Set());
    expect(box.get('B1')!.marks).toEqual({ S1: { duty: ['waiting'] } });
    expect(box.due().map((s) => s.ballot)).toEqual(['B1']);
    expect(storage.getItem('k')).not.toContain('refused');
  });

  it('forgets an emptied draft', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    box.setDraft('B1', marks);
    box.setDraft('B1', {});
    expect(box.allDrafts()).toEqual({});
  });
});

describe('shared tablet', () => {
  it('is turned on and off by the join link and remembered by the device', () => {
    const storage = new MemoryStorage();
    expect(sharedDevice('', storage)).toBe(false);
    expect(sharedDevice('?shared=1', storage)).toBe(true);
    expect(sharedDevice('', storage)).toBe(true);
    expect(sharedDevice('?lang=en&shared=0', storage)).toBe(false);
    expect(sharedDevice('?shared=yes', storage)).toBe(false);
  });
});

describe('a hearing started over', () => {
  it('forgets the sheets of the old run once a snapshot comes from further back in the log', () => {
    const storage = new MemoryStorage();
    const box = new SheetOutbox(storage, 'k');
    box.noteSeq(60);
    const s = box.cast('B1', marks);
    box.markSending('B1');
    box.confirm('B1', s.key, 1);
    box.setDraft('B2', marks);
    // The same position is no rollback; one before it is.
    expect(box.rolledBackTo(60)).toBe(false);
    expect(box.rolledBackTo(59)).toBe(true);

    // A page opened afresh remembers the position: the reset is seen even after a reload.
    const reloaded = new SheetOutbox(storage, 'k');
    expect(reloaded.rolledBackTo(0)).toBe(true);
    reloaded.startOver();
    expect(reloaded.get('B1')).toBeUndefined();
    expect(reloaded.draft('B2')).toBeUndefined();
    expect(reloaded.rolledBackTo(0)).toBe(false);
    // The old run's receipts are kept aside, not lost.
    expect(JSON.parse(storage.getItem('k.before-reset')!).B1.receipt).toBe(s.receipt);
    expect(new SheetOutbox(storage, 'k').all()).toEqual([]);
  });

  it('keeps an unsent sheet when the log only moved on', () => {
    const box = new SheetOutbox(new MemoryStorage(), 'k');
    box.noteSeq(10);
    box.cast('B1', marks);
    box.noteSeq(5);
    expect(box.rolledBackTo(10)).toBe(false);
    expect(box.due().map((x) => x.ballot)).toEqual(['B1']);
  });
});
