// The 结果通报 in a real browser against a real server: a hearing with two voter groups (区纪委委员, 群众代表),
// k = 2, a weighted per-presenter ballot cast by two of each group and closed, the hearing adjourned; an
// organizer signs in, follows the hearing row's link to the notice, and every number on the page is the one
// results.json states, per group included. Printed (print media), the buttons are gone and the page is A4.
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { openWithQuorum, startHearing } from './fixtures.mjs';
import { addAccount as addUser, signIn } from './organize-fixtures.mjs';
import { audit } from './organize.test.mjs';

async function vote(page, marks) {
  for (const [dim, grade] of Object.entries(marks)) await page.click(`[data-dimension=${dim}] [data-grade=${grade}]`);
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=dialog-ok]');
  await page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
}

// The chair runs the hearing: four check in, a ballot on the first presenter cast in the order given (the
// groups alternate, so no live count cuts a group finely), closed; the hearing adjourned.
async function holdHearing(browser, hearing) {
  const t = hearing.tokens;
  const chair = await joinAs(browser, hearing.base, t.chair, { viewport: { width: 1440, height: 900 } });
  const c = chair.page;
  const voters = ['v1', 'v2', 'q1', 'v3'];
  const pages = [];
  for (const id of voters) pages.push(await joinAs(browser, hearing.base, t[id], { viewport: { width: 1180, height: 820 } }));
  await openWithQuorum(c, voters);
  await c.keyboard.press('n');
  await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
  await c.click('[data-test=create-ballot]');
  await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
  await c.locator('.ballot-row[data-status=open]').waitFor();
  const marks = [
    { zhuti: 'hao', lianjie: 'hao' },
    { zhuti: 'jiaohao', lianjie: 'hao' },
    { zhuti: 'hao', lianjie: 'yiban' },
    { zhuti: 'cha', lianjie: 'jiaohao' },
  ];
  // q1 also questions: the sheet is under its 测评 tab.
  await pages[2].page.click('[data-test=role-tab-voter]');
  for (let i = 0; i < voters.length; i++) await vote(pages[i].page, marks[i]);
  for (const v of pages) {
    expectEqual(v.errors, [], 'voter page errors');
    await v.context.close();
  }
  await c.locator('.ballot-row[data-ballot=B1] [data-test=count-returned][data-value="4"]').first().waitFor();
  await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
  const dialog = c.locator('[data-test=dialog]');
  if (await dialog.isVisible()) await c.click('[data-test=dialog-ok]');
  await c.locator('.ballot-row[data-ballot=B1][data-status=closed]').first().waitFor();
  await c.click('[data-test=adjourn]');
  await c.click('[data-test=dialog-ok]');
  await c.locator('[data-test=why-adjourned]').waitFor();
  expectEqual(chair.errors, [], 'chair page errors');
  await chair.context.close();
}

const texts = async (locator) => (await locator.allTextContents()).map((s) => s.trim());

async function theNoticeStatesResultsJson() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addUser(hearing.db, 'mishu', 'observer');
    await holdHearing(browser, hearing);

    // axe comes in as a script tag, which the server's CSP would refuse.
    const { page, errors } = await signIn(browser, hearing.base, 'mishu', { bypassCSP: true });
    const row = page.locator('[data-test^=hearing-]').first();
    await row.waitFor();
    expectEqual((await row.locator('[data-test=download-workbook]').getAttribute('href')), '/organize/api/hearings/e2e-hearing/results.xlsx', 'the workbook link');
    const findings = await audit(page, 'hearings');
    await row.locator('[data-test=open-report]').click();
    const notice = page.locator('[data-test=report]');
    await notice.waitFor();
    expectEqual(new URL(page.url()).hash, '#/hearing/e2e-hearing/report', 'the route');

    const results = await page.evaluate(async () => (await fetch('/organize/api/hearings/e2e-hearing/results.json')).json());
    expectEqual(results.ballots.length, 1, 'one ballot reported');
    expectEqual((await page.locator('[data-test=report-title]').textContent()).trim(), `${results.hearing.title}民主测评结果通报`, 'the title');
    expectEqual(await page.locator('[data-test=report-date]').textContent(), results.hearing.date, 'the date');
    expectEqual(await page.locator('[data-test=report-venue]').textContent(), results.hearing.venue, 'the venue');

    const b = results.ballots[0];
    const section = page.locator(`[data-ballot=${b.ballot}]`);
    for (const key of ['expected', 'present', 'issued', 'voted', 'valid', 'invalid']) {
      expectEqual(await section.locator(`.turnout [data-turnout=${key}]`).textContent(), String(b.turnout[key]), key);
    }
    expectEqual(b.turnout.voted, 4, '收回');
    let checked = 0;
    for (const p of b.presenters) {
      const r = section.locator(`.results tr[data-slot=${p.slot}]`);
      expectEqual(await r.locator('[data-field=rank]').textContent(), String(p.rank), 'rank');
      expectEqual(await r.locator('[data-field=satisfaction]').textContent(), `${(p.satisfaction * 100).toFixed(1)}%`, 'satisfaction');
      expectEqual(await r.locator('[data-field=points]').textContent(), p.points.toFixed(2), 'points');
      expectEqual(await r.locator('[data-field=verdict]').textContent(), p.verdict, 'verdict');
      expectEqual(await r.locator('[data-field=flags]').textContent(), p.flags.join('、'), 'flags');
      for (const d of p.dimensions) {
        const cells = r.locator(`[data-dimension=${d.dimension}]`);
        for (let i = 0; i < (await cells.count()); i++) {
          const cell = cells.nth(i);
          const grade = await cell.getAttribute('data-grade');
          const n = d.counts[grade] ?? 0;
          expectEqual((await cell.textContent()).trim(), `${n} 票（${((n / d.cast) * 100).toFixed(1)}%）`, `${d.dimension} ${grade}`);
          checked++;
        }
      }
    }
    expectEqual(checked, 8, 'two dimensions of four grades');

    // Two groups of two sheets each, k = 2: broken out, every group's count as results.json gives it.
    expect(b.group_counts.shown, `the groups are shown: ${JSON.stringify(b.group_counts)}`);
    expectEqual(b.group_counts.groups.map((g) => [g.name, g.cast]), [['区纪委委员', 2], ['群众代表', 2]], 'the groups');
    expectEqual(await section.locator('table.groups caption').allTextContents(), ['区纪委委员（收回 2 份）', '群众代表（收回 2 份）'], 'the group titles');
    let groupCells = 0;
    for (const g of b.group_counts.groups) {
      for (const p of b.presenters) {
        for (const d of p.dimensions) {
          const part = d.by_group.find((x) => x.group === g.group);
          const cells = section.locator(`table.groups[data-group=${g.group}] tr[data-slot=${p.slot}] [data-dimension=${d.dimension}]`);
          for (let i = 0; i < (await cells.count()); i++) {
            const grade = await cells.nth(i).getAttribute('data-grade');
            const n = part.counts[grade] ?? 0;
            expectEqual((await cells.nth(i).textContent()).trim(), `${n} 票（${((n / part.cast) * 100).toFixed(1)}%）`, `${g.group} ${d.dimension} ${grade}`);
            groupCells++;
          }
        }
      }
    }
    expectEqual(groupCells, 16, 'two groups × two dimensions × four grades');
    const report = await page.evaluate(async () => (await fetch('/organize/api/hearings/e2e-hearing/report.json')).json());
    expectEqual(await page.locator('[data-test=head-hash]').textContent(), report.head_hash, 'the head hash');
    expect(/^[0-9a-f]{64}$/.test(report.head_hash), 'a head hash');
    expectEqual(await texts(notice.locator('.signatures p')), ['监票人（签名）：', '计票人（签名）：', '日期：'], 'the signature lines');

    await screenshot(page, 'organize-report');
    findings.push(...(await audit(page, 'report')));
    expectEqual(findings, [], 'accessibility findings');
    // Printed: no buttons, the notice alone.
    expect(await page.locator('[data-test=print]').isVisible(), 'the print button on screen');
    await page.emulateMedia({ media: 'print' });
    for (const sel of ['[data-test=print]', '[data-test=download-workbook]', '[data-test=back]', '.topbar']) {
      expect(!(await page.locator(sel).isVisible()), `${sel} hidden when printed`);
    }
    expect(await notice.isVisible(), 'the notice printed');
    // The width of an A4 page at 96 dpi, for the picture of the printed notice.
    await page.setViewportSize({ width: 794, height: 1123 });
    await screenshot(page, 'organize-report-print');
    // A4 from the page's own @page rule.
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString() === '%PDF-', 'a PDF');
    expect(/\/MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]/.test(pdf.toString('latin1')), 'an A4 page');
    expectEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'organize report: the printable results notice states results.json, per group too', fn: theNoticeStatesResultsJson }];
