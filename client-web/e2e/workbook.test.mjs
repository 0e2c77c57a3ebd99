// The commission's workbook in a real browser against a real server: after a ballot closes, the chair's
// 下载 Excel 统计表 fetches /api/results.xlsx with the chair's token and saves it under the hearing's name; the
// file, read back with openpyxl (tests/tools/read_xlsx.py), holds the summary and the ballot's sheet with its
// counts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, expectEqual, joinAs, launchBrowser, repoRoot, screenshot, tempDir } from './harness.mjs';
import { openWithQuorum, startHearing } from './fixtures.mjs';

const console1440 = { width: 1440, height: 900 };
const tablet = { width: 1180, height: 820 };

async function vote(page, marks) {
  for (const [dim, grade] of Object.entries(marks)) await page.click(`[data-dimension=${dim}] [data-grade=${grade}]`);
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=dialog-ok]');
}

function readWorkbook(path) {
  const script = join(repoRoot, 'tests', 'tools', 'read_xlsx.py');
  return JSON.parse(execFileSync('/usr/bin/python3', [script, path], { encoding: 'utf8' }));
}

const cellsOf = (sheet) => sheet.cells.map((c) => c.v);

async function downloadWorkbook() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const files = tempDir('dais-e2e-workbook-');
  try {
    const t = hearing.tokens;
    const chair = await joinAs(browser, hearing.base, t.chair, { viewport: console1440 });
    const voters = [await joinAs(browser, hearing.base, t.v1, { viewport: tablet }), await joinAs(browser, hearing.base, t.v2, { viewport: tablet })];
    const c = chair.page;

    // The quorum (two thirds of 6 voters): four check in.
    await openWithQuorum(c, ['v1', 'v2', 'v3', 'v4']);

    // A ballot for the first presenter; two vote; it closes (after the low-turnout warning).
    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-status=open]').waitFor();
    await vote(voters[0].page, { zhuti: 'hao', lianjie: 'hao' });
    await vote(voters[1].page, { zhuti: 'jiaohao', lianjie: 'hao' });
    for (const v of voters) await v.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
    await c.locator('.ballot-row[data-ballot=B1] [data-test=count-returned][data-value="2"]').first().waitFor();
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.locator('[data-test=dialog]').waitFor();
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-ballot=B1][data-status=closed]').first().waitFor();

    // The exports, the workbook first.
    await c.click('[data-test=chair-tab-ballots]');
    const button = c.locator('[data-test=export-exportXlsx]');
    await button.waitFor();
    expectEqual((await button.innerText()).trim(), '下载 Excel 统计表', 'the button');
    await c.locator('[data-test=exports]').scrollIntoViewIfNeeded();
    await screenshot(c, 'chair-exports');
    const [download] = await Promise.all([c.waitForEvent('download'), button.click()]);
    expectEqual(download.suggestedFilename(), 'e2e-hearing-results.xlsx', 'the file name');
    // openpyxl goes by the file's extension, which the browser's temporary copy lacks.
    const saved = join(files.dir, download.suggestedFilename());
    await download.saveAs(saved);
    const workbook = readWorkbook(saved);
    expectEqual(workbook.sheets.map((s) => s.name.split(' ')[0]), ['汇总', 'B1'], 'the sheets');
    expect(cellsOf(workbook.sheets[0]).includes('区纪委全会述责述廉会议（测试）'), 'the summary names the hearing');
    const ballot = workbook.sheets[1];
    expect(cellsOf(ballot).includes('黄明军'), 'the ballot sheet names the presenter');
    // 收回 2: the value under its label.
    const label = ballot.cells.find((cell) => cell.v === '收回');
    const returned = ballot.cells.find((cell) => cell.r === label.r + 1 && cell.c === label.c);
    expectEqual(returned.v, 2, '收回');
    expectEqual(chair.errors, [], 'page errors');
  } finally {
    files.remove();
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'workbook: the chair downloads the Excel results workbook', fn: downloadWorkbook }];
