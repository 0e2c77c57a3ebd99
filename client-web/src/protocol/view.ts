// The role-filtered view the server sends in `welcome` and `update` (server/core/view.cpp). Sections are
// replaced whole; fields a role may not see are simply absent, so every field here is read defensively.
export type Role = 'chair' | 'secretary' | 'presenter' | 'questioner' | 'voter' | 'display' | 'scrutineer';
export type Phase = 'draft' | 'check_in' | 'in_session' | 'paused' | 'adjourned';
export type Stage = 'waiting' | 'reporting' | 'questioning' | 'evaluating' | 'done' | 'skipped';
// The stages a chair can move a slot forward to.
export type ForwardStage = 'reporting' | 'questioning' | 'evaluating' | 'done';
export type TimerKind = 'report' | 'qa';
export type InquiryStatus = 'submitted' | 'approved' | 'rejected' | 'asking' | 'answered' | 'withdrawn';
export type BallotStatus = 'pending' | 'open' | 'closed' | 'published' | 'voided';

export interface Timer {
  limit_ms: number;
  used_ms: number;
  running_since: number | null;
}

export interface Grade {
  id: string;
  label: string;
  points?: number;
  valid?: boolean;
}
export interface Dimension {
  id: string;
  label: string;
  grades: Grade[];
}
export interface BallotTemplate {
  id: string;
  title: string;
  scope: 'per_presenter' | 'combined';
  dimensions: Dimension[];
  anonymous?: boolean;
  change?: 'first_press' | 'until_close';
  eligible_groups?: string[];
}

export interface Person {
  id: string;
  name: string;
  post?: string;
}

// What the chair has the hall's big screen show (set_display); `auto` follows the hearing.
export type DisplayMode = 'auto' | 'current' | 'asking' | 'tally' | 'results' | 'attendance' | 'message' | 'blank';
export const displayModes: DisplayMode[] = ['auto', 'current', 'asking', 'tally', 'results', 'attendance', 'message', 'blank'];

export interface HearingSection {
  id: string;
  title: string;
  date?: string;
  venue?: string;
  phase: Phase;
  display?: { mode: DisplayMode; message: string };
  settings?: {
    rehearsal?: boolean; // a rehearsal (演练): every screen says so
    live_results?: string;
    results?: string;
    k_anonymity?: number;
    voting_requires_check_in?: boolean;
    quorum?: [number, number];
    voters_may_check_receipts?: boolean;
    close_warning_turnout?: number;
    locale?: string;
  };
  voter_groups?: Array<{ id: string; name: string; weight?: number }>;
  ballot_templates?: BallotTemplate[];
}

export interface AttendanceSection {
  expected: number;
  present: number;
  quorum: [number, number]; // [num, den], as the definition writes it
  quorum_met: boolean;
  checked_in?: number;
  groups?: Array<{ id: string; name: string; expected: number; present: number }>;
  // chair and secretary only
  participants?: Array<{
    id: string;
    name: string;
    post?: string;
    groups?: string[];
    roles?: Role[];
    checked_in: boolean;
    revoked?: boolean;
    card?: boolean; // a code card (settings.code_cards): it checks itself in when opened, never at the desk
  }>;
}

// A presenter's slot, or an item that is not one (an opening remark or 讲话, a break): that has a title and its
// one timer (report) and no presenter, questions or ballot.
export type SlotKind = 'presenter' | 'remark' | 'break';
export interface SlotView {
  id: string;
  kind?: SlotKind;  // the server always sends it; absent, as in older snapshots, it is a presenter's slot
  title: string;
  mode: 'oral' | 'written';
  presenter: Person | null;
  stage: Stage;
  report: Timer;
  qa: Timer;
}
// One commitment under review (回头看): what the unit promised at an earlier hearing and how the rectification
// ledger had it when the organizer took it into the slot.
export type ReviewStatus = 'open' | 'in_progress' | 'done' | 'overdue';
export interface ReviewItem {
  from: string; // the hearing it was made at: "<title> · <date>"
  text: string;
  due: string;
  status: ReviewStatus;
  progress?: string; // the latest progress note; empty or absent when none
}
export interface AgendaSection {
  current_slot: string | null;
  slots: SlotView[];
  // The current slot's commitments under review; absent when it has none, and on screens that do not show it.
  review?: ReviewItem[];
}

export interface Commitment {
  text: string;
  due: string;
}
export interface InquiryView {
  id: string;
  slot: string;
  author: Person;
  text: string;
  parent: string | null;
  status: InquiryStatus;
  answer_summary?: string;
  commitments?: Commitment[];
  upvotes?: number;
  submitted_at?: number;
  reject_reason?: string; // desk and the author only
  upvoters?: string[]; // chair only
}
export interface InquiriesSection {
  items: InquiryView[];
  queues: Record<string, string[]>;
  asking: string | null;
}

// A ballot's counts as reports state them (docs/protocol.md, "Counts"): 应到 expected, 实到 present, 发出
// issued (eligible voters present), 收回 voted, 有效 valid / 无效 invalid (null until the ballot closes).
// expected, present and issued stand still from the close on.
export interface Turnout {
  voted: number;
  eligible: number;
  present: number;
  expected?: number;
  issued?: number;
  valid?: number | null;
  invalid?: number | null;
  paper?: number; // of voted (收回), sheets entered from paper; absent when none
}
export interface BallotView {
  id: string;
  template_id: string;
  title?: string;
  anonymous?: boolean;
  slots: string[];
  status: BallotStatus;
  rerun_of?: string | null;
  void_reason?: string;
  turnout?: Turnout;
  voted?: string[]; // chair only
  not_submitted?: string[]; // chair only, open ballots: present, eligible, not yet submitted (未提交名单)
  paper?: PaperStatus; // chair and secretary, anonymous ballots
}
// Paper sheets (纸质票) of an anonymous ballot, as the desk sees them: numbers only, never an entry's marks.
export interface PaperStatus {
  handed_out: number;
  takers: string[]; // who took a paper sheet (the desk handed it to them)
  counted: number;
  awaiting: number[]; // sheet numbers entered once
  disputed: number[]; // sheet numbers whose entries disagree
  groups?: string[]; // where the rule weights voter groups: the groups an entry names (each group's sheets in its colour)
}
export interface BallotsSection {
  items: BallotView[];
}

// The k-anonymous live count of one open ballot: slot → dimension → grade → marks (all groups).
export interface BallotTally {
  ballot: string;
  sheets: number;
  sections: Record<string, Record<string, { marks: Record<string, number>; invalid: number }>>;
}
export interface TallySection {
  visible: boolean;
  ballots: BallotTally[];
}

export interface SectionResult {
  dimension: string;
  cast: number;
  valid: number;
  invalid: number;
  counts: Record<string, number>;
  satisfaction?: number | null;
  points?: number | null;
}
export interface PresenterResult {
  slot: string;
  title?: string;
  presenter: Person;
  rank: number;
  verdict: string;
  flags: string[];
  satisfaction?: number | null;
  points?: number | null;
  dimensions: SectionResult[];
}
export interface BallotResult {
  ballot: string;
  status?: BallotStatus;
  turnout: Turnout;
  presenters: PresenterResult[];
}
export interface ResultsSection {
  ballots: BallotResult[];
}

export interface MeSection {
  id: string;
  name: string;
  post?: string;
  roles: Role[];
  groups?: string[];
  checked_in: boolean;
  revoked?: boolean;
  inquiries?: InquiryView[];
  upvoted?: string[];
  // for a presenter: the approved, asked and answered inquiries of each of their slots
  presenting?: Array<{ slot: string; inquiries: InquiryView[] }>;
  // the ballots this participant may vote on: whether they did (marks only for named ballots)
  // reminded_at: the chair's reminder to submit (remind_voters), while the ballot is open and the sheet not in
  // paper: they took a paper sheet of the ballot at the desk (纸质票) and vote on it, not on the tablet
  ballots?: Array<{ ballot: string; voted: boolean; marks?: Marks; reminded_at?: number; paper?: boolean }>;
}

export interface Sections {
  hearing: HearingSection;
  attendance: AttendanceSection;
  agenda: AgendaSection;
  inquiries: InquiriesSection;
  ballots: BallotsSection;
  tally: TallySection;
  results: ResultsSection;
}
export type SectionName = keyof Sections;
export const sectionNames: SectionName[] = [
  'hearing',
  'attendance',
  'agenda',
  'inquiries',
  'ballots',
  'tally',
  'results',
];

// Marks of one sheet: slot → dimension → grades.
export type Marks = Record<string, Record<string, string[]>>;
