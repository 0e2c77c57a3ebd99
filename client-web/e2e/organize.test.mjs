// The secretariat's page at /organize against a real server: an account made with `dais user add`, a wrong
// password explained, sign-in, the hearing of the file in the list with its phase in words, sign-out.
import { createRequire } from 'node:module';
import { expect, expectEqual, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount as addUser, password } from './organize-fixtures.mjs';

async function signInSeeHearingsSignOut() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addUser(hearing.db, 'mishu');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${hearing.base}/organize`);
    await page.locator('[data-test=sign-in]').waitFor();
    // The fields are reached by their labels.
    await page.getByLabel('账号').fill('mishu');
    await page.getByLabel('密码').fill('not the password');
    await page.click('[data-test=submit]');
    const error = page.locator('[data-test=sign-in-error]');
    await error.waitFor();
    expectEqual(await error.textContent(), '账号或密码不正确。', 'a wrong password is explained');
    await screenshot(page, 'organize-sign-in-error');

    await page.getByLabel('密码').fill(password);
    await page.click('[data-test=submit]');
    const row = page.locator('[data-test^=hearing-]');
    await row.first().waitFor();
    expectEqual(await row.count(), 1, 'one hearing in the file');
    const cells = await row.first().locator('td').allTextContents();
    expect(cells[0].length > 0, `the title is shown: ${cells}`);
    expectEqual(cells[3], '筹备中', 'the phase in words');
    expectEqual(await page.locator('[data-test=organizer-name]').textContent(), 'mishu · 会务组', 'who is signed in');
    // The session survives a reload: the cookie is sent, the page never sees it.
    expectEqual(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
    await page.reload();
    await row.first().waitFor();
    await screenshot(page, 'organize-hearings');

    const box = await page.locator('[data-test=sign-out]').boundingBox();
    expect(box && box.height >= 44 && box.width >= 44, `sign-out is a 44 px target: ${JSON.stringify(box)}`);
    await page.click('[data-test=sign-out]');
    await page.locator('[data-test=sign-in]').waitFor();
    await page.reload();
    await page.locator('[data-test=sign-in]').waitFor();
    expectEqual(errors, [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function lockedAccountSaysUntilWhen() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addUser(hearing.db, 'observer1', 'observer');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en' });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${hearing.base}/organize`);
    await page.click('[data-test=lang]');
    await page.getByLabel('Account').fill('observer1');
    const error = page.locator('[data-test=sign-in-error]');
    for (let i = 1; i <= 5; i++) {
      await page.getByLabel('Password').fill(`guess ${i}`);
      await page.click('[data-test=submit]');
      await page.locator('[data-test=submit]:not([disabled])').waitFor();
    }
    const text = await error.textContent();
    expect(/^Too many failed sign-ins: this account is locked until \d\d:\d\d\.$/.test(text), `locked: ${text}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// axe (serious and critical findings) and the 44 px rule over what the page shows now.
export async function audit(page, state) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const findings = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'page-has-heading-one')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('button, input')]
      .filter((el) => el.getBoundingClientRect().width < 44 || el.getBoundingClientRect().height < 44)
      .map((el) => el.dataset.test ?? el.tagName),
  );
  return [...findings, ...small.map((s) => `under 44 px: ${s}`)].map((f) => `${state}: ${f}`);
}

async function pagesAreAccessible() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addUser(hearing.db, 'mishu');
    // axe comes in as a script tag, which the server's CSP would refuse.
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', bypassCSP: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${hearing.base}/organize`);
    await page.locator('[data-test=sign-in]').waitFor();
    await page.getByLabel('账号').fill('mishu');
    await page.getByLabel('密码').fill('wrong password');
    await page.click('[data-test=submit]');
    await page.locator('[data-test=sign-in-error]').waitFor();
    const findings = await audit(page, 'sign-in');
    await page.getByLabel('密码').fill(password);
    await page.click('[data-test=submit]');
    await page.locator('[data-test=hearings]').waitFor();
    findings.push(...(await audit(page, 'hearings')));
    expectEqual(findings, [], 'accessibility findings');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'organize: an account signs in, sees the hearing list, a wrong password is explained, signs out', fn: signInSeeHearingsSignOut },
  { name: 'organize: the sign-in form and the list pass axe and have 44 px targets on a phone', fn: pagesAreAccessible },
  { name: 'organize: five wrong passwords lock the account and the page says until when', fn: lockedAccountSaysUntilWhen },
];
