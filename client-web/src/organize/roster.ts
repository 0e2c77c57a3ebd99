// The roster as a secretariat already keeps it — a spreadsheet (.xlsx) or a .csv with columns such as 姓名,
// 职务, 单位, 分组, 角色 — read into participants of the definition. Reading never changes the definition;
// rosterInto() builds the new one, and what only this side can know (a column it does not read, a role word or a
// group name it does not know) is flagged per row beside the server's own roster check.
import { freshId, isPresenterSlot, type HearingDefinition, type Participant, type Role, type Slot, type VoterGroup } from './definition';

// The same bound as the server's organize_max_roster_rows.
export const MAX_ROSTER_ROWS = 5000;

// One row of the file: its number as a spreadsheet shows it (the header is usually row 1) and its cells.
export interface TableRow {
  line: number;
  cells: string[];
}

type Column = 'name' | 'post' | 'unit' | 'groups' | 'roles' | 'ignored';

// Header words, compared without spaces, case or a trailing colon or asterisk.
const HEADERS: Record<string, Column> = {
  姓名: 'name',
  名字: 'name',
  name: 'name',
  职务: 'post',
  职位: 'post',
  post: 'post',
  position: 'post',
  单位: 'unit',
  工作单位: 'unit',
  所在单位: 'unit',
  单位名称: 'unit',
  部门: 'unit',
  unit: 'unit',
  分组: 'groups',
  组别: 'groups',
  测评分组: 'groups',
  group: 'groups',
  groups: 'groups',
  角色: 'roles',
  参会角色: 'roles',
  身份: 'roles',
  role: 'roles',
  roles: 'roles',
  序号: 'ignored',
  编号: 'ignored',
  'no.': 'ignored',
  no: 'ignored',
  '#': 'ignored',
};

const ROLE_WORDS: Record<string, Role> = {
  主持人: 'chair',
  chair: 'chair',
  书记员: 'secretary',
  工作人员: 'secretary',
  记录员: 'secretary',
  secretary: 'secretary',
  述职人: 'presenter',
  述职对象: 'presenter',
  述责述廉对象: 'presenter',
  presenter: 'presenter',
  提问人: 'questioner',
  质询人: 'questioner',
  评议员: 'questioner',
  questioner: 'questioner',
  测评人: 'voter',
  测评: 'voter',
  voter: 'voter',
  大屏: 'display',
  大屏幕: 'display',
  display: 'display',
  监票人: 'scrutineer',
  scrutineer: 'scrutineer',
};

// Several roles or groups in one cell: separated by 、，, ; ； or spaces.
const LIST_SEPARATORS = /[、，,;；\s]+/;

export type RosterField = 'name' | 'post' | 'groups' | 'roles';

// A problem of one row: the server's (a message) or this side's (an i18n key with its parameters).
export interface RowProblem {
  field: RosterField;
  message?: string;
  key?: string;
  params?: Record<string, string>;
}

export interface ImportedRow {
  line: number;
  name: string;
  post: string; // the unit and the post together, as a participant's post
  unit: string;
  groups: string[]; // voter group ids
  roles: Role[];
  problems: RowProblem[];
}

export interface RosterImport {
  rows: ImportedRow[];
  unknownHeaders: string[];
}

export type RosterFileProblem = 'too_many_rows' | 'no_name_column' | 'empty' | 'unreadable';

export class RosterFileError extends Error {
  constructor(
    readonly code: RosterFileProblem,
    readonly count = 0,
  ) {
    super(code);
  }
}

// A .csv as written by spreadsheets: UTF-8 with or without a BOM, fields in double quotes may hold the
// separator, line breaks and doubled quotes. The separator is the comma, or a tab or semicolon when the first
// line has more of those.
export function parseCsv(text: string): TableRow[] {
  const source = text.replace(/^\uFEFF/, '');
  const separator = guessSeparator(source);
  const rows: TableRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  const endRow = () => {
    cells.push(cell);
    rows.push({ line: rows.length + 1, cells });
    cells = [];
    cell = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (source[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === separator) {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRow();
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) endRow();
  return rows;
}

function guessSeparator(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (s: string) => first.split(s).length - 1;
  const best = [',', '\t', ';'].reduce((a, b) => (count(b) > count(a) ? b : a));
  return count(best) > 0 ? best : ',';
}

// The first sheet of an .xlsx, each cell as the text the spreadsheet shows. exceljs is loaded only here, so
// the sign-in page and the list stay small.
export async function readXlsx(data: ArrayBuffer): Promise<TableRow[]> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(data);
  } catch {
    throw new RosterFileError('unreadable');
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new RosterFileError('empty');
  if (sheet.actualRowCount - 1 > MAX_ROSTER_ROWS) throw new RosterFileError('too_many_rows', sheet.actualRowCount - 1);
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(row.getCell(c).text ?? '');
    rows.push({ line, cells });
  });
  return rows;
}

// A .csv's text: UTF-8 (with or without a BOM), else GB18030, which covers the GBK that Excel writes for
// "CSV" on Chinese Windows.
export function decodeCsv(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

// Reads a file the user picked, by its name: .xlsx or .csv.
export async function readRosterFile(file: File): Promise<TableRow[]> {
  if (/\.xlsx$/i.test(file.name)) return readXlsx(await file.arrayBuffer());
  return parseCsv(decodeCsv(await file.arrayBuffer()));
}

function headerKey(text: string): string {
  return text.replace(/[\s\u3000]+/g, '').replace(/[:：*＊]+$/, '').toLowerCase();
}

function listOf(cell: string): string[] {
  return cell.split(LIST_SEPARATORS).filter((w) => w !== '');
}

// 单位 and 职务 make one post: 区水务局 + 局长 → 区水务局局长 (a space between words of other languages).
function postOf(unit: string, post: string): string {
  if (!unit) return post;
  if (!post || post.includes(unit)) return post || unit;
  return /[\u3400-\u9fff]$/.test(unit) ? unit + post : `${unit} ${post}`;
}

// The table's rows as roster rows: the first non-empty row names the columns. Throws RosterFileError when the
// file cannot be a roster (no 姓名 column, no rows, more than MAX_ROSTER_ROWS rows).
export function mapRoster(table: TableRow[], groups: VoterGroup[]): RosterImport {
  const nonEmpty = table.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...data] = nonEmpty;
  if (!header) throw new RosterFileError('empty');
  if (data.length > MAX_ROSTER_ROWS) throw new RosterFileError('too_many_rows', data.length);
  const columns = header.cells.map((c) => HEADERS[headerKey(c)]);
  if (!columns.includes('name')) throw new RosterFileError('no_name_column');
  const unknownHeaders = header.cells.filter((c, i) => c.trim() !== '' && !columns[i]).map((c) => c.trim());
  const groupByWord = new Map<string, string>();
  for (const g of groups) {
    groupByWord.set(g.id, g.id);
    groupByWord.set(g.name.trim(), g.id);
  }
  const rows = data.map((r) => {
    const cell = (column: Column) => {
      const i = columns.indexOf(column);
      return i < 0 ? '' : (r.cells[i] ?? '').trim();
    };
    const problems: RowProblem[] = [];
    const roles: Role[] = [];
    for (const word of listOf(cell('roles'))) {
      const role = ROLE_WORDS[word.toLowerCase()];
      if (!role) problems.push({ field: 'roles', key: 'organize.roster.unknownRole', params: { word } });
      else if (!roles.includes(role)) roles.push(role);
    }
    const rowGroups: string[] = [];
    for (const word of listOf(cell('groups'))) {
      const id = groupByWord.get(word);
      if (!id) problems.push({ field: 'groups', key: 'organize.roster.unknownGroup', params: { group: word } });
      else if (!rowGroups.includes(id)) rowGroups.push(id);
    }
    const unit = cell('unit');
    return { line: r.line, name: cell('name'), post: postOf(unit, cell('post')), unit, groups: rowGroups, roles, problems };
  });
  return { rows, unknownHeaders };
}

const nameAndPost = (name: string, post: string | undefined) => `${name}\u0000${post ?? ''}`;

// Participants for the rows: one already in the roster with the same name and post keeps their id (and their
// join link); anybody else gets a new id p001, p002 … that no participant ever had in this definition, so that a
// removed person's link cannot pass to someone new.
export function participantsOf(rows: ImportedRow[], existing: Participant[]): Participant[] {
  const byKey = new Map<string, string[]>();
  for (const p of existing) {
    const key = nameAndPost(p.name, p.post);
    byKey.set(key, [...(byKey.get(key) ?? []), p.id]);
  }
  const taken = new Set(existing.map((p) => p.id));
  const width = Math.max(3, String(rows.length).length);
  let next = 1;
  const newId = () => {
    for (;;) {
      const id = `p${String(next++).padStart(width, '0')}`;
      if (!taken.has(id)) {
        taken.add(id);
        return id;
      }
    }
  };
  return rows.map((r) => {
    const kept = byKey.get(nameAndPost(r.name, r.post))?.shift();
    const p: Participant = { id: kept ?? newId(), name: r.name, roles: r.roles };
    if (r.post) p.post = r.post;
    if (r.groups.length) p.groups = r.groups;
    return p;
  });
}

export interface AgendaChange {
  added: number;
  removed: number;
}

// The definition with this roster: presenter slots whose presenter left are dropped, and every presenter without
// a slot gets one at the end (its title the unit, its time limits those of the first presenter slot); remarks
// and breaks stay.
export function rosterInto(
  definition: HearingDefinition,
  participants: Participant[],
  unitOf: Map<string, string> = new Map(),
): { definition: HearingDefinition; agenda: AgendaChange } {
  const ids = new Set(participants.map((p) => p.id));
  const presenters = participants.filter((p) => p.roles.includes('presenter'));
  const kept = definition.agenda.filter((s) => !isPresenterSlot(s) || (s.presenter !== undefined && ids.has(s.presenter)));
  const pattern = definition.agenda.find(isPresenterSlot);
  const slotted = new Set(kept.map((s) => s.presenter));
  const slotIds = definition.agenda.map((s) => s.id);
  const added: Slot[] = [];
  for (const p of presenters) {
    if (slotted.has(p.id)) continue;
    const id = freshId('s', [...slotIds, ...added.map((s) => s.id)]);
    const slot: Slot = { id, presenter: p.id, title: unitOf.get(p.id) || p.post || p.name };
    if (pattern?.mode) slot.mode = pattern.mode;
    if (pattern?.report_limit_s !== undefined) slot.report_limit_s = pattern.report_limit_s;
    if (pattern?.qa_budget_s !== undefined) slot.qa_budget_s = pattern.qa_budget_s;
    added.push(slot);
  }
  return {
    definition: { ...definition, participants, agenda: [...kept, ...added] },
    agenda: { added: added.length, removed: definition.agenda.length - kept.length },
  };
}
