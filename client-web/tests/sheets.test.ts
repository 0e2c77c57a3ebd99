import { describe, expect, it } from 'vitest';
import { SheetOutbox } from '../src/state/sheets';
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
    expect(box.get('B1')!.marks).toEqual(marks);
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
});
