// Paper sheets (纸质票) in real browsers against a real server: the chair hands two voters without tablets a
// paper sheet of the open anonymous ballot (a third voter takes one and keeps it); two secretaries enter each
// numbered sheet, one sheet's entries differ and the chair's third entry settles it; the close is refused while
// it is disputed, warns of the sheet never entered, and the count after the close holds the tablet sheet and
// the two paper sheets entered.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expectEqual, joinAs, launchBrowser, screenshot, tempDir } from './harness.mjs';
import { seedPath, startHearing } from './fixtures.mjs';

const console1440 = { width: 1440, height: 900 };
const tablet = { width: 1180, height: 820 };

// The e2e hearing with a second secretary, who enters paper sheets with the first.
function seedWithTwoSecretaries(dir) {
  const def = JSON.parse(readFileSync(seedPath, 'utf8'));
  def.participants.splice(2, 0, { id: 'sec2', name: '周晓梅', post: '区纪委案件审理室', roles: ['secretary'] });
  const path = join(dir, 'paper-hearing.json');
  writeFileSync(path, JSON.stringify(def));
  return path;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe's serious and critical findings inside the paper panel, one line each.
async function panelFindings(page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const result = await window.axe.run('[data-test=paper]', { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const panel = (page) => page.locator('.ballot-row[data-ballot=B1] [data-test=paper]');

async function openPanel(page) {
  await page.click('[data-test=chair-tab-ballots]');
  const p = panel(page);
  await p.waitFor();
  if (!(await p.evaluate((el) => el.open))) await p.locator('summary').click();
  return p;
}

// One entry of a paper sheet: its number and the grade marked for every presenter on the combined sheet.
async function enter(page, sheet, grades) {
  const p = panel(page);
  await p.locator('[data-test=paper-sheet]').fill(String(sheet));
  for (const [slot, grade] of Object.entries(grades)) {
    await p.locator(`[data-test=paper-entry] [data-slot=${slot}] [data-dimension=lianjie] [data-grade=${grade}]`).click();
  }
  await p.locator('[data-test=paper-enter]').click();
  await page.locator('[data-test=toast]', { hasText: `第 ${sheet} 张已录入` }).waitFor();
  await page.locator('[data-test=toast]').first().click();
}

const clean = { s1: 'lianjie', s2: 'lianjie', s3: 'jiben' };
const misread = { s1: 'lianjie', s2: 'jiben', s3: 'jiben' };
const second = { s1: 'jiben', s2: 'lianjie', s3: 'bulianjie' };

async function twoSecretariesEnterPaperSheets() {
  const tmp = tempDir('dais-paper-');
  const hearing = await startHearing(seedWithTwoSecretaries(tmp.dir));
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    // axe comes in as a script tag, which the server's CSP would refuse.
    const open = (id, viewport) => joinAs(browser, hearing.base, t[id], { viewport, bypassCSP: id === 'chair' });
    const chair = await open('chair', console1440);
    const sec = await open('sec', console1440);
    const sec2 = await open('sec2', console1440);
    const v1 = await open('v1', tablet);
    const v3 = await open('v3', tablet);
    const c = chair.page;

    // Everyone checks in at the desk; the session starts; the combined sheet (anonymous, rule without group
    // weights) opens.
    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await c.click('[data-test=chair-tab-checkin]');
    await c.click('[data-test=desk-presence-absent]');
    await c.click('[data-test=desk-check-in-shown]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=att-present]', { hasText: '6' }).waitFor();
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await c.click('[data-test=chair-tab-ballots]');
    await c.selectOption('[data-test=ballot-template]', 'final');
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-ballot=B1] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-ballot=B1][data-status=open]').waitFor();

    // v1 votes on the tablet.
    for (const slot of ['s1', 's2', 's3']) await v1.page.click(`[data-slot=${slot}] [data-dimension=lianjie] [data-grade=lianjie]`);
    await v1.page.click('[data-test=submit-sheet]');  // complete and changeable until close: no question first
    await v1.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();

    // The chair hands 赵强 and 孙丽 a paper sheet each; v1, who voted, is not on the list.
    const p = await openPanel(c);
    const voters = p.locator('[data-test=paper-voter] option');
    await p.locator('[data-test=paper-voter] option[value=v3]').waitFor({ state: 'attached' });
    expectEqual(await p.locator('[data-test=paper-voter] option[value=v1]').count(), 0, 'v1 offered a paper sheet after voting');
    const offered = await voters.count();
    await p.locator('[data-test=paper-voter]').selectOption('v3');
    await p.locator('[data-test=paper-hand-out]').click();
    await c.locator('[data-test=toast]', { hasText: '已向 赵强 发放纸质票（共 1 张）' }).waitFor();
    // 赵强's tablet says the sheet is the paper one; it offers nothing to submit.
    await v3.page.locator('[data-test=on-paper]', { hasText: '您已领取本次测评的纸质票' }).waitFor();
    expectEqual(await v3.page.locator('[data-test=submit-sheet]').count(), 0, 'a submit button on the tablet of a voter on paper');
    await p.locator('[data-test=paper-voter]').selectOption('v4');
    await p.locator('[data-test=paper-hand-out]').click();
    // 王芳 takes one too and keeps it: it is never entered.
    await c.locator('[data-test=toast]', { hasText: '已向 孙丽 发放纸质票（共 2 张）' }).waitFor();
    await p.locator('[data-test=paper-voter]').selectOption('v2');
    await p.locator('[data-test=paper-hand-out]').click();
    await p.locator('[data-test=paper-status]', { hasText: '已发纸质票 3 张' }).waitFor();
    expectEqual(await voters.count(), offered - 3, 'voters offered after three took paper');
    // 收回 counts the voters who took paper while the ballot is open, as the hall sees it.
    await c.locator('.ballot-row[data-ballot=B1] [data-test=count-returned][data-value="4"]').first().waitFor();

    // Two secretaries enter both sheets: sheet 1's entries agree, sheet 2's differ.
    await openPanel(sec.page);
    await openPanel(sec2.page);
    await enter(sec.page, 1, clean);
    await panel(sec2.page).locator('[data-test=paper-awaiting]', { hasText: '第 1 张' }).waitFor();
    await enter(sec.page, 2, second);
    await enter(sec2.page, 1, clean);
    await enter(sec2.page, 2, misread);
    await panel(c).locator('[data-test=paper-disputed]', { hasText: '第 2 张' }).waitFor();
    await panel(c).locator('[data-test=paper-status]', { hasText: '已计入 1 张' }).waitFor();
    // The same secretary cannot confirm their own entry.
    await panel(sec.page).locator('[data-test=paper-sheet]').fill('2');
    for (const [slot, grade] of Object.entries(second)) {
      await panel(sec.page).locator(`[data-test=paper-entry] [data-slot=${slot}] [data-dimension=lianjie] [data-grade=${grade}]`).click();
    }
    await panel(sec.page).locator('[data-test=paper-enter]').click();
    await sec.page.locator('[data-test=toast]', { hasText: '录入纸质票未成功' }).waitFor();
    // The notices go (each dismisses on a click), so that the picture shows the panel.
    await c.evaluate(() => document.querySelectorAll('[data-test=toast]').forEach((el) => el.click()));
    await c.locator('[data-test=toast]').first().waitFor({ state: 'detached' });
    await panel(c).scrollIntoViewIfNeeded();
    await screenshot(c, 'chair-paper-sheets');
    expectEqual(await panelFindings(c), [], 'axe findings in the paper panel');

    // Closing now is refused, naming the sheet.
    await c.click('.ballot-row[data-ballot=B1] [data-test=close-ballot]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=toast]', { hasText: '纸质票第 2 张尚未完成双人录入' }).waitFor();
    await c.locator('[data-test=toast]').first().click();

    // The chair looks at the paper sheet and enters it a third time: it agrees with the first secretary.
    await enter(c, 2, second);
    await panel(c).locator('[data-test=paper-status]', { hasText: '已计入 2 张' }).waitFor();
    expectEqual(await panel(c).locator('[data-test=paper-disputed]').count(), 0, 'disputed sheets after the third entry');

    await c.click('.ballot-row[data-ballot=B1] [data-test=close-ballot]');
    await c.locator('[data-test=dialog]', { hasText: '还有 1 张纸质票已发出但未录入' }).waitFor();
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-ballot=B1][data-status=closed]').waitFor();
    const returned = c.locator('.ballot-row[data-ballot=B1] [data-test=count-returned]').first();
    // The sheet 王芳 kept never came back.
    expectEqual(await returned.getAttribute('data-value'), '3', '收回 after the close: one tablet and two paper sheets');
    const valid = c.locator('.ballot-row[data-ballot=B1] [data-test=count-valid]').first();
    expectEqual(await valid.getAttribute('data-value'), '3', '有效 after the close');
  } finally {
    await browser.close();
    await hearing.close();
    tmp.remove();
  }
}

// The per-presenter sheet weights the voter groups: each group's paper sheets are printed in its own colour, and
// the desk enters a sheet under the group read off it. The choice stays for the next sheet of the stack.
async function aWeightedBallotTakesPaperSheetsByGroup() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const chair = await joinAs(browser, hearing.base, t.chair, { viewport: console1440 });
    const sec = await joinAs(browser, hearing.base, t.sec, { viewport: console1440 });
    const c = chair.page;
    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await c.click('[data-test=chair-tab-checkin]');
    await c.click('[data-test=desk-presence-absent]');
    await c.click('[data-test=desk-check-in-shown]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=att-present]', { hasText: '6' }).waitFor();
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await c.click('[data-test=call-next]');
    await c.click('[data-test=chair-tab-ballots]');
    await c.selectOption('[data-test=ballot-template]', 'each');
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-ballot=B1] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-ballot=B1][data-status=open]').waitFor();

    // 赵强 (群众代表) takes a paper sheet: a 群众代表 sheet.
    const p = await openPanel(c);
    await p.locator('[data-test=paper-voter] option[value=v3]').waitFor({ state: 'attached' });
    await p.locator('[data-test=paper-voter]').selectOption('v3');
    await p.locator('[data-test=paper-hand-out]').click();
    await p.locator('[data-test=paper-status]', { hasText: '已发纸质票 1 张' }).waitFor();

    const marks = { zhuti: 'hao', lianjie: 'jiaohao' };
    const enterUnder = async (page, group) => {
      const q = panel(page);
      await q.locator('[data-test=paper-sheet]').fill('1');
      // No entry without the group the sheet is printed for.
      if (group) {
        expectEqual(await q.locator('[data-test=paper-enter]').isDisabled(), true, 'entry offered without a group');
        await q.locator('[data-test=paper-group]').selectOption(group);
      }
      for (const [dim, grade] of Object.entries(marks)) {
        await q.locator(`[data-test=paper-entry] [data-slot=s1] [data-dimension=${dim}] [data-grade=${grade}]`).click();
      }
      await q.locator('[data-test=paper-enter]').click();
      await page.locator('[data-test=toast]', { hasText: '第 1 张已录入' }).waitFor();
      await page.locator('[data-test=toast]').first().click();
    };
    const sp = await openPanel(sec.page);
    const offered = await sp.locator('[data-test=paper-group] option').allTextContents();
    expectEqual(offered, ['选择分组', '区纪委委员', '群众代表'], 'groups offered for a paper sheet');
    await enterUnder(sec.page, 'qunzhong');
    // The group stays chosen for the next sheet.
    expectEqual(await sp.locator('[data-test=paper-group]').inputValue(), 'qunzhong', 'group kept after an entry');
    await p.locator('[data-test=paper-awaiting]', { hasText: '第 1 张' }).waitFor();
    await enterUnder(c, 'qunzhong');
    await p.locator('[data-test=paper-status]', { hasText: '已计入 1 张' }).waitFor();
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'paper: two secretaries enter two paper sheets, a dispute settled by a third entry, then the count', fn: twoSecretariesEnterPaperSheets },
  { name: 'paper: a sheet of the weighted per-presenter ballot is entered under its group', fn: aWeightedBallotTakesPaperSheetsByGroup },
];
