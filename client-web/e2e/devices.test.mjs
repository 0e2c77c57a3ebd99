// The voter's tablet and the questioner's phone, in real browsers against a real server: marks leave the tablet
// once the box has them, a draft survives a reload, a first-press sheet asks before it goes, a shared tablet
// returns to a neutral screen, the receipt can be copied and scanned, and the scrutineer's check says what it
// found; on a phone the questioner's top bar stays small and their question going live is announced.
import QRCode from 'qrcode';
import { PNG } from 'pngjs';
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';

const tabletPortrait = { width: 820, height: 1180 };
const tabletLandscape = { width: 1180, height: 820 };
const phone = { width: 390, height: 844 };
const laptop = { width: 1600, height: 1000 };

const grade = (dim, g) => `[data-dimension=${dim}] [data-grade=${g}]`;
const sheetIn = (state) => `[data-test=sheet][data-state=${state}]`;

// A device opened on its join link with extra query parameters (the desk's `?shared=1`).
// Quorum is two thirds of the seed's six voters: the named devices check in, and others up to four.
async function startSession(browser, hearing, chair, attendees) {
  const others = ['v1', 'v2', 'v3', 'v4'].filter((id) => !attendees.some((a) => a.id === id));
  while (attendees.length < 4) {
    const id = others.shift();
    attendees = [...attendees, { id, ...(await joinAs(browser, hearing.base, hearing.tokens[id])) }];
  }
  const c = chair.page;
  await c.click('[data-test=open-check-in]');
  await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
  for (const p of attendees) {
    await p.page.click('[data-test=check-in]');
    await p.page.locator('[data-test=checkin-card]').waitFor({ state: 'detached' });
  }
  await c.click('[data-test=start-session]');
  await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
  await c.keyboard.press('n');
  await c.locator('[data-test=current-name]', { hasText: '黄明军' }).waitFor();
}

async function openBallot(c) {
  await c.keyboard.press('3');
  await c.locator('[data-test=current-stage]', { hasText: '测评' }).waitFor();
  await c.click('[data-test=create-ballot]');
  await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
  await c.locator('.ballot-row[data-status=open]').waitFor();
}

const storedSheets = (page, id) => page.evaluate((k) => localStorage.getItem(k) ?? '', `dais.sheets.${id}`);
const storedDrafts = (page, id) => page.evaluate((k) => localStorage.getItem(k) ?? '', `dais.sheets.${id}.drafts`);

// The QR on the page, read module by module and compared with the code the receipt makes.
async function expectQrOf(page, receipt) {
  const src = await page.locator('[data-test=receipt-qr] img').getAttribute('src');
  const png = PNG.sync.read(Buffer.from(src.replace(/^data:image\/png;base64,/, ''), 'base64'));
  const { modules } = QRCode.create(receipt, { errorCorrectionLevel: 'M' });
  const margin = 1;
  const scale = png.width / (modules.size + 2 * margin);
  let wrong = 0;
  for (let r = 0; r < modules.size; r++) {
    for (let col = 0; col < modules.size; col++) {
      const x = Math.floor((col + margin + 0.5) * scale);
      const y = Math.floor((r + margin + 0.5) * scale);
      const dark = png.data[(y * png.width + x) * 4] < 128;
      if (dark !== Boolean(modules.get(r, col))) wrong++;
    }
  }
  expectEqual(wrong, 0, 'QR modules that differ from the receipt’s code');
}

async function tablet() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const chair = await joinAs(browser, hearing.base, t.chair, { viewport: laptop });
    const v1 = await joinAs(browser, hearing.base, t.v1, { viewport: tabletPortrait });
    const v2 = await joinAs(browser, hearing.base, t.v2, { viewport: tabletLandscape, query: '?shared=1' });
    const jpr = await joinAs(browser, hearing.base, t.jpr, { viewport: laptop });
    await startSession(browser, hearing, chair, [{ id: 'v1', ...v1 }, { id: 'v2', ...v2 }]);
    for (const [key, stage] of [['1', '述职'], ['2', '质询']]) {
      await chair.page.keyboard.press(key);
      await chair.page.locator('[data-test=current-stage]', { hasText: stage }).waitFor();
    }
    await openBallot(chair.page);

    // A draft survives a reload: it is not yet a vote.
    const p = v1.page;
    await p.click(grade('zhuti', 'jiaohao'));
    await p.locator(`${grade('zhuti', 'jiaohao')}[aria-checked=true]`).waitFor();
    await p.reload();
    await p.locator(`${grade('zhuti', 'jiaohao')}[aria-checked=true]`).waitFor();
    expect((await storedDrafts(p, 'v1')).includes('jiaohao'), 'the draft is kept on the device before the submit');

    // First press counts: the tablet asks before sending; cancelled, nothing is sent.
    await p.click(grade('lianjie', 'hao'));
    await screenshot(p, 'voter-sheet');
    await p.click('[data-test=submit-sheet]');
    await p.locator('[data-test=dialog]', { hasText: '提交后不能更改' }).waitFor();
    await p.click('[data-test=dialog-cancel]');
    await p.locator('[data-test=dialog]').waitFor({ state: 'detached' });
    await p.locator(sheetIn('not_voted')).waitFor();
    expect(!(await storedSheets(p, 'v1')).includes('B1'), 'no sheet stored after a cancelled submit');
    await p.click('[data-test=submit-sheet]');
    await p.click('[data-test=dialog-ok]');
    await p.locator(sheetIn('confirmed')).waitFor();

    // Acked: "submitted" and the receipt; no mark on the page or in storage, also after a reload.
    await p.locator('[data-test=submitted]', { hasText: '已提交' }).waitFor();
    for (let round = 0; round < 2; round++) {
      expectEqual(await p.locator('.grade').count(), 0, 'grade buttons after the ack');
      const stored = await storedSheets(p, 'v1');
      expect(stored.includes('"confirmed"') && !stored.includes('marks'), `the stored sheet holds no marks: ${stored}`);
      expect(!stored.includes('jiaohao') && !(await storedDrafts(p, 'v1')).includes('jiaohao'), 'no grade left in storage');
      if (round === 0) {
        await p.reload();
        await p.locator(sheetIn('confirmed')).waitFor();
      }
    }

    // The receipt: copied to the clipboard whole, and the QR holds the same 64 characters.
    const receipt = (await p.locator('[data-test=receipt] .receipt-code').innerText()).replace(/\s/g, '');
    expect(/^[0-9a-f]{64}$/.test(receipt), `receipt shown: ${receipt}`);
    await v1.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hearing.base });
    await p.click('[data-test=copy-receipt]');
    await p.locator('[data-test=receipt-copied]').waitFor();
    expectEqual(await p.evaluate(() => navigator.clipboard.readText()), receipt, 'the copied receipt');
    await expectQrOf(p, receipt);
    await screenshot(p, 'voter-submitted');

    // A shared tablet: after the ack the receipt, then on "pass it on" a neutral screen, also after a reload.
    const s = v2.page;
    await s.click(grade('zhuti', 'hao'));
    await s.click(grade('lianjie', 'yiban'));
    await s.click('[data-test=submit-sheet]');
    await s.click('[data-test=dialog-ok]');
    await s.locator(sheetIn('confirmed')).waitFor();
    await s.locator('[data-test=receipt]').waitFor();
    await s.click('[data-test=hand-over]');
    await s.locator('[data-test=neutral]', { hasText: '请将平板交给下一位' }).waitFor();
    await screenshot(s, 'voter-shared-neutral');
    await s.reload();
    await s.locator('[data-test=neutral]').waitFor();
    expectEqual(await s.locator('[data-test=receipt], [data-test=sheet], .grade').count(), 0, 'sheet parts on the neutral screen');
    expect(!(await storedSheets(s, 'v2')).includes('yiban'), 'the shared tablet keeps no marks');

    // The scrutineer's check says in words what it found.
    const j = jpr.page;
    const verdict = j.locator('[data-test=receipt-verdict]');
    await j.fill('[data-test=receipt-code]', receipt.match(/.{4}/g).join(' '));
    await j.click('[data-test=receipt-check-go]');
    await verdict.and(j.locator('[data-outcome=in_box_open_final]')).waitFor();
    expect((await verdict.innerText()).includes('票箱中有这张测评表'), 'in the box, in words');
    await j.fill('[data-test=receipt-code]', '0'.repeat(64));
    await j.click('[data-test=receipt-check-go]');
    await verdict.and(j.locator('[data-outcome=missing_open]')).waitFor();
    await j.fill('[data-test=receipt-code]', receipt.slice(0, 40));
    await j.click('[data-test=receipt-check-go]');
    await verdict.and(j.locator('[data-outcome=malformed]', { hasText: '40' })).waitFor();

    // Closed, the same receipt is counted.
    const c = chair.page;
    await c.click('.ballot-row[data-status=open] [data-test=close-ballot]');
    await c.click('[data-test=dialog-ok]');
    await c.locator('.ballot-row[data-status=closed]').first().waitFor();
    await j.fill('[data-test=receipt-code]', receipt);
    await j.click('[data-test=receipt-check-go]');
    await verdict.and(j.locator('[data-outcome=in_box_counted]')).waitFor();

    // The combined end-of-hearing sheet on the tablet: a presenters × dimensions grid, half filled.
    await c.selectOption('[data-test=ballot-template]', 'final');
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await p.locator('[data-test=sheet] [data-slot=s3]').waitFor();
    await p.click('[data-slot=s1] [data-grade=lianjie]');
    await p.click('[data-slot=s2] [data-grade=jiben]');
    await screenshot(p, 'voter-combined-grid');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

async function questionerPhone() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const t = hearing.tokens;
    const chair = await joinAs(browser, hearing.base, t.chair, { viewport: laptop });
    const q1 = await joinAs(browser, hearing.base, t.q1, { viewport: phone });
    const c = chair.page;
    const q = q1.page;
    await startSession(browser, hearing, chair, [{ id: 'q1', ...q1 }]);
    await c.keyboard.press('1');
    await c.locator('[data-test=current-stage]', { hasText: '述职' }).waitFor();
    await c.keyboard.press('2');
    await c.locator('[data-test=current-stage]', { hasText: '质询' }).waitFor();

    // A compact top bar: at most 12 % of the phone's height.
    const bar = await q.locator('.topbar').boundingBox();
    expect(bar.height <= 0.12 * phone.height, `top bar ${bar.height}px high on a ${phone.height}px phone`);

    const question = '河道整治资金的使用情况是否经过审计？';
    const offTopic = '请谈谈明年的打算。';
    for (const text of [question, offTopic]) {
      await q.fill('[data-test=inquiry-text]', text);
      await q.click('[data-test=inquiry-send]');
      await q.locator('[data-test=mine] .inquiry[data-status=submitted]', { hasText: text }).waitFor();
    }

    // Rejected: the reason stays on the inquiry, and no notice lies over it.
    await c.locator('[data-test=moderation] .inquiry', { hasText: offTopic }).locator('[data-test=reject]').click();
    await c.fill('[data-test=dialog-input]', '与本次述责述廉主题无关');
    await c.click('[data-test=dialog-ok]');
    await q.locator('[data-test=inquiry-alert][data-status=rejected]').waitFor();
    await q.click('[data-test=inquiry-alert-show]');
    const reason = q.locator('[data-test=mine] [data-test=reject-reason]', { hasText: '与本次述责述廉主题无关' });
    await reason.waitFor();
    const r = await reason.boundingBox();
    for (const toast of await q.locator('[data-test=toast]').all()) {
      const b = await toast.boundingBox();
      expect(!b || b.y + b.height <= r.y || b.y >= r.y + r.height, 'a notice covers the rejection reason');
    }

    // Approved, then asked: each time a notice at the foot of the screen leads to it.
    await c.locator('[data-test=moderation] .inquiry', { hasText: question }).locator('[data-test=approve]').click();
    await q.locator('[data-test=inquiry-alert][data-status=approved]').waitFor();
    await q.click('[data-test=inquiry-alert-show]');
    await q.locator('[data-test=inquiry-alert]').waitFor({ state: 'detached' });
    await c.locator('[data-test=moderation] .inquiry[data-status=approved]', { hasText: question }).waitFor();
    await c.keyboard.press('a');
    await q.locator('[data-test=inquiry-alert][data-status=asking]').waitFor();
    await screenshot(q, 'questioner-phone');
    await q.click('[data-test=inquiry-alert-show]');
    await q.locator('[data-test=mine] .inquiry[data-status=asking] [data-test=follow-up-text]').waitFor();
    const followUp = q.locator('[data-test=follow-up-text]');
    await q.waitForFunction(() => {
      const el = document.querySelector('[data-test=follow-up-text]');
      const box = el?.getBoundingClientRect();
      return box && box.top >= 0 && box.bottom <= window.innerHeight && document.activeElement === el;
    });

    // A ballot opens while they write a follow-up: they stay on the questions tab, and the vote tab is flagged.
    await followUp.fill('审计发现的问题整改了吗？');
    await c.locator('[data-test=moderation] .inquiry[data-status=asking]').locator('[data-test=answered]').click();
    await c.fill('[data-test=dialog-input]', '已委托区审计局专项审计');
    await c.click('[data-test=dialog-ok]');
    // The evaluation stage waits until no question is being asked.
    await c.locator('[data-test=moderation] .inquiry[data-status=asking]').waitFor({ state: 'detached' });
    await openBallot(c);
    await q.locator('[data-test=role-tab-voter] [data-test=vote-waiting]').waitFor();
    expectEqual(await q.getAttribute('.app', 'data-view'), 'questioner', 'the view while a ballot opens');
    expectEqual(await followUp.inputValue(), '审计发现的问题整改了吗？', 'the follow-up being written');

    // On the vote tab the flag goes; no grade label breaks inside its button.
    await q.click('[data-test=role-tab-voter]');
    await q.locator('[data-test=sheet]').waitFor();
    expectEqual(await q.locator('[data-test=vote-waiting]').count(), 0, 'flags on the vote tab itself');
    const broken = await q.evaluate(() =>
      [...document.querySelectorAll('.grade')]
        .filter((b) => {
          const range = document.createRange();
          range.selectNodeContents(b);
          const lines = new Set([...range.getClientRects()].map((x) => Math.round(x.top)));
          return lines.size > 1 || b.scrollWidth > b.clientWidth;
        })
        .map((b) => b.textContent.trim()),
    );
    expectEqual(broken, [], 'grade labels that wrap or overflow on a phone');
    await screenshot(q, 'voter-phone');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'devices: a tablet keeps no marks after the ack, keeps the draft, asks on first press, shares safely', fn: tablet },
  { name: 'devices: the questioner on a phone', fn: questionerPhone },
];
