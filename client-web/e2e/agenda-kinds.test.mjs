// Agenda items that are not presenters (seeds/sample-with-remarks.json: 开幕讲话 first, a 休息 after the first
// presenter). The chair runs the opening remark with its timer and only the actions that apply, then calls the
// presenter; the hall screen shows the remark's title and countdown, then the presenter.
import { join } from 'node:path';
import { expect, joinAs, launchBrowser, repoRoot, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

const laptop = { width: 1440, height: 900 };
const tablet = { width: 1180, height: 820 };
const hall = { width: 1920, height: 1080 };
const seed = join(repoRoot, 'seeds', 'sample-with-remarks.json');

async function remarkThenPresenter() {
  const hearing = await startHearing(seed);
  const browser = await launchBrowser();
  try {
    const open = async (id, viewport = tablet) => {
      const p = await joinAs(browser, hearing.base, hearing.tokens[id], { viewport });
      p.context.setDefaultTimeout(20_000);
      return p;
    };
    const chair = await open('chair', laptop);
    const screen = await open('screen', hall);
    const c = chair.page;
    const s = screen.page;

    // The agenda lists the remark and the break by their titles, marked as such.
    await c.locator('[data-slot=r0] [data-test=slot-kind]', { hasText: '讲话' }).waitFor();
    await c.locator('[data-slot=b1] [data-test=slot-kind]', { hasText: '休息' }).waitFor();
    expect((await c.locator('[data-slot=r0]').innerText()).includes('开幕讲话'), 'the remark shows its title');

    await c.click('[data-test=open-check-in]');
    for (const id of ['q1', 'v1', 'v2', 'v3']) {
      const voter = await open(id);
      await voter.page.click('[data-test=check-in]');
      await voter.page.locator('[data-test=checkin-card]').waitFor({ state: 'detached' });
      await voter.context.close();
    }
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();

    // The opening remark: only 开始讲话 and 结束, one timer of five minutes.
    await c.click('[data-test=call-next]');
    await c.locator('[data-test=current-name]', { hasText: '开幕讲话' }).waitFor();
    await c.locator('[data-test=current-kind]', { hasText: '讲话' }).waitFor();
    const stages = await c.locator('.stage-btn').evaluateAll((bs) => bs.map((b) => b.dataset.stage));
    expect(JSON.stringify(stages) === JSON.stringify(['reporting', 'done']), `a remark offers only its timer and its end: ${stages}`);
    expect((await c.locator('[data-timer]').count()) === 1, 'one timer');
    expect((await c.locator('[data-timer=qa]').count()) === 0, 'no Q&A timer');
    await c.click('.stage-btn[data-stage=reporting]');
    await c.locator('[data-test=current-stage]', { hasText: '讲话中' }).waitFor();
    await c.locator('[data-timer=report] [data-test=clock]', { hasText: '讲话计时' }).waitFor();

    // The hall screen: the remark's title, 讲话中 and its countdown from 5:00, running.
    await s.locator('[data-test=display-presenter]', { hasText: '开幕讲话' }).waitFor();
    await s.locator('[data-test=display-stage]', { hasText: '讲话中' }).waitFor();
    const clock = s.locator('[data-test=display] [data-test=clock]');
    await clock.filter({ hasText: '讲话计时' }).waitFor();
    await s.waitForFunction(() => {
      const d = document.querySelector('[data-test=display] [data-test=clock-digits]')?.textContent ?? '';
      return /^0?4:5\d$/.test(d.trim());
    });
    expect((await s.locator('.display-progress').count()) === 0, 'a remark is nobody\'s turn: no 第 n 位');
    await screenshot(s, 'display-opening-remark');
    await screenshot(c, 'chair-opening-remark');

    // The remark ends; the presenter comes on with every stage as before.
    await c.click('.stage-btn[data-stage=done]');
    await c.locator('[data-test=current-stage]', { hasText: '已结束' }).waitFor();
    await c.click('[data-test=call-next]');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    expect((await c.locator('[data-test=current-kind]').count()) === 0, 'a presenter is not marked as a remark');
    expect((await c.locator('.stage-btn').count()) === 4, 'a presenter has four stages');
    await c.click('.stage-btn[data-stage=reporting]');
    await s.locator('[data-test=display-presenter]', { hasText: '黄明军' }).waitFor();
    await s.locator('[data-test=display-stage]', { hasText: '述职' }).waitFor();
    await clock.filter({ hasText: '述职计时' }).waitFor();
    await s.locator('.display-progress', { hasText: '第 1 位 / 共 3 位' }).waitFor();
    expect(chair.errors.length === 0 && screen.errors.length === 0, `no page errors: ${[...chair.errors, ...screen.errors]}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'agenda kinds: the chair runs an opening remark with its timer, then a presenter; the hall screen shows the remark', fn: remarkThenPresenter }];
