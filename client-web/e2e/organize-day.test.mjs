// The secretariat's whole day in one run, against a real server and browser: a 15-unit hearing prepared from
// the .xlsx roster the secretariat keeps, marked as a rehearsal, its join cards printed and opened on the
// chair's console and the voters' tablets, rehearsed through a ballot to adjournment (the workbook then says
// 演练), reset to a clean draft with the cards kept, and run for real on the same cards, a voter without a
// tablet on a paper sheet that the chair and the desk enter twice; the real workbook, read back with openpyxl,
// holds the real count, the paper sheet in it, and no trace of the rehearsal.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, expectEqual, launchBrowser, openLink, repoRoot, screenshot, tempDir } from './harness.mjs';
import { openWithQuorum, startHearing } from './fixtures.mjs';
import { addAccount, signIn, staffName, units, voterName, writeUnitRoster } from './organize-fixtures.mjs';

const id = 'h20270223';
const title = '中共某区纪委全会述责述廉会议';
const tablet = { width: 1180, height: 820 };
const console1440 = { width: 1440, height: 900 };
const dimensions = ['zhuti', 'lianjie']; // the 测评得分 preset's sheet: each graded 优秀 … 较差
// Two thirds of eight make the quorum: six check in at the desk. An anonymous ballot is counted from five
// sheets on (k = 5): five vote on their tablets.
const voters = 8;
const present = 6;

function readWorkbook(path) {
  const script = join(repoRoot, 'tests', 'tools', 'read_xlsx.py');
  return JSON.parse(execFileSync('/usr/bin/python3', [script, path], { encoding: 'utf8' }));
}

// The value printed under a label of a workbook sheet (应到, 收回 …).
function under(sheet, label) {
  const at = sheet.cells.find((cell) => cell.v === label);
  expect(at, `the sheet has a ${label} cell`);
  return sheet.cells.find((cell) => cell.r === at.r + 1 && cell.c === at.c)?.v;
}

async function definitionOf(page) {
  return page.evaluate(async (id) => (await fetch(`/organize/api/hearings/${id}/definition`)).json(), id);
}

async function prepare(page, rosterFile, people) {
  await page.click('[data-test=new-hearing]');
  const dialog = page.locator('[data-test=new-hearing-dialog]');
  await dialog.locator('[data-test=preset-points] input').check();
  await dialog.locator('[data-test=new-date]').fill('2027-02-23');
  await dialog.locator('[data-test=new-title]').fill(title);
  await dialog.locator('[data-test=new-create]').click();
  await page.locator('[data-test=hearing-editor] [data-test=editor-title]').waitFor();

  await page.click('[data-test=tab-roster]');
  await page.setInputFiles('[data-test=roster-file]', rosterFile);
  await page.locator('[data-test=roster-notice]').waitFor();
  expectEqual(await page.locator('[data-test^=row-]').count(), people, 'every person of the file');
  expectEqual(await page.locator('[data-test^=problems-]').count(), 0, 'a clean file has no flagged row');
  await page.click('[data-test=tab-settings]');
  await page.check('[data-test=setting-rehearsal]');
  await page.click('[data-test=save]');
  await page.locator('[data-test=editor-notice]').getByText('已保存。').waitFor();
  await page.locator('[data-test=check-ok]').waitFor();
  const def = await definitionOf(page);
  expectEqual(def.agenda.filter((s) => (s.kind ?? 'presenter') === 'presenter').map((s) => s.title), units, 'a slot per unit');
  expectEqual(def.settings.rehearsal, true, 'saved as a rehearsal');
  return def;
}

// Issues the cards and reads each person's link from the printed page, by participant id.
async function printCards(page, people) {
  await page.click('[data-test=print-cards]');
  await page.click('[data-test=dialog-ok]');
  await page.locator('[data-test=join-cards]').waitFor();
  expectEqual(await page.locator('.qr-card').count(), people, 'a card per person');
  const links = {};
  for (const card of await page.locator('.qr-card').all()) {
    links[await card.getAttribute('data-participant')] = await card.getAttribute('data-link');
  }
  await page.click('[data-test=cards-back]');
  return links;
}

async function vote(page, grade) {
  // A voter who also questions has a tab per role.
  if (await page.locator('[data-test=role-tab-voter]').count()) await page.click('[data-test=role-tab-voter]');
  await page.locator('[data-test=sheet]').waitFor();
  for (const dim of dimensions) await page.click(`[data-dimension=${dim}] [data-grade=${grade}]`);
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=dialog-ok]');
  await page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
}

// The desk's paper-sheet panel of the first ballot, unfolded.
async function paperPanel(page) {
  await page.click('[data-test=chair-tab-ballots]');
  const panel = page.locator('.ballot-row[data-ballot=B1] [data-test=paper]');
  await panel.waitFor();
  if (!(await panel.evaluate((el) => el.open))) await panel.locator('summary').click();
  return panel;
}

// One staff member's entry of the paper sheet numbered `sheet`.
async function enterPaper(page, sheet, grade) {
  const panel = await paperPanel(page);
  await panel.locator('[data-test=paper-sheet]').fill(String(sheet));
  for (const dim of dimensions) await panel.locator(`[data-test=paper-entry] [data-dimension=${dim}] [data-grade=${grade}]`).click();
  await panel.locator('[data-test=paper-enter]').click();
  await page.locator('[data-test=toast]', { hasText: `第 ${sheet} 张已录入` }).waitFor();
  await page.locator('[data-test=toast]').first().click();
}

// From check-in to adjournment: six voters checked in at the desk, one ballot on the first unit, the given
// grades cast on the voters' tablets and, with `paper`, a paper sheet for a voter without a tablet entered by
// the chair and the desk's staff member, the ballot closed, the hearing adjourned.
async function runTheDay(chair, tablets, ids, grades, paper = null) {
  const c = chair.page;
  await openWithQuorum(c, ids.slice(0, present));
  await c.keyboard.press('n');
  await c.locator('[data-test=current-name]').waitFor();
  await c.click('[data-test=create-ballot]');
  await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
  await c.locator('.ballot-row[data-status=open]').waitFor();
  for (let i = 0; i < grades.length; i++) await vote(tablets[i].page, grades[i]);
  let returned = grades.length;
  if (paper) {
    const panel = await paperPanel(c);
    await panel.locator('[data-test=paper-voter]').selectOption(paper.voter);
    await panel.locator('[data-test=paper-hand-out]').click();
    await panel.locator('[data-test=paper-status]', { hasText: '已发纸质票 1 张' }).waitFor();
    await enterPaper(c, 1, paper.grade);
    await enterPaper(paper.staff, 1, paper.grade);
    await panel.locator('[data-test=paper-status]', { hasText: '已计入 1 张' }).waitFor();
    await c.click('[data-test=chair-tab-run]');
    returned += 1;
  }
  await c.locator(`.ballot-row[data-ballot=B1] [data-test=count-returned][data-value="${returned}"]`).first().waitFor();
  await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
  await c.click('[data-test=dialog-ok]');
  await c.locator('.ballot-row[data-ballot=B1][data-status=closed]').first().waitFor();
  await c.click('[data-test=adjourn]');
  await c.click('[data-test=dialog-ok]');
  await c.locator('[data-test=phase][data-phase=adjourned]').waitFor();
}

// The workbook as the list of hearings offers it once the hearing is adjourned.
async function downloadWorkbook(page, dir, name) {
  await page.goto(new URL('/organize', page.url()).href);
  const link = page.locator(`[data-test=hearing-${id}] [data-test=download-workbook]`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const saved = join(dir, name);
  await download.saveAs(saved);
  return readWorkbook(saved);
}

async function theWholeDay() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const tmp = tempDir('dais-day-');
  try {
    addAccount(hearing.db, 'mishu');
    const rosterFile = join(tmp.dir, '参会人员名单.xlsx');
    const people = await writeUnitRoster(rosterFile, { voters, staff: 1, groups: false });
    const org = await signIn(browser, hearing.base, 'mishu');
    const def = await prepare(org.page, rosterFile, people);
    const ids = Array.from({ length: voters }, (_, i) => def.participants.find((p) => p.name === voterName(i)).id);

    const links = await printCards(org.page, people);
    const chair = await openLink(browser, links[def.participants.find((p) => p.roles.includes('chair')).id], { viewport: console1440 });
    const tablets = [];
    for (let i = 0; i < 5; i++) tablets.push(await openLink(browser, links[ids[i]], { viewport: tablet }));
    const staffId = def.participants.find((p) => p.name === staffName(0)).id;
    const desk = await openLink(browser, links[staffId], { viewport: console1440 });

    // The rehearsal: every screen says so, and so does the workbook filed from it.
    for (const p of [chair.page, tablets[0].page]) await p.locator('[data-test=rehearsal-banner]').waitFor();
    await runTheDay(chair, tablets, ids, ['jiaocha', 'lianghao', 'yiban', 'yiban', 'youxiu']);
    const rehearsed = await downloadWorkbook(org.page, tmp.dir, 'rehearsal.xlsx');
    const summary = rehearsed.sheets[0].cells.map((cell) => String(cell.v));
    expect(summary.some((v) => v.startsWith('【演练】')), 'the rehearsal workbook is marked 演练');

    // Reset with the cards kept: the devices in the hall come back by themselves to a clean draft.
    await org.page.click('[data-test=rehearsal-reset-open]');
    await org.page.click('[data-test=rehearsal-reset-confirm]');
    await org.page.locator('[data-test=rehearsal-reset]').waitFor({ state: 'detached' });
    await org.page.locator(`[data-test=hearing-${id}] [data-test=phase]`, { hasText: '筹备中' }).waitFor(); // a draft again
    await chair.page.locator('[data-test=open-check-in]').waitFor();

    // The real hearing: the rehearsal flag comes off in the editor, and the same cards run it.
    await org.page.click(`[data-test=hearing-${id}] [data-test=open-hearing]`);
    await org.page.click('[data-test=tab-settings]');
    await org.page.uncheck('[data-test=setting-rehearsal]');
    await org.page.click('[data-test=save]');
    await org.page.locator('[data-test=editor-notice]').getByText('已保存。').waitFor();
    for (const p of [chair.page, ...tablets.map((t) => t.page)]) {
      await p.locator('[data-test=rehearsal-banner]').waitFor({ state: 'detached' });
      await p.locator('[data-test=conn][data-status=online]').waitFor();
    }
    // The sixth voter present has no tablet: a paper sheet, entered by the chair and by the desk.
    await runTheDay(chair, tablets, ids, ['youxiu', 'youxiu', 'lianghao', 'youxiu', 'yiban'], { voter: ids[5], grade: 'jiaocha', staff: desk.page });
    await screenshot(chair.page, 'organize-day-adjourned');

    const filed = await downloadWorkbook(org.page, tmp.dir, 'results.xlsx');
    const all = filed.sheets.flatMap((s) => s.cells.map((cell) => String(cell.v)));
    expect(!all.some((v) => v.includes('演练')), 'nothing of the rehearsal in the real workbook');
    expect(all.includes(title), 'the workbook names the hearing');
    const ballot = filed.sheets[1];
    expectEqual([under(ballot, '应到'), under(ballot, '实到'), under(ballot, '收回')], [voters, present, 6], '应到, 实到, 收回 of the real run: five tablets and one paper sheet');
    expectEqual(under(ballot, '其中纸质票'), 1, 'the sheets of 收回 that came on paper');
    expect(ballot.cells.some((cell) => cell.v === units[0] || String(cell.v).includes(units[0])), 'the first unit on its sheet');
    expectEqual([...org.errors, ...chair.errors, ...desk.errors, ...tablets.flatMap((t) => t.errors)], [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
    tmp.remove();
  }
}

export const tests = [
  {
    name: 'organize day: a 15-unit hearing from .xlsx, rehearsed, reset, run for real on the same cards, the workbook filed',
    fn: theWholeDay,
  },
];
