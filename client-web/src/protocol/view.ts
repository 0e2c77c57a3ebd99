// The role-filtered view the server sends in `welcome` and `update` (server/core/view.cpp). Its types are
// generated from the section schemas (protocol/views/*.schema.json, protocol/common.schema.json) into
// generated.ts; this file only gives them the names the client uses. A section a screen does not show is
// absent, and so are the members a role may not see (optional in the types).
import type {
  DisplayMode,
  HearingDefinitionBallotTemplate,
  HearingDefinitionDimension,
  HearingDefinitionGrade,
  HearingDefinitionReviewItem,
  Marks as GeneratedMarks,
  ViewSections,
} from './generated';
import { sectionNames as generatedSectionNames } from './generated';

export type {
  AgendaSection,
  AttendanceSection,
  BallotResult,
  BallotStatus,
  BallotTally,
  BallotsSection,
  BallotView,
  Commitment,
  DisplayMode,
  HearingSection,
  InquiriesSection,
  InquiryStatus,
  InquiryView,
  MeSection,
  PaperStatus,
  Person,
  Phase,
  PresenterResult,
  ResultsSection,
  Role,
  SectionResult,
  SlotKind,
  SlotView,
  Stage,
  TallySection,
  Timer,
  Turnout,
} from './generated';

// The stages a chair can move a slot forward to.
export type ForwardStage = 'reporting' | 'questioning' | 'evaluating' | 'done';
export type TimerKind = 'report' | 'qa';

export type Grade = HearingDefinitionGrade;
export type Dimension = HearingDefinitionDimension;
export type BallotTemplate = HearingDefinitionBallotTemplate;
// One commitment under review (回头看): what the unit promised at an earlier hearing and how the rectification
// ledger had it when the organizer took it into the slot.
export type ReviewItem = HearingDefinitionReviewItem;
export type ReviewStatus = ReviewItem['status'];

// Every mode, in the order the chair's console offers them; a mode missing here fails type-checking.
export const displayModes = ['auto', 'current', 'asking', 'tally', 'results', 'attendance', 'message', 'blank'] as const;
export const everyDisplayMode: Exclude<DisplayMode, (typeof displayModes)[number]> extends never ? true : never = true;

export type Sections = ViewSections;
export type SectionName = keyof Sections;
export const sectionNames: readonly SectionName[] = generatedSectionNames;

// Marks of one sheet: slot → dimension → grades.
export type Marks = GeneratedMarks;
