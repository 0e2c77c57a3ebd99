// The chair console after a rehearsal's lessons: nothing one click can break. A reissue drops only the person
// it is for, calling on while someone reports asks first and can be undone, blocked buttons say why, the
// secretary sees only the desk's actions, demo links survive a restart, and the QR sheet uses public_url.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, expectEqual, joinAs, launchBrowser, repoRoot, run, screenshot, serve, stop, tempDir } from './harness.mjs';
import { seedPath, startHearing, tokensFrom } from './fixtures.mjs';

const laptop = { width: 1440, height: 900 };
const tablet = { width: 1180, height: 820 };
const hall = { width: 1920, height: 1080 };
const dist = join(repoRoot, 'client-web', 'dist');

async function opener(browser, hearing) {
  return (id, viewport = tablet) => joinAs(browser, hearing.base, hearing.tokens[id], { viewport });
}

async function checkIn(pages) {
  for (const p of pages) {
    await p.page.click('[data-test=check-in]');
    await p.page.locator('[data-test=checkin-card]').waitFor({ state: 'detached' });
  }
}

async function dialogText(page) {
  const d = page.locator('[data-test=dialog]');
  await d.waitFor();
  return d.innerText();
}

async function online(page) {
  await page.locator('[data-test=conn][data-status=online]').waitFor();
}

async function reissueOne() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const open = await opener(browser, hearing);
    const chair = await open('chair', laptop);
    const screen = await open('screen', hall);
    const v1 = await open('v1');
    const v2 = await open('v2');
    const c = chair.page;
    await c.click('[data-test=chair-tab-codes]');
    // Without public_url the codes point at the loopback address the chair's browser used: said plainly.
    await c.locator('[data-test=loopback-warning]').waitFor();
    await c.locator('tr[data-participant=v1] [data-online=true]').waitFor();

    // v1's tablet was swapped: one new code, asked about by name, and only v1's device drops.
    await c.click('tr[data-participant=v1] [data-test=reissue-one]');
    expect((await dialogText(c)).includes('设备正在线上'), 'the confirmation says the device is online');
    await c.click('[data-test=dialog-ok]');
    const card = c.locator('.qr-card[data-participant=v1]');
    await card.waitFor();
    const dropped = v1.page.locator('[data-test=rejected] .lead');
    await dropped.waitFor();
    expectEqual(await dropped.innerText(), '此链接无效或已被撤销，请联系会务组。', 'the dropped tablet says why');
    await c.locator('tr[data-participant=v1] [data-online=false]').waitFor();
    await online(screen.page);
    await online(v2.page);
    expectEqual(await screen.page.locator('[data-test=rejected]').count(), 0, 'the hall screen stays on');
    await screenshot(c, 'chair-codes-reissue-one');

    // The new code opens the console of v1 again; the codes stay printable after switching tabs.
    const link = await card.getAttribute('data-link');
    expect(link.startsWith(hearing.base + '/j/'), `the link uses the page's address: ${link}`);
    const again = await browser.newContext({ viewport: tablet });
    const page = await again.newPage();
    await page.goto(link);
    await online(page);
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=chair-tab-codes]');
    await c.locator('.qr-card[data-participant=v1]').waitFor();
    expect(await c.locator('[data-test=print-codes]').isEnabled(), 'the held code can be printed again');

    // After check-in opened, a bulk reissue names the number of devices it would drop: the hall screen, v1, v2.
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await c.click('[data-test=chair-tab-codes]');
    await c.click('[data-test=issue-tokens]');
    const text = await dialogText(c);
    expect(/使 3 位人员的在线设备/.test(text), `the bulk confirmation counts the open devices: ${text}`);
    await c.click('[data-test=dialog-cancel]');
    await online(screen.page);

    // The hall screen's own code replaced: its revoked page is readable (dark text on the light card).
    // The screen's browser is set to English; the refusal still speaks the hearing's language (zh-CN).
    await screen.page.evaluate(() => localStorage.setItem('dais.locale', 'en'));
    await screen.page.reload();
    await online(screen.page);
    await c.click('tr[data-participant=screen] [data-test=reissue-one]');
    await c.click('[data-test=dialog-ok]');
    const lead = screen.page.locator('[data-test=rejected] .lead');
    await lead.waitFor();
    expectEqual(await lead.innerText(), '此链接无效或已被撤销，请联系会务组。', 'the hearing language');
    const colours = await lead.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el.closest('.card')).backgroundColor]);
    expect(colours[0] !== colours[1] && colours[0] !== 'rgb(244, 246, 250)', `readable: ${colours}`);
    await screenshot(screen.page, 'display-revoked');
    for (const p of [chair, v2]) expectEqual(p.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function callOnAndBack() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const open = await opener(browser, hearing);
    const chair = await open('chair', laptop);
    const c = chair.page;
    const voters = [await open('q1'), await open('v1'), await open('v2'), await open('v3')];

    // Before the session: 呼叫下一位 is disabled, with the reason in the tooltip and on the page.
    const next = c.locator('[data-test=call-next]');
    expect(await next.isDisabled(), 'no calling in the draft');
    await c.locator('[data-test=why-call-next]', { hasText: '请先开始签到' }).waitFor();
    expect((await next.getAttribute('title')).includes('请先开始签到'), 'the tooltip says why');
    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=why-start]', { hasText: '未达到法定人数' }).waitFor();
    expect(await c.locator('[data-test=start-session]').isDisabled(), 'no start before the quorum');
    await screenshot(c, 'chair-disabled-reasons');
    await checkIn(voters);
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();

    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    // A waiting slot cannot go to 测评: disabled, saying the order.
    const evaluate = c.locator('.stage-btn[data-stage=evaluating]');
    expect(await evaluate.isDisabled(), '测评 on a waiting slot is disabled');
    expect((await evaluate.innerText()).includes('依次'), 'and says why on the button');
    await c.click('.stage-btn[data-stage=reporting]');
    await c.locator('[data-test=current-stage]', { hasText: '述职' }).waitFor();

    // N during the report asks first; cancelling changes nothing.
    await c.keyboard.press('n');
    expect((await dialogText(c)).includes('正在述职'), 'the confirmation names the running report');
    await screenshot(c, 'chair-call-next-confirm');
    await c.click('[data-test=dialog-cancel]');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await c.click('[data-test=call-next]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=current-name]', { hasText: '郑宏伟' }).waitFor();

    // Undo: back to the first presenter, still reporting, the clock running again.
    await c.click('[data-test=undo]');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await c.locator('[data-test=current-stage]', { hasText: '述职' }).waitFor();
    await c.locator('[data-test=timer-toggle-report]', { hasText: '暂停' }).waitFor();
    await c.locator('[data-test=undo]').waitFor({ state: 'detached' });

    // Called away again, the left presenter's row offers 返回; so does a skipped one.
    await c.keyboard.press('n');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=current-name]', { hasText: '郑宏伟' }).waitFor();
    await c.hover('.agenda-row[data-slot=s3]');
    await c.locator('.agenda-row[data-slot=s3] [data-test=skip-slot]').click();
    await c.click('[data-test=dialog-ok]');
    await c.hover('.agenda-row[data-slot=s3]');
    await c.locator('.agenda-row[data-slot=s3][data-stage=skipped] [data-test=return-slot]').click();
    await c.locator('[data-test=current-name]', { hasText: '苏金凤' }).waitFor();
    await c.locator('.agenda-row[data-slot=s1][data-stage=reporting] [data-test=return-slot]').click();
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();

    // After adjournment nothing stays clickable, and the page says why.
    await c.click('[data-test=adjourn]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=why-adjourned]').waitFor();
    for (const sel of ['[data-test=return-slot]', '.stage-btn', '[data-test=timer-toggle-report]']) {
      const all = c.locator(sel);
      for (let i = 0; i < (await all.count()); i++) expect(await all.nth(i).isDisabled(), `${sel} disabled after adjournment`);
    }
    expectEqual(chair.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function secretaryConsole() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const open = await opener(browser, hearing);
    const sec = await open('sec', laptop);
    const s = sec.page;
    await s.locator('[data-test=agenda]').waitFor();
    for (const sel of ['[data-test=lifecycle]', '[data-test=call-next]', '.stage-btn', '[data-test=chair-tab-codes]', '[data-test=approve]', '.agenda-actions']) {
      expectEqual(await s.locator(sel).count(), 0, `the secretary sees no ${sel}`);
    }
    await screenshot(s, 'chair-secretary');
    expectEqual(sec.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// Ballot buttons: the secretary is offered none; the chair's are disabled, saying why, in every phase the
// engine refuses them (paused, adjourned except for publishing) and enabled again where it takes them.
async function ballotActions() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const open = await opener(browser, hearing);
    const chair = await open('chair', laptop);
    const sec = await open('sec', laptop);
    const c = chair.page;
    const s = sec.page;
    const voters = [await open('q1'), await open('v1'), await open('v2'), await open('v3')];
    await c.click('[data-test=chair-tab-ballots]');

    // Before anyone is called a per-presenter ballot has nobody to grade; a combined one may be prepared.
    const create = c.locator('[data-test=create-ballot]');
    await c.selectOption('[data-test=ballot-template]', 'each');
    await c.locator('[data-test=why-create-ballot]', { hasText: '请先呼叫述职对象' }).waitFor();
    expect(await create.isDisabled(), 'no per-presenter ballot without a presenter called');
    await c.selectOption('[data-test=ballot-template]', 'final');
    await c.locator('[data-test=why-create-ballot]').waitFor({ state: 'detached' });
    await create.click();
    const row = c.locator('.ballot-row').first();
    await row.and(c.locator('[data-status=pending]')).waitFor();
    const openBtn = row.locator('[data-test=open-ballot]');
    expect(await openBtn.isDisabled(), 'no opening before the session');
    expect((await openBtn.getAttribute('title')).includes('请先开始签到'), 'the tooltip says why');
    await row.locator('[data-test=why-ballot]', { hasText: '请先开始签到' }).waitFor();

    // The secretary follows the ballots and is offered none of their actions.
    async function secretarySeesNoActions(status) {
      for (const tab of ['run', 'ballots']) {
        await s.click(`[data-test=chair-tab-${tab}]`);
        await s.locator(`.ballot-row[data-status=${status}]`).first().waitFor();
        for (const sel of ['[data-test=create-ballot]', '[data-test=ballot-template]', '.ballot-actions', '[data-test=remind]', '[data-test=why-ballot]']) {
          expectEqual(await s.locator(sel).count(), 0, `the secretary sees no ${sel} (${tab}, ${status})`);
        }
      }
    }
    await secretarySeesNoActions('pending');

    await c.click('[data-test=open-check-in]');
    await checkIn(voters);
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await row.locator('[data-test=why-ballot]').waitFor({ state: 'detached' });
    await openBtn.click();
    await row.and(c.locator('[data-status=open]')).waitFor();

    // Paused: closing, voiding, reminding and creating wait for the session to resume, and say so.
    await c.click('[data-test=pause-session]');
    await c.locator('[data-test=phase][data-phase=paused]').waitFor();
    await row.locator('[data-test=why-ballot]', { hasText: '会议已暂停' }).waitFor();
    for (const sel of ['[data-test=close-ballot]', '[data-test=void-ballot]', '[data-test=remind]']) {
      const b = row.locator(sel);
      expect(await b.isDisabled(), `${sel} disabled while paused`);
      expect((await b.getAttribute('title')).includes('会议已暂停'), `${sel} says why`);
    }
    expect(await create.isDisabled(), 'no new ballot while paused');
    await c.locator('[data-test=why-create-ballot]', { hasText: '会议已暂停' }).waitFor();
    await screenshot(c, 'chair-ballots-paused');
    await secretarySeesNoActions('open');

    // Resumed, the ballot can be closed; after adjournment only publishing is left.
    await c.click('[data-test=resume-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await row.locator('[data-test=why-ballot]').waitFor({ state: 'detached' });
    await row.locator('[data-test=close-ballot]').click();
    await c.click('[data-test=dialog-ok]');
    await row.and(c.locator('[data-status=closed]')).waitFor();
    await c.click('[data-test=adjourn]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('[data-test=phase][data-phase=adjourned]').waitFor();
    await row.locator('[data-test=why-ballot]', { hasText: '只能公布' }).waitFor();
    expect(await row.locator('[data-test=void-ballot]').isDisabled(), 'no voiding after adjournment');
    expect(await create.isDisabled(), 'no new ballot after adjournment');
    const publish = row.locator('[data-test=publish-ballot]');
    expect(await publish.isEnabled(), 'withheld results may be published after adjournment');
    await publish.click();
    // No sheet came back: publishing asks first.
    expect((await dialogText(c)).includes('0'), 'the low-turnout warning counts the sheets');
    await c.click('[data-test=dialog-ok]');
    await row.and(c.locator('[data-status=published]')).waitFor();
    await secretarySeesNoActions('published');
    for (const p of [chair, sec]) expectEqual(p.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// The chair's printed link ("  chair<TAB>name<TAB>link"), waiting for the server to print it.
async function chairLink(server) {
  for (;;) {
    const line = server.lines.find((l) => /^\s+chair\t.*\/j\//.test(l));
    if (line) return /\S+\/j\/\S+/.exec(line)[0];
    if (server.child.exitCode !== null) throw new Error(`dais serve ended:\n${server.lines.join('\n')}`);
    await new Promise((resolve) => server.child.stdout.once('data', resolve));
  }
}

async function demoLinksSurviveRestart() {
  const tmp = tempDir('dais-demo-');
  const db = join(tmp.dir, 'demo.db');
  const args = ['--demo', '--seed', join(repoRoot, 'seeds', 'demo-hearing.json'), '--db', db, '--web', dist];
  let server = await serve(args);
  const browser = await launchBrowser();
  try {
    const first = await chairLink(server);
    const context = await browser.newContext({ viewport: laptop });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(first);
    await online(page);

    await stop(server.child);
    server = await serve(args, { port: server.port });
    expectEqual(await chairLink(server), first, 'the same chair link after a restart');
    await online(page);
    expectEqual(await page.locator('[data-test=rejected]').count(), 0, 'the open console keeps working');

    // Fresh links only when asked for: the old one then stops working.
    await stop(server.child);
    server = await serve([...args, '--fresh-links'], { port: server.port });
    expect((await chairLink(server)) !== first, 'a new chair link with --fresh-links');
    await page.locator('[data-test=rejected]').waitFor();
  } finally {
    await browser.close();
    await stop(server.child);
    tmp.remove();
  }
}

async function publicUrlOnTheSheet() {
  const tmp = tempDir('dais-public-');
  const db = join(tmp.dir, 'hearing.db');
  const tokensFile = join(tmp.dir, 'tokens.tsv');
  await run(['import', seedPath, '--db', db, '--tokens-out', tokensFile]);
  const tokens = tokensFrom(readFileSync(tokensFile, 'utf8'));
  const server = await serve(['--db', db, '--web', dist, '--public-url', 'http://192.168.50.7:8080/']);
  const browser = await launchBrowser();
  try {
    const chair = await joinAs(browser, server.base, tokens.chair, { viewport: laptop });
    const c = chair.page;
    await c.click('[data-test=chair-tab-codes]');
    await c.locator('[data-test=codes-base]', { hasText: 'http://192.168.50.7:8080' }).waitFor();
    expectEqual(await c.locator('[data-test=loopback-warning]').count(), 0, 'no loopback warning');
    await c.click('tr[data-participant=v1] [data-test=reissue-one]');
    await c.click('[data-test=dialog-ok]');
    const link = await c.locator('.qr-card[data-participant=v1]').getAttribute('data-link');
    expect(link.startsWith('http://192.168.50.7:8080/j/'), `the QR code carries public_url: ${link}`);
    await screenshot(c, 'chair-codes-public-url');
  } finally {
    await browser.close();
    await stop(server.child);
    tmp.remove();
  }
}

export const tests = [
  { name: 'chair safety: one reissue drops one device; bulk reissue counts the open ones; readable revoked screen', fn: reissueOne },
  { name: 'chair safety: calling on mid-report asks, undo, call back a left or skipped presenter, reasons for blocked buttons', fn: callOnAndBack },
  { name: 'chair safety: the secretary sees no chair-only controls', fn: secretaryConsole },
  { name: 'chair safety: ballot actions are the chair\'s, disabled with the reason while paused or adjourned', fn: ballotActions },
  { name: 'chair safety: serve --demo restarted keeps the printed links; --fresh-links replaces them', fn: demoLinksSurviveRestart },
  { name: 'chair safety: public_url reaches the QR sheet', fn: publicUrlOnTheSheet },
];
