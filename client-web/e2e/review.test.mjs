// A review hearing (回头看) against a real server: a first hearing records two commitments of 区水务局 (one long
// overdue); next year's draft takes them from the ledger into 区水务局's slot in the organizer's agenda; when the
// chair calls that slot, the questioner's screen, the hall screen and the chair's console show what was
// promised, by when and how it stands, the overdue one marked; a voter's tablet is not sent it. The pictures go
// to build/screenshots (the user guide's copies in docs/img are committed).
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount, questionAndCommit, signIn } from './organize-fixtures.mjs';
import { commands } from './display.test.mjs';
import { audit } from './organize.test.mjs';

const DRAFT = 'review-2027';

// The first hearing: 区水务局 (s1) questioned and answering with two commitments.
async function holdFirstHearing(page, t) {
  await commands(page, t.chair, [{ type: 'open_check_in' }]);
  await commands(page, t.sec, ['q1', 'q2', 'v1', 'v2', 'v3'].map((participant) => ({ type: 'check_in', participant })));
  await commands(page, t.chair, [{ type: 'start_session' }]);
  await questionAndCommit(page, t);
}

// Requests to /organize/api from the signed-in page, with its CSRF token on changes.
async function organizeApi(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const me = await (await fetch('/organize/api/me')).json();
      const res = await fetch(`/organize/api/${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: await res.json() };
    },
    { method, path, body },
  );
}

async function reviewReachesTheHall() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu', 'organizer');
    // axe comes in as a script tag, which the server's CSP would refuse.
    const { page, errors } = await signIn(browser, hearing.base, 'mishu', { bypassCSP: true });
    const findings = [];
    await holdFirstHearing(page, hearing.tokens);
    // The ledger takes the hall's commitments when it is read; the secretariat notes progress on the second.
    expectEqual((await organizeApi(page, 'GET', 'ledger')).body.entries.length, 2, 'both commitments are in the ledger');
    const noted = await organizeApi(page, 'POST', 'ledger/2/notes', { text: '管护办法已起草，待区政府审议' });
    expectEqual(noted.status, 201, 'a progress note is recorded');

    // Next year's hearing: the same units, a draft of its own.
    const first = (await organizeApi(page, 'GET', 'hearings/e2e-hearing/definition')).body;
    const created = await organizeApi(page, 'POST', 'hearings', {
      definition: { ...first, id: DRAFT, title: '2027年度述责述廉会议（回头看）', date: '2027-02-20' },
    });
    expectEqual(created.status, 201, 'the draft is created');

    // In the draft's agenda, 区水务局's slot takes its commitments from the ledger.
    await page.goto(`${hearing.base}/organize#/hearing/${DRAFT}`);
    await page.click('[data-test=tab-agenda]');
    const row = page.locator('[data-slot=s1]');
    await row.locator('[data-test=review-open]').click();
    expectEqual(await row.locator('[data-test=review-unit]').inputValue(), '区水务局', 'the unit is the slot title');
    await row.locator('[data-test=review-take]').click();
    await row.locator('[data-test=review-note]', { hasText: '已带入 2 项' }).waitFor();
    const items = row.locator('[data-test=review-item]');
    expectEqual(await items.count(), 2, 'both open commitments are taken');
    expectEqual(await items.nth(0).getAttribute('data-status'), 'overdue', 'the one due in January 2026 is overdue');
    expect((await items.nth(1).innerText()).includes('管护办法已起草'), 'the latest progress is shown');
    expectEqual(await page.locator('[data-test=unsaved]').count(), 0, 'what was taken is already saved');
    await screenshot(page, 'review-organize');
    await row.locator('[data-test=review-open]').click();
    await row.locator('[data-test=review-form]').waitFor();
    findings.push(...(await audit(page, 'agenda with a review and its form')));
    await row.locator('[data-test=review-cancel]').click();
    // Stored: a reload shows the same.
    await page.reload();
    await page.click('[data-test=tab-agenda]');
    await page.locator('[data-slot=s1] [data-test=review-item]').nth(1).waitFor();
    expectEqual(await page.locator('[data-slot=s2] [data-test=review-item]').count(), 0, 'another unit has none');

    // The day: the chair calls 区水务局.
    const cards = await organizeApi(page, 'POST', `hearings/${DRAFT}/cards`);
    expectEqual(cards.status, 200, 'the join cards are issued');
    const t = Object.fromEntries(cards.body.cards.map((c) => [c.participant, c.token]));
    const questioner = await joinAs(browser, hearing.base, t.q1, { viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const display = await joinAs(browser, hearing.base, t.screen, { viewport: { width: 1920, height: 1080 } });
    const voter = await joinAs(browser, hearing.base, t.v1);
    const chair = await joinAs(browser, hearing.base, t.chair);
    expectEqual(await questioner.page.locator('[data-test=review]').count(), 0, 'no review before the slot is called');
    await commands(page, t.chair, [{ type: 'open_check_in' }]);
    await commands(page, t.sec, ['q1', 'q2', 'v1', 'v2', 'v3'].map((participant) => ({ type: 'check_in', participant })));
    await commands(page, t.chair, [
      { type: 'start_session' },
      { type: 'call_slot', slot: 's1' },
      { type: 'begin_stage', slot: 's1', stage: 'reporting' },
    ]);

    const panel = questioner.page.locator('[data-test=review]');
    await panel.locator('[data-test=review-item]').nth(1).waitFor();
    expect((await panel.innerText()).includes('整改承诺回头看'), 'the questioner sees the review panel');
    expectEqual(await panel.locator('[data-test=review-item][data-status=overdue] [data-test=review-text]').innerText(), '完成主河道清淤', 'the overdue commitment is marked');
    await screenshot(questioner.page, 'review-questioner');
    findings.push(...(await audit(questioner.page, 'questioner with a review')));

    const hall = display.page.locator('[data-test=display-review]');
    await hall.locator('[data-test=review-item]').nth(1).waitFor();
    expectEqual(await hall.locator('[data-test=review-status]').first().innerText(), '已逾期', 'the hall sees it is overdue');
    await screenshot(display.page, 'review-display');

    // The chair opens the same list under the current item.
    const chairReview = chair.page.locator('[data-test=chair-review]');
    await chairReview.locator('summary').click();
    await chairReview.locator('[data-test=review-item]').nth(1).waitFor();
    expect((await chairReview.locator('summary').innerText()).includes('2'), 'the chair sees how many are under review');

    // A voter's tablet is not sent it.
    await voter.page.locator('[data-test=conn][data-status=online]').waitFor();
    expectEqual(await voter.page.locator('[data-test=review-item]').count(), 0, 'the voter is shown no review');

    // The next unit has nothing under review: the panel goes.
    await commands(page, t.chair, [
      { type: 'begin_stage', slot: 's1', stage: 'questioning' },
      { type: 'begin_stage', slot: 's1', stage: 'done' },
      { type: 'call_slot', slot: 's2' },
    ]);
    await panel.waitFor({ state: 'detached' });
    await hall.waitFor({ state: 'detached' });

    // The agenda's small row buttons predate this panel: here only axe's findings count.
    expectEqual(findings.filter((f) => !f.includes('under 44 px')), [], 'no serious axe finding');
    expectEqual([...errors, ...questioner.errors, ...display.errors, ...voter.errors, ...chair.errors], [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'review: commitments taken from the ledger reach the questioner and the hall', fn: reviewReachesTheHall }];
