// The hall's big screen at 1920×1080 with a full agenda (15, 30 and 60 presenters): every page fits the screen,
// every presenter appears on some page, the pages turn by themselves; the chair chooses what the screen shows
// and sees it in a preview; the screen speaks the hearing's language and shows an outage only in its corner.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, expectEqual, joinAs, launchBrowser, repoRoot, run, screenshot, serve, stop, tempDir } from './harness.mjs';
import { tokensFrom } from './fixtures.mjs';

const hall = { width: 1920, height: 1080 };
const laptop = { width: 1600, height: 1000 };
const PAGE_MS = 250; // the screen's page interval, set small through its address

// Surnames and units enough for 60 distinct presenters.
const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const given = ['建国', '志强', '海燕', '立新', '文华', '春梅', '国平', '晓东', '秀英', '卫东'];
const units = ['水务局', '教育局', '卫生健康委', '财政局', '交通运输局', '自然资源局', '住建委', '市场监管局', '农业农村委', '商务局'];

// The e2e seed's groups, templates and rules, with `presenters` presenters, a combined two-dimension sheet and
// four voters: k = 2, so the live count shows from the fourth sheet (one step of two behind).
function definition(presenters, locale) {
  const base = JSON.parse(readFileSync(join(repoRoot, 'tests', 'e2e', 'hearing.json'), 'utf8'));
  const each = base.ballot_templates.find((t) => t.id === 'each');
  const people = [
    { id: 'chair', name: '邓志刚', post: '区纪委书记（主持人）', roles: ['chair'] },
    { id: 'screen', name: '会场大屏', post: '主会场显示屏', roles: ['display'] },
    { id: 'q1', name: '陈建国', post: '区纪委委员', groups: ['jwwy'], roles: ['questioner', 'voter'] },
    ...['v1', 'v2', 'v3'].map((id, i) => ({ id, name: `测评人${i + 1}`, post: '群众代表', groups: ['qunzhong'], roles: ['voter'] })),
  ];
  const agenda = [];
  for (let i = 0; i < presenters; i++) {
    const name = surnames[i] + given[i % given.length];
    people.push({ id: `p${i + 1}`, name, post: `第${i + 1}单位负责人`, roles: ['presenter'] });
    agenda.push({ id: `s${i + 1}`, presenter: `p${i + 1}`, title: `区${units[i % units.length]}${i >= units.length ? Math.floor(i / units.length) + 1 : ''}`, mode: 'oral', report_limit_s: 480, qa_budget_s: 600 });
  }
  return {
    ...base,
    id: `display-${presenters}`,
    title: presenters === 15 ? '区纪委全会述责述廉会议' : `述责述廉会议（${presenters} 位述职对象）`,
    participants: people,
    agenda,
    ballot_templates: [...base.ballot_templates, { ...each, id: 'all', title: '述责述廉综合测评表', scope: 'combined', change: 'first_press' }],
    settings: { ...base.settings, k_anonymity: 2, locale },
  };
}

async function startDisplayHearing(presenters, locale = 'zh-CN') {
  const tmp = tempDir('dais-display-');
  const defPath = join(tmp.dir, 'hearing.json');
  writeFileSync(defPath, JSON.stringify(definition(presenters, locale)));
  const db = join(tmp.dir, 'hearing.db');
  const tokensFile = join(tmp.dir, 'tokens.tsv');
  await run(['import', defPath, '--db', db, '--tokens-out', tokensFile]);
  const tokens = tokensFrom(readFileSync(tokensFile, 'utf8'));
  const server = await serve(['--db', db, '--web', join(repoRoot, 'client-web', 'dist')]);
  return {
    ...server,
    tokens,
    async close() {
      await stop(server.child);
      tmp.remove();
    },
  };
}

function open(browser, base, token, viewport, query = '') {
  return joinAs(browser, base, token, { viewport, query });
}

// Sends commands over the protocol from inside a page (same origin), as a tablet would, one after the other;
// every one must be acknowledged.
export async function commands(page, token, list) {
  const answers = await page.evaluate(
    async ({ token, list }) => {
      const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
      const inbox = [];
      let wake = () => {};
      ws.onmessage = (m) => {
        inbox.push(JSON.parse(m.data));
        wake();
      };
      const next = (pred) =>
        new Promise((resolve) => {
          const look = () => {
            const i = inbox.findIndex(pred);
            if (i >= 0) resolve(inbox.splice(i, 1)[0]);
            else wake = look;
          };
          look();
        });
      await new Promise((resolve) => (ws.onopen = resolve));
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, token }));
      await next((m) => m.type === 'welcome');
      const out = [];
      for (const [i, cmd] of list.entries()) {
        ws.send(JSON.stringify({ ...cmd, id: `t${i}` }));
        out.push(await next((m) => m.id === `t${i}` && (m.type === 'ack' || m.type === 'error')));
      }
      ws.close();
      return out;
    },
    { token, list },
  );
  for (const [i, a] of answers.entries()) expect(a.type === 'ack', `${list[i].type}: ${JSON.stringify(a)}`);
  return answers;
}

// Everything on the screen ends above its bottom edge, and the document does not scroll.
async function fits(page) {
  return page.evaluate(() => {
    const bottom = Math.max(...[...document.querySelectorAll('[data-test=display] *')].map((e) => e.getBoundingClientRect().bottom));
    return { scroll: document.scrollingElement.scrollHeight, bottom };
  });
}

// Walks the screen's pages once round, by waiting for its page index to change; returns what each page held
// (names in the ranking's rows and in the charts' descriptions) and checks that each page fits.
async function walkPages(page, label) {
  const root = page.locator('[data-test=display]');
  const pages = Number(await root.getAttribute('data-pages'));
  const seen = new Map();
  let current = await root.getAttribute('data-page');
  while (seen.size < pages) {
    const snap = await page.evaluate(() => {
      const el = document.querySelector('[data-test=display]');
      return {
        page: el.dataset.page,
        pages: el.dataset.pages,
        text: [...el.querySelectorAll('table.ranking tbody tr .who')].map((e) => e.textContent.trim()).join('|') +
          '|' + [...el.querySelectorAll('[data-test=chart]')].map((e) => e.getAttribute('aria-label')).join('|'),
      };
    });
    if (snap.page === current && !seen.has(snap.page)) {
      // Charts draw after layout: measure once the page has settled on its own content.
      const size = await fits(page);
      expect(size.scroll <= hall.height, `${label}, page ${snap.page}/${snap.pages}: the document is ${size.scroll} px tall`);
      expect(size.bottom <= hall.height + 0.5, `${label}, page ${snap.page}/${snap.pages}: content ends at ${size.bottom} px`);
      seen.set(snap.page, snap.text);
      if (seen.size === 1) await screenshot(page, `${label}`);
      else if (seen.size === pages) await screenshot(page, `${label}-last`);
    }
    await page.waitForFunction((prev) => document.querySelector('[data-test=display]').dataset.page !== prev, current);
    current = await root.getAttribute('data-page');
  }
  return { pages, text: [...seen.values()].join('|') };
}

const receipt = (n) => n.toString(16).padStart(32, '0');

// A full agenda on the big screen: the turnout before the count may show, the live count paged, results and
// ranking paged, every presenter on some page, and every page inside 1920×1080.
function fullAgenda(presenters, locale) {
  return async () => {
    const hearing = await startDisplayHearing(presenters, locale);
    const browser = await launchBrowser();
    try {
      const t = hearing.tokens;
      const names = definition(presenters, locale).participants.filter((p) => p.roles.includes('presenter')).map((p) => p.name);
      const display = await open(browser, hearing.base, t.screen, hall, `?page_ms=${PAGE_MS}`);
      const d = display.page;
      const voters = ['q1', 'v1', 'v2', 'v3'];
      await commands(d, t.chair, [{ type: 'open_check_in' }]);
      for (const v of voters) await commands(d, t[v], [{ type: 'check_in' }]);
      await commands(d, t.chair, [{ type: 'start_session' }, { type: 'create_ballot', template_id: 'all' }, { type: 'open_ballot', ballot: 'B1' }]);

      // Before the first step of k sheets there is no count to show: the turnout takes the screen.
      await d.locator('[data-test=display][data-layout=tally] .turnout-hero').waitFor();
      expectEqual(await d.locator('[data-test=display] [data-test=chart]').count(), 0, 'no empty chart before k sheets');
      await screenshot(d, `display-${presenters}-turnout`);

      const marks = (grade) => Object.fromEntries(
        Array.from({ length: presenters }, (_, i) => [`s${i + 1}`, { zhuti: [i % 3 === 0 ? 'jiaohao' : grade], lianjie: [grade] }]),
      );
      const grades = ['hao', 'hao', 'jiaohao', 'yiban'];
      for (const [i, v] of voters.entries()) {
        await commands(d, t[v], [{ type: 'cast_sheet', ballot: 'B1', marks: marks(grades[i]), receipt: receipt(i + 1), idempotency_key: `sheet-${v}` }]);
      }
      // The count shows one step behind: after four sheets, the two of the first step, paged over the screen.
      await d.locator('[data-test=display][data-layout=tally] [data-test=chart]').first().waitFor();
      const live = await walkPages(d, `display-${presenters}-live`);
      expectEqual(live.pages, Math.ceil(presenters / 8), 'live count pages (two dimensions side by side)');
      for (const n of names) expect(live.text.includes(`${n}:`), `${n} is on some page of the live count`);

      await commands(d, t.chair, [{ type: 'close_ballot', ballot: 'B1' }, { type: 'publish_ballot', ballot: 'B1' }]);
      await d.locator('[data-test=display][data-layout=results] table.ranking').first().waitFor();
      const results = await walkPages(d, `display-${presenters}-results`);
      expectEqual(results.pages, Math.ceil(presenters / 16) + Math.ceil(presenters / 8), 'ranking pages (two columns) and chart pages');
      for (const n of names) {
        expect(results.text.split('|').includes(n), `${n} is ranked on some page`);
        expect(results.text.includes(`${n}:`), `${n} is on some chart page`);
      }
      if (locale === 'en') {
        await d.locator('[data-test=display-pager]', { hasText: `of ${results.pages}` }).waitFor();
        await d.locator('.display-phase', { hasText: 'In session' }).waitFor();
      } else {
        await d.locator('[data-test=display-pager]', { hasText: `/ ${results.pages} 页` }).waitFor();
      }
      expectEqual(display.errors, [], 'page errors on the screen');
    } finally {
      await browser.close();
      await hearing.close();
    }
  };
}

// The chair chooses what the screen shows, sees it in the console's preview, and the screen follows; a
// follow-up is marked 追问; an outage is a corner badge, not a banner over a greyed screen.
async function chairControl() {
  const hearing = await startDisplayHearing(15);
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const chair = await open(browser, hearing.base, t.chair, laptop);
    const display = await open(browser, hearing.base, t.screen, hall, `?page_ms=${PAGE_MS}`);
    const c = chair.page;
    const d = display.page;
    const shows = (layout) => d.locator(`[data-test=display][data-layout=${layout}]`).waitFor();
    await commands(d, t.chair, [{ type: 'open_check_in' }]);
    for (const v of ['q1', 'v1', 'v2', 'v3']) await commands(d, t[v], [{ type: 'check_in' }]);
    await commands(d, t.chair, [{ type: 'start_session' }, { type: 'call_slot', slot: 's1' }, { type: 'begin_stage', slot: 's1', stage: 'reporting' }]);

    await c.click('[data-test=chair-tab-screen]');
    await c.locator('[data-test=screen-showing][data-mode=auto]').waitFor();
    await shows('live');

    // The sign-in wall: expected and present per group.
    await c.click('[data-test=screen-mode-attendance]');
    await shows('attendance');
    await d.locator('[data-test=wall-present]', { hasText: '4' }).waitFor();
    await c.locator('[data-test=display-preview] [data-layout=attendance]').waitFor();
    await screenshot(d, 'display-mode-attendance');
    await screenshot(c, 'chair-screen');

    // The current presenter and timer alone.
    await c.click('[data-test=screen-mode-current]');
    await shows('current');
    await d.locator('[data-test=display-presenter]', { hasText: '王建国' }).waitFor();
    await screenshot(d, 'display-mode-current');

    // The question being asked, and a follow-up to it marked as such.
    await commands(d, t.q1, [{ type: 'submit_inquiry', slot: 's1', text: '请说明河道整治项目资金使用情况。' }]);
    await commands(d, t.chair, [
      { type: 'approve_inquiry', inquiry: 'I1' },
      { type: 'begin_stage', slot: 's1', stage: 'questioning' },
      { type: 'ask_inquiry', inquiry: 'I1' },
    ]);
    await c.click('[data-test=screen-mode-asking]');
    await shows('asking');
    await d.locator('[data-test=display-asking]', { hasText: '河道整治' }).waitFor();
    expectEqual(await d.locator('[data-test=display-followup]').count(), 0, 'a first question is no follow-up');
    await commands(d, t.q1, [{ type: 'submit_inquiry', slot: 's1', text: '资金缺口由谁负责？何时补齐？', parent: 'I1' }]);
    await commands(d, t.chair, [
      { type: 'answer_inquiry', inquiry: 'I1', summary: '已说明' },
      { type: 'approve_inquiry', inquiry: 'I2' },
      { type: 'ask_inquiry', inquiry: 'I2' },
    ]);
    await d.locator('[data-test=display-asking]', { hasText: '资金缺口' }).waitFor();
    await d.locator('[data-test=display-followup]', { hasText: '追问' }).waitFor();
    await screenshot(d, 'display-mode-asking');
    // In the automatic layout too.
    await c.click('[data-test=screen-mode-auto]');
    await shows('live');
    await d.locator('[data-test=display-asking] [data-test=display-followup]', { hasText: '追问' }).waitFor();

    // A message from the chair.
    await c.fill('[data-test=screen-message]', '会议休息十分钟，14:40 继续');
    await c.click('[data-test=screen-show-message]');
    await shows('message');
    await d.locator('[data-test=display-message]', { hasText: '会议休息十分钟' }).waitFor();
    await c.locator('[data-test=display-preview] [data-test=display-message]', { hasText: '会议休息十分钟' }).waitFor();
    await screenshot(d, 'display-mode-message');

    // Blank, then results with nothing to show yet, then the live count.
    await c.click('[data-test=screen-mode-blank]');
    await shows('blank');
    expectEqual((await d.locator('[data-test=display]').innerText()).trim(), '', 'a blank screen says nothing');
    await c.click('[data-test=screen-mode-results]');
    await shows('results');
    await commands(d, t.chair, [{ type: 'create_ballot', template_id: 'all' }, { type: 'open_ballot', ballot: 'B1' }]);
    await c.click('[data-test=screen-mode-tally]');
    await shows('tally');
    await d.locator('[data-test=display-tally] [data-test=turnout-text]', { hasText: '0' }).waitFor();
    await screenshot(d, 'display-mode-tally');
    for (const layout of ['attendance', 'current', 'tally']) {
      await c.click(`[data-test=screen-mode-${layout}]`);
      await shows(layout);
      const size = await fits(d);
      expect(size.scroll <= hall.height && size.bottom <= hall.height + 0.5, `${layout} fits: ${JSON.stringify(size)}`);
    }

    // The server goes away: the screen keeps what it shows, readable, with a small badge in its corner.
    await stop(hearing.child);
    await d.locator('[data-test=conn]:not([data-status=online])').waitFor();
    expectEqual(await d.locator('[data-test=stale-banner]').isVisible(), false, 'no banner across the screen');
    const look = await d.evaluate(() => getComputedStyle(document.querySelector('.view-body')).filter + ' ' + getComputedStyle(document.querySelector('.view-body')).opacity);
    expectEqual(look, 'none 1', 'the screen is not greyed');
    await screenshot(d, 'display-outage');
    expectEqual(display.errors, [], 'page errors on the screen');
    expectEqual(chair.errors, [], 'page errors on the console');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'display: 15 presenters paged on the big screen', fn: fullAgenda(15, 'zh-CN') },
  { name: 'display: 30 presenters paged, in the hearing language (English)', fn: fullAgenda(30, 'en') },
  { name: 'display: 60 presenters paged on the big screen', fn: fullAgenda(60, 'zh-CN') },
  { name: 'display: the chair chooses what the screen shows', fn: chairControl },
];
