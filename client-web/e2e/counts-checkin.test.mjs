// The check-in desk and a ballot's counts in real browsers against a real server: search, filters and a
// group checked in at once, a typed check-in code, the voter's 已签到, the 未提交名单 with its reminder on a
// tablet, the warning before closing and publishing at low turnout, and the published ballot kept in sight.
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

const console1440 = { width: 1440, height: 900 };
const tablet = { width: 1180, height: 820 };

async function vote(page, marks) {
  for (const [dim, grade] of Object.entries(marks)) await page.click(`[data-dimension=${dim}] [data-grade=${grade}]`);
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=dialog-ok]');
}

const rows = (c) => c.locator('[data-test=checkin-list] tbody tr');
const count = (c, key) => c.locator(`.ballot-row[data-ballot=B1] [data-test=count-${key}]`).first();

async function deskAndCounts() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const open = (id, viewport) => joinAs(browser, hearing.base, t[id], { viewport });
    const chair = await open('chair', console1440);
    const v1 = await open('v1', tablet);
    const v2 = await open('v2', tablet);
    const c = chair.page;

    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await c.click('[data-test=chair-tab-checkin]');
    await rows(c).first().waitFor();
    const everyone = await rows(c).count();

    // Search by name and by post; spacing does not matter.
    await c.fill('[data-test=desk-search]', '王 芳');
    await c.locator('[data-test=checkin-list] tbody tr[data-participant=v2]').waitFor();
    expectEqual(await rows(c).count(), 1, 'rows found for 王芳');
    await c.fill('[data-test=desk-search]', '');
    await c.locator('[data-test=desk-shown]', { hasText: `${everyone} / ${everyone}` }).waitFor();

    // The 群众代表 not yet here, checked in at once.
    await c.selectOption('[data-test=desk-group]', 'qunzhong');
    await c.click('[data-test=desk-presence-absent]');
    await c.locator('[data-test=desk-shown]', { hasText: `3 / ${everyone}` }).waitFor();
    await c.click('[data-test=desk-check-in-shown]');
    await c.locator('[data-test=dialog]', { hasText: '3' }).waitFor();
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=att-present]', { hasText: '3' }).waitFor();
    // Absent only: the group's rows leave the list as they check in.
    await c.locator('[data-test=desk-shown]', { hasText: `0 / ${everyone}` }).waitFor();
    // The voter's own screen says so.
    await v2.page.locator('[data-test=checked-in]', { hasText: '已签到' }).waitFor();
    expectEqual(await v2.page.locator('[data-test=checkin-card]').count(), 0, 'check-in cards left on a checked-in tablet');

    // A check-in code typed at the desk (what a scan reads), an unknown one, a name.
    await c.click('[data-test=desk-presence-all]');
    await c.selectOption('[data-test=desk-group]', '');
    await c.fill('[data-test=desk-code]', 'dais-checkin:v1');
    await c.click('[data-test=desk-code-go]');
    await c.locator('[data-test=desk-result]', { hasText: '李磊 签到成功' }).waitFor();
    await v1.page.locator('[data-test=checked-in]').waitFor();
    await c.fill('[data-test=desk-code]', '查无此人');
    await c.press('[data-test=desk-code]', 'Enter');
    await c.locator('[data-test=desk-result]', { hasText: '未找到「查无此人」' }).waitFor();
    await c.fill('[data-test=desk-code]', '陈建国');
    await c.press('[data-test=desk-code]', 'Enter');
    await c.locator('[data-test=desk-result]', { hasText: '陈建国 签到成功' }).waitFor();
    await c.fill('[data-test=desk-code]', 'v1');
    await c.press('[data-test=desk-code]', 'Enter');
    await c.locator('[data-test=desk-result]', { hasText: '李磊 已签到' }).waitFor();
    await c.locator('[data-test=att-present]', { hasText: '5' }).waitFor();
    // The counters stay in sight at the top while the list scrolls under them.
    await rows(c).last().scrollIntoViewIfNeeded();
    expect(await c.locator('[data-test=att-present]').isVisible(), 'the counters stay visible after scrolling');
    await c.evaluate(() => window.scrollTo(0, 0));
    await screenshot(c, 'chair-checkin');

    // A ballot for the first presenter; v1 votes.
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-status=open]').waitFor();
    await vote(v1.page, { zhuti: 'hao', lianjie: 'hao' });
    await v1.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();

    // The counts: 6 expected, 5 present, 5 sheets issued, 1 back; valid and invalid wait for the close.
    await count(c, 'returned').and(c.locator('[data-value="1"]')).waitFor();
    expectEqual(await count(c, 'expected').getAttribute('data-value'), '6', '应到');
    expectEqual(await count(c, 'present').getAttribute('data-value'), '5', '实到');
    expectEqual(await count(c, 'issued').getAttribute('data-value'), '5', '发出');
    expectEqual(await count(c, 'valid').getAttribute('data-value'), '', '有效 while open');
    await c.locator('.ballot-row[data-ballot=B1] [data-test=turnout-text]', { hasText: '收回 1 / 发出 5' }).waitFor();
    await c.locator('.ballot-row[data-ballot=B1] [data-test=low-turnout]').waitFor();

    // The 未提交名单: everyone present but v1.
    const waiting = c.locator('.ballot-row[data-ballot=B1] [data-test=not-submitted]');
    await waiting.locator('summary', { hasText: '4' }).waitFor();
    await waiting.locator('summary').click();
    for (const id of ['q1', 'v2', 'v3', 'v4']) await waiting.locator(`li[data-participant=${id}]`).waitFor();
    expectEqual(await waiting.locator('li[data-participant=v1]').count(), 0, 'v1 listed after submitting');
    await waiting.locator('[data-test=remind]').scrollIntoViewIfNeeded();
    await screenshot(c, 'chair-ballot-counts');

    // The reminder reaches v2's tablet, not v1's (who submitted).
    await waiting.locator('[data-test=remind]').click();
    await c.click('[data-test=dialog-ok]');
    await v2.page.locator('[data-test=reminder]', { hasText: '请尽快提交测评表' }).waitFor();
    await screenshot(v2.page, 'voter-reminder');
    expectEqual(await v1.page.locator('[data-test=reminder]').count(), 0, 'reminders on a tablet that submitted');
    await vote(v2.page, { zhuti: 'jiaohao', lianjie: 'hao' });
    await v2.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
    await v2.page.locator('[data-test=reminder]').waitFor({ state: 'detached' });

    // Closing at 2 of 5 (40 %) warns first; so does publishing.
    await count(c, 'returned').and(c.locator('[data-value="2"]')).waitFor();
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.locator('[data-test=dialog]', { hasText: '低于设定的 80%' }).waitFor();
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-status=closed] [data-test=publish-ballot]').click();
    await c.locator('[data-test=dialog]', { hasText: '仅占发出 5 张的 40%' }).waitFor();
    await c.click('[data-test=dialog-ok]');
    // Published, it stays on the run tab, with its final counts.
    await c.locator('.ballot-row[data-ballot=B1][data-status=published] [data-test=latest-published]').waitFor();
    expectEqual(await count(c, 'valid').getAttribute('data-value'), '2', '有效 after the close');
    expectEqual(await count(c, 'invalid').getAttribute('data-value'), '0', '无效 after the close');
    // A late arrival changes nothing on the closed ballot.
    await c.click('[data-test=chair-tab-checkin]');
    await c.fill('[data-test=desk-code]', 'q2');
    await c.press('[data-test=desk-code]', 'Enter');
    await c.locator('[data-test=att-present]', { hasText: '6' }).waitFor();
    await c.click('[data-test=chair-tab-run]');
    await c.locator('.ballot-row[data-ballot=B1][data-status=published]').waitFor();
    expectEqual(await count(c, 'present').getAttribute('data-value'), '5', '实到 of the closed ballot after a late check-in');
    await c.click('[data-test=chair-tab-ballots]');
    await c.locator('.ballot-row[data-ballot=B1] [data-test=result-counts] [data-test=count-valid][data-value="2"]').waitFor();
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'check-in desk and ballot counts: search, group check-in, code, reminder, warnings', fn: deskAndCounts }];
