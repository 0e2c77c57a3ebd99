// The check-in desk's logic, apart from the screen: finding people by name or post, filtering by group and
// presence, reading a scanned or typed check-in code, and checking in a whole group within the server's
// request rate (server/net/options.hpp: 20 requests a second per connection, bursts of 40).
import type { AttendanceSection, Turnout } from '../protocol/view';

export type DeskPerson = NonNullable<AttendanceSection['participants']>[number];
export type Presence = 'all' | 'present' | 'absent';
export interface DeskFilter {
  query: string;
  group: string; // '' for every group
  presence: Presence;
}

// Case, width and spacing do not matter when searching: "张 三", "张三" and "ＺＨＡＮＧ" find the same.
export function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

export function matches(p: DeskPerson, query: string): boolean {
  const q = fold(query);
  if (!q) return true;
  return [p.name, p.post ?? '', p.id].some((field) => fold(field).includes(q));
}

export function filterPeople(people: DeskPerson[], f: DeskFilter): DeskPerson[] {
  return people.filter(
    (p) =>
      matches(p, f.query) &&
      (!f.group || (p.groups ?? []).includes(f.group)) &&
      (f.presence === 'all' || (f.presence === 'present') === p.checked_in),
  );
}

// What a participant's check-in code holds: their id, behind a prefix that tells it from any other code.
export const checkInPrefix = 'dais-checkin:';
export function checkInCode(participant: string): string {
  return checkInPrefix + participant;
}

export type Lookup = { person: DeskPerson } | { error: 'empty' | 'not_found' | 'ambiguous' };

// A scanned code, or what the desk typed instead: a check-in code, an id, or a name that only one person has.
export function lookup(text: string, people: DeskPerson[]): Lookup {
  const raw = text.trim();
  if (!raw) return { error: 'empty' };
  const id = raw.startsWith(checkInPrefix) ? raw.slice(checkInPrefix.length) : raw;
  const byId = people.find((p) => p.id === id);
  if (byId) return { person: byId };
  const byName = people.filter((p) => fold(p.name) === fold(raw));
  if (byName.length === 1) return { person: byName[0] };
  return { error: byName.length > 1 ? 'ambiguous' : 'not_found' };
}

// Sends one request per id, pacing itself under the server's token bucket so a large group never meets the
// rate limit; stops at the first failure and reports how many went through.
export async function inTurn(
  ids: string[],
  sendOne: (id: string) => Promise<unknown>,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  pace = { burst: 30, perSecond: 15 },
): Promise<number> {
  let done = 0;
  for (const id of ids) {
    if (done >= pace.burst) await wait(1000 / pace.perSecond);
    await sendOne(id);
    done++;
  }
  return done;
}

// The share of the sheets handed out (发出) that came back (收回); 0 when none were handed out.
export function returnedShare(t: Turnout | undefined): number {
  if (!t) return 0;
  const issued = t.issued ?? t.present;
  return issued > 0 ? Math.min(1, t.voted / issued) : 0;
}

// Whether closing now deserves a warning: fewer sheets back than the hearing's close_warning_turnout.
export function lowTurnout(t: Turnout | undefined, threshold: number | undefined): boolean {
  const limit = threshold ?? 0.8;
  return limit > 0 && returnedShare(t) < limit;
}
