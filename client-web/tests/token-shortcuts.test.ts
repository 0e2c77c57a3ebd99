import { describe, expect, it } from 'vitest';
import { shortcutFor } from '../src/lib/shortcuts';
import { takeToken } from '../src/state/token';
import { MemoryStorage } from './fake-socket';

function fakeLocation(pathname: string, search = '', hash = '') {
  return { pathname, search, hash } as Location;
}
function fakeHistory() {
  const calls: string[] = [];
  return { calls, history: { replaceState: (_s: unknown, _t: string, url: string) => calls.push(url) } as unknown as History };
}

describe('join token', () => {
  it('is taken from /j/<token>, kept, and removed from the address bar', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const h = fakeHistory();
    expect(takeToken(fakeLocation('/j/AbC_d-1234567890'), h.history, storage)).toBe('AbC_d-1234567890');
    expect(storage.getItem('dais.token')).toBe('AbC_d-1234567890');
    expect(h.calls).toEqual(['/']);
  });

  it('comes from storage on a later visit, and the address bar is left alone', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('dais.token', 'kept-token-123');
    const h = fakeHistory();
    expect(takeToken(fakeLocation('/'), h.history, storage)).toBe('kept-token-123');
    expect(h.calls).toEqual([]);
  });

  it('ignores paths that are not a join link', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const h = fakeHistory();
    expect(takeToken(fakeLocation('/j/short'), h.history, storage)).toBeNull();
    expect(takeToken(fakeLocation('/j/has/slash/inside'), h.history, storage)).toBeNull();
    expect(h.calls).toEqual([]);
  });

  it('replaces an older token when a new link is opened', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('dais.token', 'old-token-123');
    expect(takeToken(fakeLocation('/j/new-token-456'), fakeHistory().history, storage)).toBe('new-token-456');
    expect(storage.getItem('dais.token')).toBe('new-token-456');
  });
});

describe('chair shortcuts', () => {
  const key = (k: string, target: Partial<HTMLElement> = { tagName: 'BODY' }, mods = {}) =>
    shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: target as EventTarget, ...mods });

  it('maps the frequent actions to single keys', () => {
    expect(key('n')).toBe('next');
    expect(key('N')).toBe('next');
    expect(key('2')).toBe('stage2');
    expect(key(' ')).toBe('timer');
    expect(key('e')).toBe('extend');
    expect(key('a')).toBe('ask');
    expect(key('?')).toBe('help');
    expect(key('x')).toBeNull();
  });

  it('never fires while typing or with a modifier', () => {
    expect(key('n', { tagName: 'INPUT' })).toBeNull();
    expect(key('n', { tagName: 'TEXTAREA' })).toBeNull();
    expect(key('n', { tagName: 'SELECT' })).toBeNull();
    expect(key('n', { tagName: 'DIV', isContentEditable: true })).toBeNull();
    expect(key('n', { tagName: 'BODY' }, { ctrlKey: true })).toBeNull();
    expect(key('n', { tagName: 'BODY' }, { metaKey: true })).toBeNull();
  });
});
