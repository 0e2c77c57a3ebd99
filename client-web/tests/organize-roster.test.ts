// Reading a secretariat's roster (.csv by hand, .xlsx through exceljs) into the definition's participants.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { HearingDefinition, Participant, VoterGroup } from '../src/organize/definition';
import {
  MAX_ROSTER_ROWS,
  RosterFileError,
  decodeCsv,
  mapRoster,
  parseCsv,
  participantsOf,
  readXlsx,
  rosterInto,
} from '../src/organize/roster';

const groups: VoterGroup[] = [
  { id: 'jwwy', name: '区纪委委员' },
  { id: 'ddb', name: '党代表' },
];

function fileProblem(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    if (e instanceof RosterFileError) return e.code;
    throw e;
  }
  return 'none';
}

describe('parseCsv', () => {
  it('reads quoted fields with separators, doubled quotes and line breaks, and CRLF', () => {
    const rows = parseCsv('姓名,职务\r\n"张三, 李","区""水务""局\n局长"\r\n王五,委员\r\n');
    expect(rows.map((r) => r.cells)).toEqual([
      ['姓名', '职务'],
      ['张三, 李', '区"水务"局\n局长'],
      ['王五', '委员'],
    ]);
    // Rows are numbered as a spreadsheet numbers them.
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3]);
  });

  it('reads UTF-8 with and without a BOM alike', () => {
    const plain = parseCsv('姓名,角色\n罗兰立,测评人\n');
    const bom = parseCsv('\uFEFF姓名,角色\n罗兰立,测评人\n');
    expect(bom).toEqual(plain);
    expect(mapRoster(bom, groups).rows[0].name).toBe('罗兰立');
  });

  it('decodes UTF-8 and, failing that, the GBK that Excel on Chinese Windows writes', () => {
    const utf8 = new TextEncoder().encode('姓名,角色\n罗兰立,测评人\n');
    expect(decodeCsv(utf8.buffer as ArrayBuffer)).toBe('姓名,角色\n罗兰立,测评人\n');
    // 姓名,A in GBK
    const gbk = new Uint8Array([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0x41]);
    expect(decodeCsv(gbk.buffer)).toBe('姓名,A');
  });

  it('takes a tab or semicolon as the separator when the header uses it', () => {
    expect(parseCsv('name\tpost\nA\tB').map((r) => r.cells)).toEqual([
      ['name', 'post'],
      ['A', 'B'],
    ]);
    expect(parseCsv('name;post\nA;B')[1].cells).toEqual(['A', 'B']);
  });
});

describe('mapRoster', () => {
  it('maps Chinese headers, joins unit and post, and reads role words and groups by name or id', () => {
    const table = parseCsv(
      [
        '序号,姓名,单位,职务,分组,角色',
        '1,周敏,区水务局,局长,,述职人',
        '2,罗兰立,,区纪委委员,区纪委委员,"提问人、测评人"',
        '3,陈立,,党代表,ddb,测评人；监票人',
        '4,大屏幕,,,,大屏',
      ].join('\n'),
    );
    const { rows, unknownHeaders } = mapRoster(table, groups);
    expect(unknownHeaders).toEqual([]);
    expect(rows.map((r) => [r.line, r.name, r.post, r.groups, r.roles])).toEqual([
      [2, '周敏', '区水务局局长', [], ['presenter']],
      [3, '罗兰立', '区纪委委员', ['jwwy'], ['questioner', 'voter']],
      [4, '陈立', '党代表', ['ddb'], ['voter', 'scrutineer']],
      [5, '大屏幕', '', [], ['display']],
    ]);
    expect(rows[0].unit).toBe('区水务局');
    expect(rows.every((r) => r.problems.length === 0)).toBe(true);
  });

  it('knows the usual other names of the columns, with stray spaces and colons', () => {
    const table = parseCsv('姓 名,所在单位,职务：,测评分组,参会角色\n周敏,区水务局,局长,党代表,测评人');
    const { rows, unknownHeaders } = mapRoster(table, groups);
    expect(unknownHeaders).toEqual([]);
    expect([rows[0].name, rows[0].post, rows[0].groups, rows[0].roles]).toEqual(['周敏', '区水务局局长', ['ddb'], ['voter']]);
  });

  it('maps English headers and role words separated by commas, semicolons or spaces', () => {
    const table = parseCsv('Name,Post,Groups,Roles\nAnn Lee,Director,jwwy,"questioner, voter; scrutineer"\nBo,,,chair display');
    const { rows } = mapRoster(table, groups);
    expect(rows[0].roles).toEqual(['questioner', 'voter', 'scrutineer']);
    expect(rows[1].roles).toEqual(['chair', 'display']);
  });

  it('flags an unknown role word and an unknown group on their row, and names unknown columns', () => {
    const table = parseCsv('姓名,职务,分组,角色,手机号\n张三,委员,机关组,测评人、评委,13800000000');
    const { rows, unknownHeaders } = mapRoster(table, groups);
    expect(unknownHeaders).toEqual(['手机号']);
    expect(rows[0].roles).toEqual(['voter']);
    expect(rows[0].groups).toEqual([]);
    expect(rows[0].problems).toEqual([
      { field: 'roles', key: 'organize.roster.unknownRole', params: { word: '评委' } },
      { field: 'groups', key: 'organize.roster.unknownGroup', params: { group: '机关组' } },
    ]);
  });

  it('refuses a file without a name column, an empty file, and one over the row limit', () => {
    expect(fileProblem(() => mapRoster(parseCsv('职务,角色\n局长,述职人'), groups))).toBe('no_name_column');
    expect(fileProblem(() => mapRoster(parseCsv('\n\n'), groups))).toBe('empty');
    const rows = (n: number) => ['姓名,角色', ...Array.from({ length: n }, (_, i) => `人员${i},测评人`)].join('\n');
    expect(mapRoster(parseCsv(rows(MAX_ROSTER_ROWS)), groups).rows).toHaveLength(MAX_ROSTER_ROWS);
    expect(fileProblem(() => mapRoster(parseCsv(rows(MAX_ROSTER_ROWS + 1)), groups))).toBe('too_many_rows');
  });
});

describe('participantsOf', () => {
  it('keeps the id of a participant with the same name and post, and gives others ids never used before', () => {
    const existing: Participant[] = [
      { id: 'p001', name: '周敏', post: '区水务局局长', roles: ['presenter'] },
      { id: 'p002', name: '离任者', roles: ['voter'] },
      { id: 'p003', name: '罗兰立', post: '旧职务', roles: ['voter'] },
    ];
    const { rows } = mapRoster(parseCsv('姓名,职务,角色\n新人,科员,测评人\n周敏,区水务局局长,述职人\n罗兰立,区纪委委员,测评人'), groups);
    const people = participantsOf(rows, existing);
    expect(people.map((p) => [p.id, p.name])).toEqual([
      ['p004', '新人'],
      ['p001', '周敏'],
      ['p005', '罗兰立'], // another post: another person as far as the links go
    ]);
    expect(people[1]).toEqual({ id: 'p001', name: '周敏', post: '区水务局局长', roles: ['presenter'] });
    expect(people[0].groups).toBeUndefined();
  });
});

describe('rosterInto', () => {
  const definition: HearingDefinition = {
    id: 'h1',
    title: '述责述廉会议',
    date: '2027-02-23',
    participants: [{ id: 'old', name: '旧述职人', roles: ['presenter'] }],
    agenda: [
      { id: 'r0', kind: 'remark', title: '开幕讲话' },
      { id: 's1', presenter: 'old', title: '旧单位', mode: 'written', report_limit_s: 300, qa_budget_s: 500 },
    ],
    ballot_templates: [],
    rules: [],
  };

  it('drops slots of presenters who left and gives each new presenter a slot titled by the unit', () => {
    const people: Participant[] = [
      { id: 'p001', name: '周敏', post: '区水务局局长', roles: ['presenter'] },
      { id: 'p002', name: '罗兰立', roles: ['voter'] },
    ];
    const { definition: next, agenda } = rosterInto(definition, people, new Map([['p001', '区水务局']]));
    expect(agenda).toEqual({ added: 1, removed: 1 });
    expect(next.agenda).toEqual([
      { id: 'r0', kind: 'remark', title: '开幕讲话' },
      { id: 's2', presenter: 'p001', title: '区水务局', mode: 'written', report_limit_s: 300, qa_budget_s: 500 },
    ]);
    expect(next.participants).toBe(people);
    expect(definition.agenda).toHaveLength(2); // the given definition is not changed
  });
});

describe('readXlsx', () => {
  it('reads the first sheet of a workbook with its row numbers', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(['姓名', '职务', '角色']);
    sheet.addRow(['周敏', '区水务局局长', '述职人']);
    sheet.addRow([]);
    sheet.addRow(['罗兰立', '区纪委委员', '提问人 测评人']);
    const data = (await book.xlsx.writeBuffer()) as ArrayBuffer;
    const rows = await readXlsx(data);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 4]);
    const { rows: mapped } = mapRoster(rows, groups);
    expect(mapped.map((r) => [r.line, r.name, r.roles])).toEqual([
      [2, '周敏', ['presenter']],
      [4, '罗兰立', ['questioner', 'voter']],
    ]);
  });

  it('refuses a workbook over the row limit before mapping it', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名单');
    sheet.addRow(['姓名', '角色']);
    for (let i = 0; i <= MAX_ROSTER_ROWS; i++) sheet.addRow([`人员${i}`, '测评人']);
    const data = (await book.xlsx.writeBuffer()) as ArrayBuffer;
    await expect(readXlsx(data)).rejects.toMatchObject({ code: 'too_many_rows', count: MAX_ROSTER_ROWS + 1 });
  });
});
