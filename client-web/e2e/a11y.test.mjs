// Accessible and light: axe-core over every role view in its main states (0 serious or critical violations, a
// level-one heading, one top-level <main>, no empty table header), every button, link and input box at least
// 44 px each way for a finger on a tablet, and a voter's or questioner's first load within 150 KB of compressed
// JavaScript, served precompressed.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, expectEqual, joinAs, launchBrowser, repoRoot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const dist = join(repoRoot, 'client-web', 'dist');

const tablet = { width: 1180, height: 820 };
const phone = { width: 390, height: 844 };
const laptop = { width: 1600, height: 1000 };
const hall = { width: 1920, height: 1080 };

const MIN_TARGET_PX = 44;
const FIRST_LOAD_JS_LIMIT = 150 * 1024;

// Rules that fail the test whatever impact axe gives them: they are the issue's findings that axe files as
// moderate or minor (a page without <h1>, <main> inside <main>, a header cell without text).
const alwaysFail = new Set([
  'page-has-heading-one',
  'landmark-main-is-top-level',
  'landmark-no-duplicate-main',
  'empty-table-header',
]);

// The page may run no inline script (the server's CSP), so axe comes in through a context that bypasses it.
function open(browser, base, token, viewport) {
  return joinAs(browser, base, token, { viewport, bypassCSP: true });
}

// Runs axe and measures the touch targets of what `page` shows now; returns one line per finding.
async function audit(page, state) {
  await page.locator('[data-test=page-heading]').waitFor({ state: 'attached' });
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 160)}`),
    }));
  });
  const findings = [];
  for (const v of violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical' && !alwaysFail.has(v.id)) continue;
    for (const node of v.nodes) findings.push(`${state}: axe ${v.id} (${v.impact}) ${node}`);
  }
  const headings = await page.locator('h1').count();
  if (headings < 1) findings.push(`${state}: no <h1>`);
  const small = await page.evaluate((min) => {
    const out = [];
    const describe = (el) =>
      `${el.tagName.toLowerCase()}${el.dataset.test ? `[data-test=${el.dataset.test}]` : ''}${
        el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''
      } "${(el.textContent ?? '').trim().slice(0, 20)}"`;
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea, summary, [role=button], [role=tab]')) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      // A box or a round choice is hit through its label, which is the target that counts.
      const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') ?? el) : el;
      const r = target.getBoundingClientRect();
      if (r.width < min || r.height < min) out.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)} px`);
    }
    return out;
  }, MIN_TARGET_PX);
  for (const s of small) findings.push(`${state}: touch target under ${MIN_TARGET_PX} px: ${s}`);
  return findings;
}

async function everyViewPassesAxeAndTouch() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  const findings = [];
  const people = [];
  const check = async (person, state) => findings.push(...(await audit(person.page, state)));
  try {
    const t = hearing.tokens;
    const join = async (id, viewport) => {
      const p = await open(browser, hearing.base, t[id], viewport);
      people.push(p);
      return p;
    };
    const chair = await join('chair', laptop);
    const sec = await join('sec', laptop);
    const display = await join('screen', hall);
    const presenter = await join('p1', tablet);
    const q1 = await join('q1', phone);
    const voters = [await join('v1', tablet), await join('v2', phone), await join('v3', tablet)];
    const scrutineer = await join('jpr', laptop);
    const [v1, v2] = voters;
    const c = chair.page;

    await check(chair, 'chair, run tab before check-in');
    await check(v1, 'voter before check-in');
    await check(display, 'display before the session');
    await check(presenter, 'presenter before the session');

    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await check(v2, 'voter (phone) at check-in');
    for (const p of [q1, ...voters]) {
      await p.page.click('[data-test=check-in]');
      await p.page.locator('[data-test=checkin-card]').waitFor({ state: 'detached' });
    }
    await c.click('[data-test=chair-tab-checkin]');
    await c.locator('[data-test=checkin-list]').waitFor();
    await check(chair, 'chair, check-in tab');
    await c.click('[data-test=chair-tab-run]');
    await c.locator('[data-test=att-present]', { hasText: '4' }).waitFor();
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();

    // The first presenter reports, with a question pending moderation.
    await c.keyboard.press('n');
    await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
    await c.click('.stage-btn[data-stage=reporting]');
    await display.page.locator('[data-test=display-stage]', { hasText: '述职' }).waitFor();
    await presenter.page.locator('[data-test=presenter-slot][data-stage=reporting]').waitFor();
    await q1.page.fill('[data-test=inquiry-text]', '请问今年河道整治工程的招投标是否全部公开？');
    await q1.page.click('[data-test=inquiry-send]');
    await q1.page.locator('[data-test=mine] .inquiry[data-status=submitted]').waitFor();
    await check(q1, 'questioner (phone) with a pending inquiry');
    await check(display, 'display, reporting');
    await check(presenter, 'presenter, reporting');
    await check(chair, 'chair, run tab while reporting');
    await c.click('[data-test=chair-tab-inquiries]');
    await c.locator('[data-test=moderation] .inquiry [data-test=approve]').first().waitFor();
    await check(chair, 'chair, inquiries tab');
    await c.locator('[data-test=moderation] .inquiry [data-test=approve]').first().click();
    await c.click('[data-test=chair-tab-run]');

    // Evaluation: a ballot open on the tablets.
    await c.click('.stage-btn[data-stage=questioning]');
    await c.locator('[data-test=current-stage]', { hasText: '质询' }).waitFor();
    await check(display, 'display, questioning');
    await c.click('.stage-btn[data-stage=evaluating]');
    await c.locator('[data-test=current-stage]', { hasText: '测评' }).waitFor();
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-status=open]').waitFor();
    await v1.page.locator('[data-test=sheet]').waitFor();
    await check(v1, 'voter with an open ballot');
    await v2.page.locator('[data-test=sheet]').waitFor();
    await check(v2, 'voter (phone) with an open ballot');
    await v2.page.click('[data-test=lang]');
    await v2.page.locator('[data-test=conn]', { hasText: 'Connected' }).waitFor();
    await check(v2, 'voter (phone) with an open ballot, in English');
    await v1.page.click('[data-dimension=zhuti] [data-grade=hao]');
    await v1.page.click('[data-dimension=lianjie] [data-grade=hao]');
    await v1.page.click('[data-test=submit-sheet]');
    await v1.page.locator('[data-test=dialog]').waitFor();
    await check(v1, 'voter, asked before a first-press sheet goes');
    await v1.page.click('[data-test=dialog-ok]');
    await v1.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
    await check(v1, 'voter with a confirmed sheet and its receipt');
    // A second sheet: an anonymous ballot is counted from k (2 here) sheets on.
    await v2.page.click('[data-dimension=zhuti] [data-grade=hao]');
    await v2.page.click('[data-dimension=lianjie] [data-grade=hao]');
    await v2.page.click('[data-test=submit-sheet]');
    await v2.page.click('[data-test=dialog-ok]');
    await v2.page.locator('[data-test=sheet][data-state=confirmed]').waitFor();
    await check(chair, 'chair, run tab with an open ballot');
    await check(display, 'display, evaluating');
    await check(sec, 'secretary, run tab');

    // Closed and published: the results on the big screen, the chair's and the scrutineer's.
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-status=closed] [data-test=publish-ballot]').click();
    await c.click('[data-test=dialog-ok]'); // two sheets back of four: the chair is asked to look twice
    await c.locator('.ballot-row[data-ballot=B1][data-status=published]').waitFor();
    await c.click('.stage-btn[data-stage=done]');
    await display.page.locator('[data-test=display-results] [data-test=ranking]').waitFor();
    await check(display, 'display, results');
    await c.click('[data-test=chair-tab-ballots]');
    await c.locator('.ballot-row[data-status=published] [data-test=ranking]').waitFor();
    await check(chair, 'chair, ballots tab with results');
    // Every other tab of the console, whichever there are.
    for (const tab of await c.locator('[data-test^=chair-tab-]').evaluateAll((els) => els.map((e) => e.dataset.test))) {
      if (['chair-tab-run', 'chair-tab-ballots', 'chair-tab-checkin', 'chair-tab-inquiries'].includes(tab)) continue;
      await c.click(`[data-test=${tab}]`);
      await c.locator(`[data-test=${tab}][aria-selected=true]`).waitFor();
      await c.waitForLoadState('networkidle'); // a tab's own chunk, if it has one
      await check(chair, `chair, ${tab.slice('chair-tab-'.length)} tab`);
    }
    // A tablet swapped: one new code, held for printing (its row gains a box to tick), the old tablet refused.
    await c.click('[data-test=chair-tab-codes]');
    await c.click('tr[data-participant=v3] [data-test=reissue-one]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('.qr-card[data-participant=v3]').waitFor();
    await check(chair, 'chair, codes tab with a code held for printing');
    await voters[2].page.locator('[data-test=rejected]').waitFor();
    await check(voters[2], 'a tablet whose code was replaced');
    await check(scrutineer, 'scrutineer');
    await check(q1, 'questioner after the ballot');

    // A refused link.
    const stranger = await browser.newContext({ viewport: phone, locale: 'zh-CN', bypassCSP: true });
    const refused = await stranger.newPage();
    await refused.goto(`${hearing.base}/j/not-a-real-token-000000000`);
    await refused.locator('[data-test=rejected]').waitFor();
    findings.push(...(await audit(refused, 'the rejected-token screen')));

    expectEqual(findings, [], 'accessibility findings');
    for (const p of people) expectEqual(p.errors, [], 'uncaught page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// The chunks one role's first visit loads: the entry with its static imports, and the role view's chunk with
// its own (dynamic imports are fetched later, if ever).
function firstLoad(manifest, view) {
  const files = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) visit(dep);
  };
  visit('index.html');
  visit(`src/views/${view}.vue`);
  return [...files];
}

function brotliBytes(file) {
  const path = join(dist, file);
  return existsSync(`${path}.br`) ? statSync(`${path}.br`).size : statSync(path).size;
}

async function firstLoadIsSmallAndPrecompressed() {
  const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
  for (const view of ['VoterView', 'QuestionerView']) {
    const files = firstLoad(manifest, view);
    expect(files.every((f) => f.endsWith('.js')), `${view}: only scripts counted: ${files.join(', ')}`);
    const total = files.reduce((sum, f) => sum + brotliBytes(f), 0);
    expect(total <= FIRST_LOAD_JS_LIMIT, `${view}: first load ${total} bytes of compressed JS > ${FIRST_LOAD_JS_LIMIT}: ${files.join(', ')}`);
    for (const f of files) {
      const text = readFileSync(join(dist, f), 'utf8');
      expect(!/echarts|ECharts/.test(text), `${view}: ${f} carries the charts`);
    }
  }

  // The browser gets the Brotli copies, and the page works from them.
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: phone });
    const page = await context.newPage();
    const encodings = new Map();
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.endsWith('.js')) encodings.set(new URL(r.url()).pathname, r.headers()['content-encoding']);
    });
    await page.goto(`${hearing.base}/j/${hearing.tokens.v1}`);
    await page.locator('[data-test=checkin-card]').waitFor();
    const loaded = [...encodings.keys()].map((p) => p.slice(1)).sort();
    expectEqual(loaded, firstLoad(manifest, 'VoterView').sort(), 'the scripts a voter loads');
    for (const [path, encoding] of encodings) expectEqual(encoding, 'br', `Content-Encoding of ${path}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'a11y: every role view and state has no serious axe violation, an h1, one main, and 44 px targets', fn: everyViewPassesAxeAndTouch },
  { name: 'a11y: a voter and a questioner load at most 150 KB of compressed script, sent as Brotli', fn: firstLoadIsSmallAndPrecompressed },
];
