// /organize/api/…: the session is an HttpOnly cookie the page never sees; every change carries the CSRF token
// the server gave at sign-in (docs/protocol.md, Organizer API).
import type { HearingDefinition, Role } from './definition';

export interface Organizer {
  name: string;
  role: 'organizer' | 'observer';
  csrf: string;
}

export interface HearingRow {
  id: string;
  title: string;
  date: string;
  venue: string;
  phase: 'draft' | 'check_in' | 'in_session' | 'paused' | 'adjourned';
  rehearsal?: boolean; // a rehearsal (演练): may be reset to a clean draft
}

// A refused sign-in: wrong_credentials, locked or rate_limited (with `until`, ms since the epoch), or network.
export class SignInError extends Error {
  constructor(
    readonly code: string,
    readonly until?: number,
  ) {
    super(code);
  }
}

async function json(res: Response): Promise<Record<string, unknown>> {
  try {
    return (await res.json()) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export async function signIn(name: string, password: string): Promise<Organizer> {
  let res: Response;
  try {
    res = await fetch('/organize/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, password }),
      credentials: 'same-origin',
    });
  } catch {
    throw new SignInError('network');
  }
  const body = await json(res);
  if (res.ok) return body as unknown as Organizer;
  const until = typeof body.until === 'number' ? body.until : undefined;
  throw new SignInError(typeof body.error === 'string' ? body.error : 'unknown', until);
}

// The signed-in organizer, or null when the cookie is missing or the session ended.
export async function whoAmI(): Promise<Organizer | null> {
  const res = await fetch('/organize/api/me', { credentials: 'same-origin' });
  return res.ok ? ((await res.json()) as Organizer) : null;
}

export async function signOut(csrf: string): Promise<void> {
  await fetch('/organize/api/logout', {
    method: 'POST',
    headers: { 'X-CSRF-Token': csrf },
    credentials: 'same-origin',
  });
}

// null when the session ended meanwhile.
export async function listHearings(): Promise<HearingRow[] | null> {
  const res = await fetch('/organize/api/hearings', { credentials: 'same-origin' });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`hearings: ${res.status}`);
  return ((await res.json()) as { hearings: HearingRow[] }).hearings;
}

// A refusal of the organizer API: `code` is the server's error (signed_out, invalid, conflict, not_draft,
// read_only, too_many_rows, …), `field` the JSON pointer of an invalid definition's field.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message || code);
  }
}

// One request to /organize/api/<path>: its JSON answer, or an ApiError with the server's error code.
export async function call<T>(method: string, path: string, csrf?: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res: Response;
  try {
    res = await fetch(`/organize/api/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const answer = await json(res);
  if (res.ok) return answer as T;
  const text = (k: string) => (typeof answer[k] === 'string' ? (answer[k] as string) : '');
  // A body over the server's http_max_request_bytes is refused before any JSON: 413 too_large.
  const fallback = res.status === 401 ? 'signed_out' : res.status === 413 ? 'too_large' : 'unknown';
  throw new ApiError(res.status, text('error') || fallback, text('message'), text('field') || undefined);
}

const hearingPath = (id: string, rest: string) => `hearings/${encodeURIComponent(id)}/${rest}`;

export type CheckAnswer = { ok: true } | { ok: false; field: string; message: string };

// The rules of `dais check` over a definition being edited; nothing is saved.
export function checkDefinition(csrf: string, definition: HearingDefinition): Promise<CheckAnswer> {
  return call('POST', 'check', csrf, { definition });
}

export interface RosterCheckRow {
  name: string;
  post: string;
  groups: string[];
  roles: string[];
}

export interface RosterRowProblems {
  row: number; // from 0, in the order sent
  errors: { field: 'name' | 'post' | 'groups' | 'roles'; message: string }[];
}

// Each roster row's problems (and duplicates of an earlier row) before anything is saved.
// With code cards on, a person may hold no role (they only attend).
export async function checkRoster(csrf: string, voterGroups: string[], rows: RosterCheckRow[], codeCards = false): Promise<RosterRowProblems[]> {
  const answer = await call<{ rows: RosterRowProblems[] }>('POST', 'roster/check', csrf, {
    voter_groups: voterGroups,
    rows,
    ...(codeCards ? { code_cards: true } : {}),
  });
  return answer.rows;
}

export function createHearing(csrf: string, definition: HearingDefinition): Promise<{ id: string; phase: 'draft' }> {
  return call('POST', 'hearings', csrf, { definition });
}

export function getDefinition(id: string): Promise<HearingDefinition> {
  return call('GET', hearingPath(id, 'definition'));
}

export function saveDefinition(csrf: string, id: string, definition: HearingDefinition): Promise<{ id: string; phase: string }> {
  return call('PUT', hearingPath(id, 'definition'), csrf, { definition });
}

export interface JoinCard {
  participant: string;
  name: string;
  post?: string;
  groups?: string[];
  roles: Role[];
  link: string;
  card?: boolean; // a code card (随机测评码): printed in the shuffled stack of its group, never with a name
}

// A rehearsal back to a clean draft; with 'reissue' every card is printed anew (the old links stop working).
export async function resetRehearsal(csrf: string, id: string, tokens: 'keep' | 'reissue'): Promise<JoinCard[] | null> {
  const answer = await call<{ cards?: JoinCard[] }>('POST', hearingPath(id, 'reset'), csrf, { tokens });
  return answer.cards ?? null;
}

// Code cards on, with the number of cards for each voter group (unnamed groups: one per person in it), or
// off: the definition rewritten in one step, and every join link issued anew (the old ones stop working).
export async function setCodeCards(csrf: string, id: string, groups: Record<string, number>): Promise<JoinCard[]> {
  return (await call<{ cards: JoinCard[] }>('POST', hearingPath(id, 'code-cards'), csrf, { groups })).cards;
}
export async function codeCardsOff(csrf: string, id: string): Promise<JoinCard[]> {
  return (await call<{ cards: JoinCard[] }>('DELETE', hearingPath(id, 'code-cards'), csrf)).cards;
}

// Every participant's join link issued anew (the old ones stop working), for printing the cards.
export async function issueCards(csrf: string, id: string): Promise<JoinCard[]> {
  return (await call<{ cards: JoinCard[] }>('POST', hearingPath(id, 'cards'), csrf)).cards;
}
