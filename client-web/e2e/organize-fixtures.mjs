// The secretariat in the browser tests: accounts made with `dais user add` on the test's database, and a
// signed-in page of /organize.
import { execFileSync } from 'node:child_process';
import { daisBinary } from './harness.mjs';

export const password = 'correct horse battery';

export function addAccount(db, name, role = 'organizer') {
  execFileSync(daisBinary(), ['user', 'add', name, '--role', role, '--db', db, '--password-stdin'], {
    input: `${password}\n`,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

// A fresh context signed in as `name`, on the list of hearings. bypassCSP lets a test inject axe.
export async function signIn(browser, base, name, { viewport = { width: 1280, height: 900 }, bypassCSP = false } = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', bypassCSP });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/organize`);
  await page.getByLabel('账号').fill(name);
  await page.getByLabel('密码').fill(password);
  await page.click('[data-test=submit]');
  await page.locator('[data-test=hearings]').waitFor();
  return { context, page, errors };
}
