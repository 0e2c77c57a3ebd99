// Joining: the link's token is taken off the address bar and kept; a refused token is explained.
import { expect, expectEqual, launchBrowser } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

async function tokenLeavesAddressBar() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hearing.base}/j/${hearing.tokens.v1}`);
    await page.locator('[data-test=conn][data-status=online]').waitFor();
    expectEqual(new URL(page.url()).pathname, '/', 'address after joining');
    const history = await page.evaluate(() => history.length);
    // A reload finds the token in storage and joins again.
    await page.reload();
    await page.locator('[data-test=conn][data-status=online]').waitFor();
    await page.locator('[data-view=voter]').waitFor();
    expect(history >= 1, 'history exists');
    expect(!page.url().includes(hearing.tokens.v1), 'no token in the address after a reload');

    // zh-CN first; English on request, remembered on this device.
    await page.locator('[data-test=conn]', { hasText: '已连接' }).waitFor();
    await page.click('[data-test=lang]');
    await page.locator('[data-test=conn]', { hasText: 'Connected' }).waitFor();
    await page.locator('[data-test=checkin-card]', { hasText: 'Check-in' }).waitFor();
    await page.reload();
    await page.locator('[data-test=conn]', { hasText: 'Connected' }).waitFor();
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function unknownTokenRefused() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${hearing.base}/j/not-a-real-token-000000000`);
    await page.locator('[data-test=rejected]').waitFor();
    await page.locator('[data-test=conn][data-status=rejected]').waitFor();
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'a join link opens the view, leaves no token in the address bar, and keeps the chosen language', fn: tokenLeavesAddressBar },
  { name: 'an unknown token is refused and explained, without retrying', fn: unknownTokenRefused },
];
