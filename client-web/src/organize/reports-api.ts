// The records a commission files, read by any signed-in account: /organize/api/hearings/<id>/report.json
// (what the printable 结果通报 shows), results.xlsx and minutes.html (docs/protocol.md, Organizer API).

export interface Turnout {
  expected: number;
  present: number;
  issued: number;
  voted: number;
  valid?: number;
  invalid?: number;
}

// One voter group's counts in one section; only where the ballot's group_counts are shown.
export interface GroupSection {
  group: string;
  cast: number;
  valid: number;
  invalid: number;
  counts: Record<string, number>;
}

export interface DimensionResult {
  dimension: string;
  label: string;
  cast: number;
  valid: number;
  invalid: number;
  counts: Record<string, number>;
  satisfaction: number | null;
  points: number | null;
  by_group?: GroupSection[];
}

export interface PresenterResult {
  slot: string;
  unit: string;
  presenter: string;
  name: string;
  rank: number;
  verdict: string;
  flags: string[];
  satisfaction: number | null;
  points: number | null;
  dimensions: DimensionResult[];
}

// Whether the ballot's voter groups are broken out (the k rule, docs/security.md); `note` says why not.
export interface GroupCounts {
  shown: boolean;
  reason: 'shown' | 'not_by_group' | 'small_group' | 'live_counts' | 'order_unknown';
  k: number;
  note: string;
  groups: { group: string; name: string; cast: number }[];
}

export interface BallotResult {
  ballot: string;
  template: string;
  title: string;
  status: 'closed' | 'published';
  turnout: Turnout;
  group_counts: GroupCounts;
  presenters: PresenterResult[];
}

export interface Report {
  locale: string;
  phase: string;
  head_hash: string;
  events: number;
  expected: number;
  present: number;
  // template → dimension → its grades in the sheet's order
  grades: Record<string, Record<string, { id: string; label: string }[]>>;
  results: {
    hearing: { id: string; title: string; date: string; venue: string };
    ballots: BallotResult[];
  };
}

export function reportUrl(id: string, file: 'report.json' | 'results.json' | 'results.xlsx' | 'minutes.html'): string {
  return `/organize/api/hearings/${encodeURIComponent(id)}/${file}`;
}

// null when the session ended; throws 'not_found' for an unknown hearing, else the status.
export async function loadReport(id: string): Promise<Report | null> {
  const res = await fetch(reportUrl(id, 'report.json'), { credentials: 'same-origin' });
  if (res.status === 401) return null;
  if (res.status === 404) throw new Error('not_found');
  if (!res.ok) throw new Error(`report: ${res.status}`);
  return (await res.json()) as Report;
}
