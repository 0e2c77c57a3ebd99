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
}

export interface HearingSection {
  id?: string;
  title: string;
  date?: string;
  venue?: string;
  phase: Phase;
  settings?: Record<string, unknown>;
  ballot_templates?: BallotTemplate[];
}

export interface AttendanceSection {
  expected: number;
  present: number;
  quorum_met: boolean;
  quorum?: { num: number; den: number } | number;
  participants?: Array<{ id: string; name: string; post?: string; roles?: Role[]; checked_in: boolean }>;
}

export interface SlotView {
  id: string;
  presenter: string;
  presenter_name?: string;
  presenter_post?: string;
  title: string;
  mode: 'oral' | 'written';
  stage: Stage;
  report: Timer;
  qa: Timer;
}
export interface AgendaSection {
  current: string | null;
  slots: SlotView[];
}

export interface Commitment {
  text: string;
  due: string;
}
export interface InquiryView {
  id: string;
  slot: string;
  author?: string;
  author_name?: string;
  text: string;
  parent?: string | null;
  status: InquiryStatus;
  reject_reason?: string;
  answer_summary?: string;
  commitments?: Commitment[];
  upvotes?: number;
  upvoted?: boolean;
}
export interface InquiriesSection {
  items: InquiryView[];
  queue: Record<string, string[]>;
  asking: string | null;
}

export interface Turnout {
  voted: number;
  eligible: number;
  present: number;
}
export interface BallotView {
  id: string;
  template: string;
  title?: string;
  slots: string[];
  status: BallotStatus;
  turnout?: Turnout;
  rerun_of?: string | null;
  void_reason?: string;
}
export type BallotsSection = BallotView[];

// slot → dimension → grade → count
export interface BallotTally {
  sheets: number;
  counts: Record<string, Record<string, Record<string, number>>>;
  invalid?: Record<string, Record<string, number>>;
}
export type TallySection = Record<string, BallotTally>;

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
  presenter: string;
  dimensions: SectionResult[];
  satisfaction?: number | null;
  points?: number | null;
  verdict: string;
  flags: string[];
  rank: number;
}
export interface BallotResult {
  ballot: string;
  status?: BallotStatus;
  turnout: Turnout;
  presenters: PresenterResult[];
}
export type ResultsSection = Record<string, BallotResult>;

export interface SheetStatus {
  voted: boolean;
  changed?: boolean;
  marks?: Record<string, Record<string, string[]>>;
}
export interface MeSection {
  id: string;
  name: string;
  roles: Role[];
  checked_in: boolean;
  inquiries?: InquiryView[];
  sheets?: Record<string, SheetStatus>;
  addressed?: InquiryView[];
  slot?: string | null;
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
