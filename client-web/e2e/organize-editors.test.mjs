// The agenda, sheet and settings tabs of the /organize editor against a real server: a hearing from the
// satisfaction preset gets an opening remark moved to the top with the keyboard, two reports swapped by dragging,
// a longer report, a problem the server's check pins to its agenda row, a renamed grade seen in the tablet
// preview, a stricter flag read back in words, and settings explained in sentences; saved, and the stored
// definition holds every change.
import { createRequire } from 'node:module';
import { expect, expectEqual, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount, signIn } from './organize-fixtures.mjs';

const password = 'correct horse battery';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe's serious and critical findings over what the page shows now, one line each.
async function axeFindings(page, state) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found.map((f) => `${state}: ${f}`);
}

async function editAgendaSheetSettings() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu');
    // axe comes in as a script tag, which the server's CSP would refuse.
    const { page, errors } = await signIn(browser, hearing.base, 'mishu', { bypassCSP: true });

    await page.click('[data-test=new-hearing]');
    const dialog = page.locator('[data-test=new-hearing-dialog]');
    await dialog.locator('[data-test=preset-satisfaction] input').check();
    await dialog.locator('[data-test=new-date]').fill('2027-03-01');
    await dialog.locator('[data-test=new-title]').fill('区纪委全会述责述廉会议');
    await dialog.locator('[data-test=new-create]').click();
    await page.locator('[data-test=hearing-editor] [data-test=editor-title]').waitFor();
    const id = (await page.evaluate(() => location.hash)).replace('#/hearing/', '');

    // Agenda: an opening remark added at the end and brought to the top with the keyboard.
    await page.click('[data-test=tab-agenda]');
    const rows = page.locator('.plan-row');
    await page.click('[data-test=add-remark]');
    await rows.nth(2).waitFor();
    await rows.nth(2).locator('[data-test=slot-up]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.plan-row[data-kind=remark]').and(rows.nth(1)).waitFor();
    await rows.nth(1).locator('[data-test=slot-up]').focus();
    await page.keyboard.press('Enter');
    await page.locator('.plan-row[data-kind=remark]').and(rows.nth(0)).waitFor();
    expectEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.slot)), ['r1', 's1', 's2'], 'the remark first');
    // And with the mouse: the second report dragged by its number onto the first, then back.
    await page.locator('.plan-row[data-slot=s2] [data-test=slot-handle]').dragTo(page.locator('.plan-row[data-slot=s1]'));
    await page.locator('.plan-row[data-slot=s2]').and(rows.nth(1)).waitFor();
    await page.locator('.plan-row[data-slot=s1] [data-test=slot-handle]').dragTo(page.locator('.plan-row[data-slot=s2]'));
    await page.locator('.plan-row[data-slot=s1]').and(rows.nth(1)).waitFor();
    await page.locator('.plan-row[data-slot=s1] [data-test=slot-report-minutes]').fill('10');
    await page.locator('.plan-row[data-slot=s1] [data-test=slot-report-minutes]').press('Tab');

    // A remark without a title: the server's check names the field and the page pins it to that row.
    await page.locator('.plan-row[data-slot=r1] [data-test=slot-title]').fill('');
    await page.locator('.plan-row[data-slot=r1] [data-test=slot-title]').press('Tab');
    const pinned = page.locator('.plan-row[data-slot=r1] [data-test=agenda-error]');
    await pinned.waitFor();
    expectEqual(await page.locator('.plan-row[data-slot=s1] [data-test=agenda-error]').count(), 0, 'only that row is flagged');
    await page.locator('.plan-row[data-slot=r1] [data-test=slot-title]').fill('开幕讲话（区纪委书记）');
    await page.locator('.plan-row[data-slot=r1] [data-test=slot-title]').press('Tab');
    await pinned.waitFor({ state: 'detached' });
    await screenshot(page, 'organize-agenda');
    const findings = await axeFindings(page, 'agenda');

    // Sheet: a grade renamed shows in the tablet preview; a stricter flag is read back in words.
    await page.click('[data-test=tab-sheet]');
    await page.locator('[data-grade=manyi] [data-test=grade-label]').fill('非常满意');
    await page.locator('[data-test=sheet-preview] .grade', { hasText: '非常满意' }).waitFor();
    await page.locator('[data-test=flag-threshold]').first().fill('75');
    await page.locator('[data-test=flag-threshold]').first().press('Tab');
    await page.locator('[data-test=rule-words]', { hasText: '满意率 < 75% 时标记“提醒谈话”' }).waitFor();
    await page.locator('[data-test=sheet-preview] [data-grade=jiben]').click();
    await page.setViewportSize({ width: 1280, height: 1500 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'organize-sheet');
    await page.setViewportSize({ width: 1280, height: 900 });
    findings.push(...(await axeFindings(page, 'sheet')));

    // Settings: each choice with its sentence.
    await page.click('[data-test=tab-settings]');
    await page.locator('#set-live').selectOption('chair_and_display');
    await page.locator('[data-setting=live_results]', { hasText: '主持人和会场大屏显示当前票数' }).waitFor();
    await page.locator('#set-k').fill('3');
    await page.locator('#set-k').press('Tab');
    await page.locator('[data-setting=k_anonymity]', { hasText: '每满 3 张新票' }).waitFor();
    await screenshot(page, 'organize-settings');
    findings.push(...(await axeFindings(page, 'settings')));
    expectEqual(findings, [], 'no serious accessibility findings on the three tabs');

    await page.click('[data-test=save]');
    await page.locator('[data-test=editor-notice]').getByText('已保存。').waitFor();
    const stored = await page.evaluate(async (h) => (await fetch(`/organize/api/hearings/${h}/definition`)).json(), id);
    expectEqual(stored.agenda.map((s) => s.id), ['r1', 's1', 's2'], 'the stored order');
    expectEqual(stored.agenda[0].title, '开幕讲话（区纪委书记）', 'the remark title');
    expectEqual(stored.agenda[1].report_limit_s, 600, 'ten minutes stored as seconds');
    expectEqual(stored.ballot_templates[0].dimensions[0].grades[0].label, '非常满意', 'the renamed grade');
    expectEqual(stored.rules[0].flags[0].threshold, 0.75, 'the stricter flag');
    expectEqual(stored.settings.live_results, 'chair_and_display', 'live counts');
    expectEqual(stored.settings.k_anonymity, 3, 'k');
    expect(errors.length === 0, `no page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  {
    name: 'organize editors: agenda reordered by keyboard and by dragging, a pinned check error, a grade in the tablet preview, a flag in words, settings in sentences, saved; no serious axe finding',
    fn: editAgendaSheetSettings,
  },
];
