// /organize/api/…: the session is an HttpOnly cookie the page never sees; every change carries the CSRF token
// the server gave at sign-in (docs/protocol.md, Organizer API).

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
