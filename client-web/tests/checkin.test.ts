// The check-in desk's logic: search, filters, the code lookup, pacing a group check-in, and the share the
// turnout bar and the close warning read.
import { describe, expect, it } from 'vitest';
import { checkInCode, filterPeople, inTurn, lookup, lowTurnout, returnedShare } from '../src/lib/checkin';
import type { DeskPerson } from '../src/lib/checkin';

const people: DeskPerson[] = [
  { id: 'v001', name: '张三', post: '某镇党委书记', groups: ['members'], roles: ['voter'], checked_in: true, revoked: false },
  { id: 'v002', name: '李四', post: '区水务局局长', groups: ['deputies'], roles: ['voter'], checked_in: false, revoked: false },
  { id: 'v003', name: '王五', post: '某街道党工委书记', groups: ['deputies'], roles: ['voter'], checked_in: false, revoked: false },
  { id: 'v004', name: '李四', post: '群众代表', groups: ['citizens'], roles: ['voter'], checked_in: true, revoked: false },
  { id: 'screen', name: '大屏', post: '', groups: [], roles: ['display'], checked_in: false, revoked: false },
];
const ids = (list: DeskPerson[]) => list.map((p) => p.id);

describe('desk search and filters', () => {
  it('finds by name, post or id, whatever the spacing and width', () => {
    expect(ids(filterPeople(people, { query: '李 四', group: '', presence: 'all' }))).toEqual(['v002', 'v004']);
    expect(ids(filterPeople(people, { query: '书记', group: '', presence: 'all' }))).toEqual(['v001', 'v003']);
    expect(ids(filterPeople(people, { query: 'Ｖ003', group: '', presence: 'all' }))).toEqual(['v003']);
    expect(filterPeople(people, { query: '  ', group: '', presence: 'all' })).toHaveLength(5);
    expect(filterPeople(people, { query: '不存在', group: '', presence: 'all' })).toEqual([]);
  });
  it('filters by group and by presence, together with the search', () => {
    expect(ids(filterPeople(people, { query: '', group: 'deputies', presence: 'all' }))).toEqual(['v002', 'v003']);
    expect(ids(filterPeople(people, { query: '', group: '', presence: 'present' }))).toEqual(['v001', 'v004']);
    expect(ids(filterPeople(people, { query: '', group: '', presence: 'absent' }))).toEqual(['v002', 'v003', 'screen']);
    expect(ids(filterPeople(people, { query: '李四', group: 'deputies', presence: 'absent' }))).toEqual(['v002']);
    expect(filterPeople(people, { query: '', group: 'deputies', presence: 'present' })).toEqual([]);
  });
});

describe('check-in code lookup', () => {
  it('reads a scanned code, a typed id or a name only one person has', () => {
    expect(lookup(checkInCode('v003'), people)).toEqual({ person: people[2] });
    expect(lookup(' v002 ', people)).toEqual({ person: people[1] });
    expect(lookup('王五', people)).toEqual({ person: people[2] });
  });
  it('says why when it finds nobody or more than one', () => {
    expect(lookup('李四', people)).toEqual({ error: 'ambiguous' });
    expect(lookup('dais-checkin:v999', people)).toEqual({ error: 'not_found' });
    expect(lookup('https://example.org/j/abc', people)).toEqual({ error: 'not_found' });
    expect(lookup('   ', people)).toEqual({ error: 'empty' });
  });
});

describe('a group check-in', () => {
  it('sends one request per person in order and waits between them past the burst', async () => {
    const sent: string[] = [];
    const waits: number[] = [];
    const n = await inTurn(
      ['a', 'b', 'c', 'd'],
      async (id) => void sent.push(id),
      async (ms) => void waits.push(ms),
      { burst: 2, perSecond: 10 },
    );
    expect(n).toBe(4);
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
    expect(waits).toEqual([100, 100]); // before the third and the fourth
  });
  it('stops at the first refusal', async () => {
    const sent: string[] = [];
    const run = inTurn(['a', 'b', 'c'], async (id) => {
      if (id === 'b') throw new Error('rate_limited');
      sent.push(id);
    });
    await expect(run).rejects.toThrow('rate_limited');
    expect(sent).toEqual(['a']);
  });
});

describe('turnout against the sheets handed out', () => {
  const t = { voted: 7, eligible: 150, present: 101, expected: 150, issued: 100, valid: null, invalid: null };
  it('measures the sheets returned against the sheets issued, not the electorate', () => {
    expect(returnedShare(t)).toBeCloseTo(0.07);
    expect(returnedShare({ ...t, voted: 100 })).toBe(1);
    expect(returnedShare({ ...t, issued: 0 })).toBe(0);
    expect(returnedShare(undefined)).toBe(0);
  });
  it('warns below the hearing threshold, never at or above it, and not when it is 0', () => {
    expect(lowTurnout(t, 0.8)).toBe(true);
    expect(lowTurnout({ ...t, voted: 80 }, 0.8)).toBe(false);
    expect(lowTurnout({ ...t, voted: 79 }, 0.8)).toBe(true);
    expect(lowTurnout(t, 0)).toBe(false);
    expect(lowTurnout({ ...t, voted: 79 }, undefined)).toBe(true); // the default, 0.8
  });
});
