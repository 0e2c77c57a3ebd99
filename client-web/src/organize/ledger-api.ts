// The rectification ledger (整改台账) and a unit's history across hearings: /organize/api/ledger and
// /organize/api/units/<unit>/history (docs/protocol.md, Organizer API). Observers read; organizers change.
import { call as request } from './api';
import type { ReviewItem } from './definition';

export type LedgerStatus = 'open' | 'in_progress' | 'done';
export const ledgerStatuses: LedgerStatus[] = ['open', 'in_progress', 'done'];

export interface LedgerNote {
  account: string;
  at_ms: number;
  text: string;
}

export interface LedgerEntry {
  id: number;
  hearing: { id: string; title: string; date: string };
  inquiry: string;
  unit: string;
  presenter: string;
  inquiry_text: string;
  text: string;
  promised_due: string;
  due: string;
  status: LedgerStatus;
  overdue: boolean; // past due and not done, by the server's clock
  done_on: string | null;
  kept: boolean | null; // done on or before the due date
  notes: LedgerNote[];
}

export interface Ledger {
  today: string;
  units: string[];
  entries: LedgerEntry[];
}

export interface LedgerFilters {
  status?: LedgerStatus;
  overdue?: boolean;
  unit?: string;
}

export interface UnitBallot {
  ballot: string;
  title: string;
  status: string;
  rank: number;
  of: number;
  verdict: string;
  flags: string[];
  satisfaction: number | null;
  points: number | null;
}

export interface CommitmentCounts {
  total: number;
  kept: number;
  late: number;
  overdue: number;
  open: number;
}

export interface UnitHearing {
  id: string;
  title: string;
  date: string;
  year: string;
  phase: string;
  slots: { slot: string; presenter: string; ballots: UnitBallot[] }[];
  commitments: CommitmentCounts;
}

export interface UnitHistory {
  unit: string;
  today: string;
  hearings: UnitHearing[];
}

export function loadLedger(filters: LedgerFilters = {}): Promise<Ledger> {
  const query: string[] = [];
  if (filters.status) query.push(`status=${filters.status}`);
  if (filters.overdue !== undefined) query.push(`overdue=${filters.overdue}`);
  if (filters.unit) query.push(`unit=${encodeURIComponent(filters.unit)}`);
  return request('GET', `ledger${query.length ? `?${query.join('&')}` : ''}`);
}

export function changeEntry(csrf: string, id: number, change: { due?: string; status?: LedgerStatus }): Promise<LedgerEntry> {
  return request('PATCH', `ledger/${id}`, csrf, change);
}

export function addNote(csrf: string, id: number, text: string): Promise<LedgerEntry> {
  return request('POST', `ledger/${id}/notes`, csrf, { text });
}

export function loadUnitHistory(unit: string): Promise<UnitHistory> {
  return request('GET', `units/${encodeURIComponent(unit)}/history`);
}

// A review hearing (回头看): the unit's commitments not done yet (all of them with `all`) taken into the slot of
// a draft whose log has not begun, as the ledger stands now; stored as the draft's definition.
export function takeReview(
  csrf: string,
  hearing: string,
  slot: string,
  unit: string,
  all = false,
): Promise<{ id: string; slot: string; review: ReviewItem[] }> {
  return request('POST', `hearings/${encodeURIComponent(hearing)}/review`, csrf, { slot, unit, all });
}
