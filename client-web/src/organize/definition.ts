// The hearing definition as the organizer's editors hold it: the `dais import` format,
// protocol/hearing-definition.schema.json (docs/definition.md). Optional fields stay optional so a
// definition read from the server goes back unchanged where nobody edited it.

import type { ReviewItem } from '../protocol/view';

export type { ReviewItem } from '../protocol/view';
export type Id = string;

// [numerator, denominator], compared exactly by the server.
export type Fraction = [number, number];

export type Comparison = 'at_least' | 'more_than' | 'less_than' | 'at_most';
export type Metric = 'satisfaction' | 'points';

export type Role = 'chair' | 'secretary' | 'presenter' | 'questioner' | 'voter' | 'display' | 'scrutineer';
export const ROLES: readonly Role[] = ['chair', 'secretary', 'presenter', 'questioner', 'voter', 'display', 'scrutineer'];

export interface VoterGroup {
  id: Id;
  name: string;
  weight?: number;
}

export interface Participant {
  id: Id;
  name: string;
  post?: string;
  groups?: Id[];
  roles: Role[];
  // A code card (随机测评码): roles ['voter'], one voter group, a neutral name; made by the code-card section.
  card?: boolean;
}

export type SlotKind = 'presenter' | 'remark' | 'break';
export type SlotMode = 'oral' | 'written';

// A presenter slot (kind absent or 'presenter') has a presenter; a remark or break has a title and no presenter.
export interface Slot {
  id: Id;
  kind?: SlotKind;
  presenter?: Id;
  title?: string;
  mode?: SlotMode;
  report_limit_s?: number;
  qa_budget_s?: number;
  // A presenter's commitments under review (回头看), taken from the ledger; absent when there are none.
  review?: ReviewItem[];
}

export interface Grade {
  id: Id;
  label: string;
  points?: number;
  // false for 不了解: counted, but not a valid vote.
  valid?: boolean;
}

export interface Dimension {
  id: Id;
  label: string;
  grades: Grade[];
}

export type BallotScope = 'per_presenter' | 'combined';
export type BallotChange = 'first_press' | 'until_close';

export interface BallotTemplate {
  id: Id;
  title: string;
  scope?: BallotScope;
  dimensions: Dimension[];
  anonymous?: boolean;
  change?: BallotChange;
  eligible_groups?: Id[];
  rule: Id;
}

export type ShareBase = 'valid' | 'cast' | 'members';

export interface ShareCondition {
  grades: Id[];
  op: Comparison;
  share: Fraction;
  of?: ShareBase;
  verdict: string;
}

export interface ScoreBand {
  min: number;
  verdict: string;
}

export interface FlagRule {
  metric: Metric;
  op: Comparison;
  threshold: number;
  label: string;
}

export interface ScoringRule {
  id: Id;
  name: string;
  dimension?: Id;
  satisfied_grades?: Id[];
  weight_groups?: boolean;
  shares?: ShareCondition[];
  bands?: ScoreBand[];
  otherwise?: string;
  flags?: FlagRule[];
  rank_by?: Metric;
}

export type LiveResults = 'everyone' | 'chair_and_display' | 'chair' | 'nobody';
export type ResultsWhen = 'on_site' | 'later';

export interface Settings {
  live_results?: LiveResults;
  results?: ResultsWhen;
  k_anonymity?: number;
  voting_requires_check_in?: boolean;
  quorum?: Fraction;
  voters_may_check_receipts?: boolean;
  inquiries_per_author?: number;
  close_warning_turnout?: number;
  rehearsal?: boolean;
  // Code cards: the cards vote, persons only attend (and keep their other roles).
  code_cards?: boolean;
  locale?: string;
}

export interface HearingDefinition {
  id: Id;
  title: string;
  date: string;
  venue?: string;
  voter_groups?: VoterGroup[];
  participants: Participant[];
  agenda: Slot[];
  ballot_templates: BallotTemplate[];
  rules: ScoringRule[];
  settings?: Settings;
}

// A problem the server found (POST check, PUT definition): the JSON pointer of the field and a message.
export interface FieldError {
  field: string;
  message: string;
}

export type EditorTab = 'basics' | 'roster' | 'agenda' | 'sheet' | 'settings';

function under(field: string, top: string): boolean {
  return field === top || field.startsWith(top + '/');
}

// The editor tab that shows the field a JSON pointer names, so an error can open it.
export function tabOf(field: string): EditorTab {
  if (under(field, '/agenda')) return 'agenda';
  if (under(field, '/ballot_templates') || under(field, '/rules')) return 'sheet';
  if (under(field, '/settings') || under(field, '/voter_groups')) return 'settings';
  if (under(field, '/participants')) return 'roster';
  return 'basics';
}

// The error when it names a field under `prefix` (e.g. '/agenda'), else null.
export function errorUnder(error: FieldError | null | undefined, prefix: string): FieldError | null {
  return error && under(error.field, prefix) ? error : null;
}

// Whether the error names this field or something inside it (e.g. '/agenda/1' for '/agenda/1/presenter').
export function errorAt(error: FieldError | null | undefined, field: string): boolean {
  return !!error && under(error.field, field);
}

// A deep copy to edit and emit, so the parent's object is never changed in place.
export function cloneDefinition(definition: HearingDefinition): HearingDefinition {
  return JSON.parse(JSON.stringify(definition)) as HearingDefinition;
}

// A fresh id of the form `${prefix}${n}` not yet among `taken` (ids match ^[A-Za-z0-9_-]{1,32}$).
export function freshId(prefix: string, taken: Iterable<string>): Id {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const id = `${prefix}${n}`;
    if (!used.has(id)) return id;
  }
}

export function isPresenterSlot(slot: Slot): boolean {
  return slot.kind === undefined || slot.kind === 'presenter';
}

// A changed copy of the definition: the editors emit this and never change the object they were given.
export function edited(definition: HearingDefinition, change: (copy: HearingDefinition) => void): HearingDefinition {
  const copy = cloneDefinition(definition);
  change(copy);
  return copy;
}

// Moves the item at `from` to position `to` of the list, in place.
export function moveItem<T>(list: T[], from: number, to: number): void {
  if (from === to || from < 0 || to < 0 || from >= list.length || to >= list.length) return;
  const [item] = list.splice(from, 1);
  list.splice(to, 0, item);
}

// Seconds as minutes for a form field, and minutes typed back as whole seconds (the definition counts seconds).
export function toMinutes(seconds: number): number {
  return Math.round((seconds / 60) * 100) / 100;
}
export function toSeconds(minutes: number): number {
  return Math.max(0, Math.round(minutes * 60));
}

// The defaults the server applies to a slot without times (docs/definition.md).
export const DEFAULT_REPORT_LIMIT_S = 480;
export const DEFAULT_QA_BUDGET_S = 600;
