// The secretariat in the browser tests: accounts made with `dais user add` on the test's database, and a
// signed-in page of /organize.
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { daisBinary } from './harness.mjs';
import { commands } from './display.test.mjs';

export const password = 'correct horse battery';

export function addAccount(db, name, role = 'organizer') {
  execFileSync(daisBinary(), ['user', 'add', name, '--role', role, '--db', db, '--password-stdin'], {
    input: `${password}\n`,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// A fresh context signed in as `name`, on the list of hearings. bypassCSP lets a test inject axe.
export async function signIn(browser, base, name, { viewport = { width: 1280, height: 900 }, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', bypassCSP });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/organize`);
  await page.getByLabel('账号').fill(name);
  await page.getByLabel('密码').fill(password);
  await page.click('[data-test=submit]');
  await page.locator('[data-test=hearings]').waitFor();
  return { context, page, errors };
}

// Fifteen units, each with its head as the presenter: the size of a district's hearing.
export const units = [
  '区水务局', '区教育局', '区卫健委', '区住建委', '区交通局', '区民政局', '区财政局', '区商务局',
  '区司法局', '区农业农村委', '区城管委', '区生态环境局', '区市场监管局', '区应急局', '区文旅局',
];
const surnames = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏';
const given = ['建国', '红梅', '志强', '秀英', '海涛', '丽娟', '文博', '晓东'];

export const staffName = (i) => `会务${'甲乙丙丁'[i]}`;
export const voterName = (i) => `${surnames[(i + 15) % surnames.length]}${given[i % given.length]}${i}`;

// The roster as a secretariat keeps it (序号, 姓名, 单位, 职务, 分组, 角色): a chair, the hall screen, the 15 heads
// and `voters` voters, with `groups` the first half 领导班子 and the rest 中层干部, every fourth also a questioner, then
// `staff` desk staff (工作人员). The row numbered `badRow` (1 is the header), if any, names a role no one knows.
// Returns the number of people.
export async function writeUnitRoster(path, { voters = 40, staff = 0, groups = true, badRow = 0 } = {}) {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('参会人员');
  sheet.addRow(['序号', '姓名', '单位', '职务', '分组', '角色']);
  let n = 0;
  const add = (...cells) => sheet.addRow([++n, ...cells]);
  add('吕振华', '区纪委', '书记', '', '主持人');
  add('会场大屏', '', '', '', '大屏');
  units.forEach((unit, i) => add(`${surnames[i]}${given[i % given.length]}`, unit, '主要负责人', '', '述职人'));
  for (let i = 0; i < voters; i++) {
    const group = !groups ? '' : i < voters / 2 ? '领导班子' : '中层干部';
    const roles = sheet.rowCount + 1 === badRow ? '测评员' : i % 4 === 0 ? '提问人、测评人' : '测评人';
    add(voterName(i), '', '评议代表', group, roles);
  }
  for (let i = 0; i < staff; i++) add(staffName(i), '区纪委', '会务组', '', '工作人员');
  await book.xlsx.writeFile(path);
  return n;
}

// In a session of the e2e seed: 区水务局 (s1) called and questioned, answering with two commitments, one due
// long ago and one far ahead — what the ledger and a review hearing (回头看) are made of.
export async function questionAndCommit(page, t) {
  await commands(page, t.chair, [
    { type: 'call_slot', slot: 's1' },
    { type: 'begin_stage', slot: 's1', stage: 'reporting' },
    { type: 'begin_stage', slot: 's1', stage: 'questioning' },
  ]);
  const [asked] = await commands(page, t.q1, [{ type: 'submit_inquiry', slot: 's1', text: '河道清淤工程为何一再延期？' }]);
  const inquiry = asked.result.inquiry;
  await commands(page, t.chair, [
    { type: 'approve_inquiry', inquiry },
    { type: 'ask_inquiry', inquiry },
  ]);
  await commands(page, t.sec, [
    { type: 'answer_inquiry', inquiry, summary: '承认进度滞后，已调整施工方案。' },
    { type: 'record_commitment', inquiry, text: '完成主河道清淤', due: '2026-01-31' },
    { type: 'record_commitment', inquiry, text: '建立河道长效管护机制', due: '2099-06-30' },
  ]);
}
