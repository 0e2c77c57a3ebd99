import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_MS, nextPage, pageInterval, slices } from '../src/lib/paging';

const agenda = (n: number) => Array.from({ length: n }, (_, i) => `s${i + 1}`);

describe('paging the big screen', () => {
  it('keeps every item exactly once, in order, for 15, 30 and 60 presenters', () => {
    for (const n of [1, 8, 9, 15, 30, 60]) {
      const pages = slices(agenda(n), 8);
      expect(pages.flat()).toEqual(agenda(n));
      for (const p of pages) expect(p.length).toBeLessThanOrEqual(8);
      expect(pages.length).toBe(Math.ceil(n / 8));
    }
  });

  it('balances the pages instead of leaving a lonely last one', () => {
    expect(slices(agenda(9), 8).map((p) => p.length)).toEqual([5, 4]);
    expect(slices(agenda(15), 8).map((p) => p.length)).toEqual([8, 7]);
    expect(slices(agenda(60), 8).map((p) => p.length)).toEqual([8, 8, 8, 8, 7, 7, 7, 7]);
  });

  it('gives one empty page for nothing', () => {
    expect(slices([], 8)).toEqual([[]]);
  });

  it('wraps round and restarts a page index left over from a longer list', () => {
    expect(nextPage(0, 3)).toBe(1);
    expect(nextPage(2, 3)).toBe(0);
    expect(nextPage(5, 2)).toBe(0);
    expect(nextPage(0, 1)).toBe(0);
  });

  it('takes the interval from the address, within reason', () => {
    expect(pageInterval('')).toBe(DEFAULT_PAGE_MS);
    expect(pageInterval('?page_ms=300')).toBe(300);
    expect(pageInterval('?page_ms=1')).toBe(DEFAULT_PAGE_MS);
    expect(pageInterval('?page_ms=abc')).toBe(DEFAULT_PAGE_MS);
  });
});
