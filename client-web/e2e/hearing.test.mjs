// A whole presenter cycle in real browsers against a real server: the chair, a secretary-free desk, the big
// screen, the presenter, two questioners and four voters each in their own browser context.
import { readFileSync } from 'node:fs';
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

const tablet = { width: 1180, height: 820 };
const laptop = { width: 1600, height: 1000 };
const hall = { width: 1920, height: 1080 };

const sel = {
  state: (s) => `[data-test=sheet][data-state=${s}]`,
  grade: (dim, grade) => `[data-dimension=${dim}] [data-grade=${grade}]`,
};

// mm:ss on a clock as seconds (negative for an overrun "+mm:ss").
function clockSeconds(text) {
  const m = /(\+?)(\d+):(\d\d)/.exec(text);
  if (!m) return NaN;
  const s = Number(m[2]) * 60 + Number(m[3]);
  return m[1] ? -s : s;
}

// Screenshots without passing notices in front of the view.
async function quietShot(page, name) {
  await page.locator('[data-test=toast]').first().waitFor({ state: 'detached' });
  await screenshot(page, name);
}

// The seed's per-presenter sheet counts the first press: the tablet asks once before sending.
async function vote(page, marks) {
  for (const [dim, grade] of Object.entries(marks)) await page.click(sel.grade(dim, grade));
  await page.click('[data-test=submit-sheet]');
  await page.click('[data-test=dialog-ok]');
}

// Opens check-in, checks the given voters in from their own devices, starts the session and calls the first
// presenter.
async function checkInAndStart(chair, voterPages) {
  const c = chair.page;
  await c.click('[data-test=open-check-in]');
  await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
  for (const p of voterPages) {
    await p.page.click('[data-test=check-in]');
    await p.page.locator('[data-test=checkin-card]').waitFor({ state: 'detached' });
  }
  await c.locator('[data-test=att-present]', { hasText: String(voterPages.length) }).waitFor();
  await c.click('[data-test=start-session]');
  await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
}

async function openBallotForCurrent(c) {
  await c.click('[data-test=create-ballot]');
  await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
  await c.locator('.ballot-row[data-status=open]').waitFor();
}

async function serverRestart() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const open = (id, viewport) => joinAs(browser, hearing.base, t[id], { viewport });
    const chair = await open('chair', laptop);
    const display = await open('screen', hall);
    const voters = [await open('v1', tablet), await open('v2', tablet), await open('v3', tablet), await open('v4', tablet)];
    const [v1, v2] = voters;
    await checkInAndStart(chair, voters);
    const c = chair.page;
    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    for (const [key, stage] of [['1', '述职'], ['2', '质询'], ['3', '测评']]) {
      await c.keyboard.press(key);
      await c.locator('[data-test=current-stage]', { hasText: stage }).waitFor();
    }
    await openBallotForCurrent(c);
    await vote(v1.page, { zhuti: 'hao', lianjie: 'hao' });
    await v1.page.locator(sel.state('confirmed')).waitFor();

    await hearing.restart(async () => {
      // While the server is down every view says so and greys out what it shows; the big screen keeps
      // showing, with the outage in its corner badge only.
      for (const p of [chair, display, v1, v2]) {
        await p.page.locator('[data-test=conn][data-status=offline]').waitFor();
        if (p !== display) await p.page.locator('[data-test=stale-banner]').waitFor();
      }
      expect(!(await display.page.locator('[data-test=stale-banner]').isVisible()), 'no banner on the big screen');
      await v2.page.locator('[data-test=sheet]').waitFor();
      await vote(v2.page, { zhuti: 'jiaohao', lianjie: 'hao' });
      await v2.page.locator(sel.state('pending')).waitFor();
    });

    // Back: everyone reconnects by themselves, the waiting sheet goes in, counted once.
    await v2.page.locator(sel.state('confirmed')).waitFor();
    for (const p of [chair, display, v1]) {
      await p.page.locator('[data-test=conn][data-status=online]').waitFor();
      await p.page.locator('[data-test=stale-banner]').waitFor({ state: 'detached' });
    }
    await v1.page.locator(sel.state('confirmed')).waitFor();
    await c.locator('.ballot-row[data-status=open] [data-test=turnout-text]', { hasText: '收回 2 / 发出 4' }).waitFor();
    await display.page.locator('[data-test=turnout-text]', { hasText: '收回 2 / 发出 4' }).waitFor();
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function fullCycle() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const people = [];
  try {
    const t = hearing.tokens;
    for (const id of ['chair', 'screen', 'p1', 'q1', 'q2', 'v1', 'v2', 'v3']) {
      expect(t[id], `no join token for ${id} in: ${Object.keys(t).join(', ')}`);
    }
    const open = async (id, viewport) => {
      const p = await joinAs(browser, hearing.base, t[id], { viewport });
      people.push(p);
      return p;
    };
    const chair = await open('chair', laptop);
    const display = await open('screen', hall);
    const presenter = await open('p1', tablet);
    const q1 = await open('q1', tablet);
    const q2 = await open('q2', tablet);
    const voters = [await open('v1', tablet), await open('v2', tablet), await open('v3', tablet)];

    // The join token left the address bar and waits in local storage.
    expectEqual(new URL(chair.page.url()).pathname, '/', 'address after joining');
    expect((await chair.page.evaluate(() => localStorage.getItem('dais.token'))) === t.chair, 'token kept on the device');

    // Check-in: 应到 6 voters, quorum 2/3 = 4.
    const c = chair.page;
    await checkInAndStart(chair, [q1, ...voters]);
    await display.page.locator('[data-test=display-attendance]', { hasText: '实到 4' }).waitFor();

    // The chair drags the third presenter ahead of the second; every view follows the new order.
    await c.dragAndDrop('.agenda-row[data-slot=s3]', '.agenda-row[data-slot=s2]');
    await c.locator('.agenda-row').nth(1).and(c.locator('[data-slot=s3]')).waitFor();

    // The first presenter is called with the keyboard shortcut and reports.
    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await display.page.locator('.display-next', { hasText: '苏金凤' }).waitFor();
    await c.click('.stage-btn[data-stage=reporting]');
    await display.page.locator('[data-test=display-stage]', { hasText: '述职' }).waitFor();
    await presenter.page.locator('[data-test=presenter-slot][data-stage=reporting]').waitFor();
    const before = clockSeconds(await display.page.locator('[data-test=clock-digits]').innerText());
    expect(before > 0 && before <= 480, `report countdown starts at 8:00 or below, got ${before}`);

    // Pause, resume and extend the report timer.
    await c.click('[data-test=timer-toggle-report]');
    await c.locator('[data-timer=report] .clock-paused').waitFor();
    await c.click('[data-test=timer-toggle-report]');
    await c.locator('[data-timer=report] .clock-paused').waitFor({ state: 'detached' });
    await c.click('[data-test=timer-extend-report]');
    await display.page.waitForFunction(
      () => {
        const m = /(\d+):(\d\d)/.exec(document.querySelector('[data-test=clock-digits]')?.textContent ?? '');
        return m && Number(m[1]) * 60 + Number(m[2]) > 480;
      },
      null,
      { timeout: 15_000 },
    );

    // Questions: one approved, one rejected with a reason.
    const question = '水务工程招投标中发现的问题，整改到了哪一步？';
    const offTopic = '请介绍一下明年的工作计划。';
    for (const text of [question, offTopic]) {
      await q1.page.fill('[data-test=inquiry-text]', text);
      await q1.page.click('[data-test=inquiry-send]');
      await q1.page.locator('[data-test=mine] .inquiry[data-status=submitted]', { hasText: text }).waitFor();
    }
    await c.locator('[data-test=moderation] .inquiry', { hasText: question }).locator('[data-test=approve]').click();
    await c.locator('[data-test=moderation] .inquiry', { hasText: offTopic }).locator('[data-test=reject]').click();
    await c.fill('[data-test=dialog-input]', '与本次述责述廉主题无关');
    await c.click('[data-test=dialog-ok]');
    await q1.page.locator('[data-test=mine] .inquiry[data-status=approved]', { hasText: question }).waitFor();
    await q1.page
      .locator('[data-test=mine] .inquiry[data-status=rejected]', { hasText: offTopic })
      .locator('[data-test=reject-reason]', { hasText: '与本次述责述廉主题无关' })
      .waitFor();
    await presenter.page.locator('[data-test=presenter-queue] .inquiry', { hasText: question }).waitFor();

    // Another questioner seconds it.
    await q2.page.locator('[data-test=others] .inquiry', { hasText: question }).locator('[data-test=upvote]').click();
    await q2.page.locator('[data-test=others] .inquiry', { hasText: question }).locator('[data-test=upvote][disabled]').waitFor();

    // Questioning: stage by shortcut, the question asked by shortcut.
    await c.keyboard.press('2');
    await display.page.locator('[data-test=display-stage]', { hasText: '质询' }).waitFor();
    await c.keyboard.press('a');
    await display.page.locator('[data-test=display-asking]', { hasText: question }).waitFor();
    await presenter.page.locator('[data-test=presenter-asking]', { hasText: question }).waitFor();
    await q1.page.locator('[data-test=mine] .inquiry[data-status=asking]', { hasText: question }).waitFor();

    // A follow-up (追问) on the question being asked.
    const followUp = '整改的时间表和责任人分别是什么？';
    await q1.page.locator('[data-test=mine] .inquiry[data-status=asking]').locator('[data-test=follow-up-open]').click();
    await q1.page.fill('[data-test=follow-up-text]', followUp);
    await q1.page.click('[data-test=follow-up-send]');
    await q1.page.locator('[data-test=mine] .inquiry', { hasText: followUp }).waitFor();
    await c.locator('[data-test=moderation] .inquiry', { hasText: followUp }).locator('[data-test=approve]').click();

    await screenshot(display.page, 'display');
    await screenshot(presenter.page, 'presenter');

    // A commitment with its due date from the date picker.
    await c.locator('[data-test=moderation-asking] [data-test=commitment]').click();
    await c.fill('[data-test=dialog-input]', '六月底前完成整改');
    await c.click('[data-test=dialog-ok]');
    expectEqual(await c.getAttribute('[data-test=dialog-input]', 'type'), 'date', 'the due date is picked');
    await c.fill('[data-test=dialog-input]', '2027-06-30');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=moderation-asking]', { hasText: '2027-06-30' }).waitFor();

    // The answer is recorded, over several lines.
    await c.locator('[data-test=moderation] .inquiry[data-status=asking]').locator('[data-test=answered]').click();
    expectEqual(await c.evaluate(() => document.querySelector('[data-test=dialog-input]')?.tagName), 'TEXTAREA', 'the summary takes lines');
    await c.fill('[data-test=dialog-input]', '已完成 12 个标段的复查，3 个问题已移交纪检部门');
    await c.click('[data-test=dialog-ok]');
    await q1.page.locator('[data-test=mine] .inquiry[data-status=answered]', { hasText: question }).waitFor();
    await quietShot(q1.page, 'questioner');

    // Evaluation: a per-presenter ballot, opened.
    await c.keyboard.press('3');
    await c.locator('[data-test=current-stage]', { hasText: '测评' }).waitFor();
    await openBallotForCurrent(c);

    // Voter 1 and 3 vote normally; voter 2 loses the Wi-Fi while voting and comes back.
    const [v1, v2, v3] = voters;
    await v1.page.locator('[data-test=sheet]').waitFor();
    await vote(v1.page, { zhuti: 'hao', lianjie: 'hao' });
    await v1.page.locator(sel.state('confirmed')).waitFor();
    const receipt = await v1.page.locator('[data-test=receipt] .receipt-code').innerText();
    expect(/^([0-9a-f]{4} ?){16}$/.test(receipt.trim()), `receipt code shown: ${receipt}`);

    await v2.page.locator('[data-test=sheet]').waitFor();
    await v2.page.click(sel.grade('zhuti', 'jiaohao'));
    await v2.context.setOffline(true);
    await v2.page.locator('[data-test=conn][data-status=offline]').waitFor();
    await v2.page.locator('[data-test=stale-banner]').waitFor();
    await v2.page.click(sel.grade('lianjie', 'hao'));
    await v2.page.click('[data-test=submit-sheet]');
    await v2.page.click('[data-test=dialog-ok]');
    await v2.page.locator(sel.state('pending')).waitFor();
    const waiting = await v2.page.evaluate(() => JSON.parse(localStorage.getItem('dais.sheets.v2') ?? '{}'));
    const pendingSheet = Object.values(waiting)[0];
    expect(pendingSheet && pendingSheet.state === 'pending', 'the sheet waits in local storage');
    expect(/^[0-9a-f]{64}$/.test(pendingSheet.receipt) && pendingSheet.key, 'with its receipt and idempotency key');
    await v2.context.setOffline(false);
    await v2.page.locator(sel.state('confirmed')).waitFor();
    await v2.page.locator('[data-test=stale-banner]').waitFor({ state: 'detached' });

    await vote(v3.page, { zhuti: 'yiban', lianjie: 'jiaohao' });
    await v3.page.locator(sel.state('confirmed')).waitFor();

    // q1 votes from the voter tab of the same device.
    await q1.page.click('[data-test=role-tab-voter]');
    await vote(q1.page, { zhuti: 'hao', lianjie: 'jiaohao' });
    await q1.page.locator(sel.state('confirmed')).waitFor();

    // First press counts: once confirmed there is nothing left to change, and no change button.
    expectEqual(await v1.page.locator('[data-test=change-sheet]').count(), 0, 'change buttons on a first-press sheet');

    await c.locator('.ballot-row[data-status=open] [data-test=turnout-text]', { hasText: '收回 4 / 发出 4' }).waitFor();
    await display.page.locator('[data-test=turnout-text]', { hasText: '收回 4 / 发出 4' }).waitFor();
    await screenshot(v1.page, 'voter');
    await quietShot(c, 'chair');

    // Close (after a confirmation) and publish.
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.locator('[data-test=dialog]').waitFor();
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-status=closed] [data-test=publish-ballot]').click();
    // Published, it stays in sight on the run tab until the next ballot, and goes to the big screen.
    await c.locator('.ballot-row[data-ballot=B1][data-status=published] [data-test=latest-published]').waitFor();
    await c.keyboard.press('4');
    await c.locator('[data-test=current-stage]', { hasText: '已结束' }).waitFor();
    await display.page.locator('[data-test=display-results] [data-test=ranking]', { hasText: '黄明军' }).waitFor();
    await display.page.locator('[data-test=display-results] [data-test=chart] canvas').first().waitFor();
    await screenshot(display.page, 'display-results');

    // The chair's results and a CSV export fetched with the token.
    await c.click('[data-test=chair-tab-ballots]');
    await c.locator('.ballot-row[data-status=published] [data-test=ranking]', { hasText: '黄明军' }).waitFor();
    const [download] = await Promise.all([c.waitForEvent('download'), c.click('[data-test=export-exportCsv]')]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.charCodeAt(0) === 0xfeff, 'the CSV starts with a byte order mark');
    expect(csv.includes('黄明军'), 'the CSV names the presenter');

    // A combined end-of-hearing sheet that may be changed until it closes: confirmed, then changed.
    await c.click('[data-test=chair-tab-run]');
    await c.selectOption('[data-test=ballot-template]', 'final');
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await v1.page.locator('[data-test=sheet] [data-slot=s3]').waitFor();
    for (const slot of ['s1', 's2', 's3']) await v1.page.click(`[data-slot=${slot}] [data-grade=lianjie]`);
    await v1.page.click('[data-test=submit-sheet]');
    await v1.page.locator(sel.state('confirmed')).waitFor();
    const firstReceipt = await v1.page.locator('[data-test=receipt] .receipt-code').innerText();
    await v1.page.click('[data-test=change-sheet]');
    // A change starts from an empty sheet: the tablet no longer knows the marks it sent.
    for (const slot of ['s1', 's3']) await v1.page.click(`[data-slot=${slot}] [data-grade=lianjie]`);
    await v1.page.click('[data-slot=s2] [data-grade=jiben]');
    await v1.page.click('[data-test=submit-sheet]');
    await v1.page.locator(sel.state('changed')).waitFor();
    expectEqual(await v1.page.locator('[data-test=receipt] .receipt-code').innerText(), firstReceipt, 'a change keeps the receipt');
    await v1.page.click('[data-test=check-receipt]');
    await v1.page.locator('[data-test=receipt-in-box]').waitFor();
    await screenshot(v1.page, 'voter-combined');
    for (const [p, marks] of [[v2, ['lianjie', 'lianjie', 'jiben']], [v3, ['lianjie', 'jiben', 'lianjie']]]) {
      await p.page.locator('[data-test=sheet] [data-slot=s3]').waitFor();
      for (const [i, slot] of ['s1', 's2', 's3'].entries()) await p.page.click(`[data-slot=${slot}] [data-grade=${marks[i]}]`);
      await p.page.click('[data-test=submit-sheet]');
      await p.page.locator(sel.state('confirmed')).waitFor();
    }

    // The combined ballot closes and its ranking of all presenters goes to the big screen.
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-status=closed] [data-test=publish-ballot]').click();
    await c.click('[data-test=dialog-ok]'); // three sheets back of four (75 %), below the 80 % warning
    await display.page.locator('[data-test=display-results] table.ranking tbody tr').nth(2).waitFor();
    expectEqual(await display.page.locator('[data-test=display-results] table.ranking tbody tr').count(), 3, 'every presenter ranked');
    await screenshot(display.page, 'display-ranking');

    // Fresh QR codes for everyone else: the old links stop working, the chair's own does not.
    await c.click('[data-test=chair-tab-codes]');
    await c.click('[data-test=issue-tokens]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('.qr-card img').nth(11).waitFor();
    expectEqual(await c.locator('.qr-card').count(), 12, 'one QR code per participant but the chair');
    await v3.page.locator('[data-test=rejected]').waitFor();
    await c.locator('[data-test=conn][data-status=online]').waitFor();
    await screenshot(c, 'chair-codes');

    for (const p of people) expectEqual(p.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'a whole presenter cycle: check-in, report, questions, a ballot with an offline voter, results', fn: fullCycle },
  { name: 'a server restart mid-ballot: every view greys out, reconnects by itself, the waiting sheet counts once', fn: serverRestart },
];
