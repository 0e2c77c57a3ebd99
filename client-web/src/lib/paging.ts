// Paging for the hall's big screen: a list too long for one 1920×1080 screen is shown a page at a time, each
// page for a readable while. Pure functions here; the screen (components/DisplayScreen.vue) runs the timer.

// How many rows one page of the big screen holds: bars of a chart, lines of the ranking.
export const CHART_ROWS_PER_PAGE = 8;
export const RANKING_ROWS_PER_PAGE = 8;
// Long enough to find one's own unit in a page of eight and read its figures.
export const DEFAULT_PAGE_MS = 12_000;
const MIN_PAGE_MS = 50;

// The items cut into pages of at most `per` (at least one page, even when empty). Pages are balanced: nine
// items at eight a page make 5 + 4, not 8 + 1 with a lonely last page.
export function slices<T>(items: readonly T[], per: number): T[][] {
  const size = Math.max(1, Math.floor(per));
  if (items.length <= size) return [items.slice()];
  const count = Math.ceil(items.length / size);
  const base = Math.floor(items.length / count);
  const extra = items.length % count;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = base + (i < extra ? 1 : 0);
    out.push(items.slice(at, at + n));
    at += n;
  }
  return out;
}

// The page interval: `?page_ms=N` on the screen's address sets it (rehearsals, tests), else the default.
export function pageInterval(search: string): number {
  const raw = new URLSearchParams(search).get('page_ms');
  const n = raw === null ? NaN : Number(raw);
  return Number.isFinite(n) && n >= MIN_PAGE_MS ? Math.floor(n) : DEFAULT_PAGE_MS;
}

// The page after `index` of `count`, wrapping round; a page index left over from a longer list starts again.
export function nextPage(index: number, count: number): number {
  if (count <= 1) return 0;
  return index + 1 >= count ? 0 : index + 1;
}
