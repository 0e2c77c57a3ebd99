// The rectification ledger at /organize against a real server: commitments recorded in the hall appear in the
// ledger with their unit and inquiry, the overdue one flagged; an organizer extends a due date, marks progress
// and adds a note that survives a reload; the unit's history shows its result and its commitments; an observer
// sees the same ledger without any control to change it.
import { expect, expectEqual, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount, questionAndCommit, signIn, password } from './organize-fixtures.mjs';
import { commands } from './display.test.mjs';
import { audit } from './organize.test.mjs';

// The hearing in session: 区水务局 (s1) is graded by three voters and questioned, and makes two commitments, one
// due long ago and one due far ahead.
async function holdHearing(page, t) {
  await commands(page, t.chair, [{ type: 'open_check_in' }]);
  await commands(page, t.sec, ['q1', 'v1', 'v2', 'v3'].map((participant) => ({ type: 'check_in', participant })));
  await commands(page, t.chair, [
    { type: 'start_session' },
    { type: 'create_ballot', template_id: 'each', slot: 's1' },
    { type: 'open_ballot', ballot: 'B1' },
  ]);
  for (const [i, v] of ['q1', 'v1', 'v2'].entries()) {
    const receipt = (i + 1).toString(16).padStart(32, '0');
    await commands(page, t[v], [
      { type: 'cast_sheet', ballot: 'B1', marks: { s1: { zhuti: ['hao'], lianjie: ['hao'] } }, receipt, idempotency_key: `sheet-${v}` },
    ]);
  }
  await commands(page, t.chair, [{ type: 'close_ballot', ballot: 'B1' }]);
  await questionAndCommit(page, t);
}

async function ledgerFollowsCommitments() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu', 'organizer');
    addAccount(hearing.db, 'guancha', 'observer');
    const { page, errors } = await signIn(browser, hearing.base, 'mishu');
    await holdHearing(page, hearing.tokens);

    await page.click('[data-test=open-ledger]');
    const ledger = page.locator('[data-test=ledger]');
    await ledger.locator('[data-test=entry-2]').waitFor();
    const first = ledger.locator('[data-test=entry-1]');
    expectEqual(await first.locator('[data-test=unit-link]').innerText(), '区水务局', 'the unit of the commitment');
    expectEqual(await first.locator('[data-test=commitment]').innerText(), '完成主河道清淤', 'the commitment');
    expect((await first.innerText()).includes('河道清淤工程为何一再延期？'), 'the inquiry it answers is shown');
    expectEqual(await first.locator('[data-test=overdue]').count(), 1, 'the commitment due in January is overdue');
    expectEqual(await ledger.locator('[data-test=entry-2] [data-test=overdue]').count(), 0, 'the later one is not');

    await ledger.locator('[data-test=filter-overdue]').click();
    await ledger.locator('[data-test=entry-2]').waitFor({ state: 'detached' });
    expectEqual(await ledger.locator('tbody tr').count(), 1, 'only the overdue commitment is listed');
    expectEqual(await ledger.locator('[data-test=filter-overdue]').getAttribute('aria-pressed'), 'true', 'the filter shows it is on');
    await ledger.locator('[data-test=filter-overdue]').click();
    await ledger.locator('[data-test=entry-2]').waitFor();

    // A bad date is refused in words; a new due date and "in progress" are saved; a note is recorded.
    await first.locator('[data-test=details]').click();
    const details = ledger.locator('[data-test=details-1]');
    await details.locator('[data-test=note-text]').fill('   ');
    expect(await details.locator('[data-test=add-note]').isDisabled(), 'an empty note cannot be recorded');
    await details.locator('[data-test=edit-due]').fill('2099-03-31');
    await details.locator('[data-test=edit-status]').selectOption('in_progress');
    await details.locator('[data-test=save]').click();
    await first.locator('[data-test=status]', { hasText: '整改中' }).waitFor();
    expectEqual(await first.locator('[data-test=overdue]').count(), 0, 'with the later due date it is no longer overdue');
    expect((await first.locator('[data-test=due]').innerText()).includes('会上承诺：2026-01-31'), 'the promised date stays visible');
    await details.locator('[data-test=note-text]').fill('主河道已完成清淤 60%，汛前全部完成。');
    await details.locator('[data-test=add-note]').click();
    await details.locator('[data-test=notes] li').first().waitFor();
    expect((await details.locator('[data-test=notes]').innerText()).includes('mishu'), 'the note names who wrote it');
    await screenshot(page, 'organize-ledger');

    await page.reload();
    await page.locator('[data-test=ledger] [data-test=entry-1] [data-test=status]', { hasText: '整改中' }).waitFor();
    await page.locator('[data-test=ledger] [data-test=entry-1] [data-test=details]').click();
    expect(
      (await page.locator('[data-test=details-1] [data-test=notes]').innerText()).includes('汛前全部完成'),
      'the note is still there after a reload',
    );

    // The unit's history: the hearing with its result and how the commitments stand.
    await page.locator('[data-test=ledger] [data-test=entry-1] [data-test=unit-link]').click();
    const history = page.locator('[data-test=unit-history]');
    await history.locator('[data-test=verdict]').waitFor();
    expectEqual(await history.locator('[data-test=verdict]').innerText(), '好', 'three sheets of 好');
    expectEqual(await history.locator('[data-test=satisfaction]').innerText(), '100.0%', 'the satisfaction rate');
    expect((await history.locator('[data-test=commitment-counts]').innerText()).includes('共 2 项'), 'two commitments counted');
    await screenshot(page, 'organize-unit-history');
    expectEqual(errors, [], 'no page errors');

    // An observer reads the same ledger, with nothing to change it with.
    const observer = await signIn(browser, hearing.base, 'guancha');
    await observer.page.click('[data-test=open-ledger]');
    await observer.page.locator('[data-test=ledger] [data-test=entry-1] [data-test=details]').click();
    await observer.page.locator('[data-test=details-1] [data-test=notes]').waitFor();
    expectEqual(await observer.page.locator('[data-test=details-1] [data-test=save]').count(), 0, 'no save for an observer');
    expectEqual(await observer.page.locator('[data-test=details-1] [data-test=note-text]').count(), 0, 'no note for an observer');
    expectEqual(observer.errors, [], 'no page errors for the observer');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// On a phone: the ledger with an entry opened, and the unit's history, pass axe and keep 44 px targets.
async function ledgerPagesAreAccessible() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu', 'organizer');
    // axe comes in as a script tag, which the server's CSP would refuse.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', bypassCSP: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${hearing.base}/organize#/ledger`);
    await page.getByLabel('账号').fill('mishu');
    await page.getByLabel('密码').fill(password);
    await page.click('[data-test=submit]');
    await page.locator('[data-test=ledger-empty]').waitFor();
    const findings = await audit(page, 'empty ledger');
    await holdHearing(page, hearing.tokens);
    await page.reload();
    await page.locator('[data-test=ledger] [data-test=entry-1] [data-test=details]').click();
    await page.locator('[data-test=details-1] [data-test=save]').waitFor();
    findings.push(...(await audit(page, 'ledger')));
    await page.locator('[data-test=ledger] [data-test=entry-1] [data-test=unit-link]').click();
    await page.locator('[data-test=unit-history] [data-test=verdict]').waitFor();
    findings.push(...(await audit(page, 'unit history')));
    expectEqual(findings, [], 'accessibility findings');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'organize ledger: commitments, due dates, notes, a unit history, an observer reads', fn: ledgerFollowsCommitments },
  { name: 'organize ledger: the ledger and a unit history pass axe and keep 44 px targets on a phone', fn: ledgerPagesAreAccessible },
];
