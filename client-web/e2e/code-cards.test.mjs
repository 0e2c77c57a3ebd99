// Code cards (随机测评码) in real browsers against a real server: the secretariat turns them on for a draft with
// a spare card, prints the stack — the cards of each voter group, none bearing a person's name — and the
// persons' own join cards apart; on the day the desk lists persons only, the cards opened on tablets check
// themselves in and make the quorum, and a card votes.
import { readFileSync } from 'node:fs';
import { expect, expectEqual, launchBrowser, openLink, screenshot } from './harness.mjs';
import { seedPath, startHearing } from './fixtures.mjs';
import { addAccount, signIn } from './organize-fixtures.mjs';
import { audit } from './organize.test.mjs';

const tablet = { width: 1180, height: 820 };

// Buttons and inputs of `scope` smaller than 44 px either way.
async function smallTargets(scope, state) {
  const small = await scope.evaluate((el) =>
    [...el.querySelectorAll('button, input')]
      .filter((b) => b.getBoundingClientRect().width < 44 || b.getBoundingClientRect().height < 44)
      .map((b) => b.dataset.test ?? b.tagName),
  );
  return small.map((s) => `${state}: under 44 px: ${s}`);
}

async function printTheStackAndVoteWithACard() {
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu');
    // axe comes in as a script tag, which the server's CSP would refuse.
    const { page, errors } = await signIn(browser, hearing.base, 'mishu', { bypassCSP: true });
    await page.goto(`${hearing.base}/organize#/hearing/${seed.id}`);
    const panel = page.locator('[data-test=code-cards]');
    await panel.waitFor();
    await panel.locator('[data-test=code-cards-state][data-on=false]').waitFor();
    // One card per voter of the group by default; the secretariat adds a spare to 纪委委员 and leaves the
    // 群众代表 out of this evaluation.
    expectEqual(await panel.locator('[data-test=code-count-jwwy]').inputValue(), '3', 'default cards for jwwy');
    expectEqual(await panel.locator('[data-test=code-count-qunzhong]').inputValue(), '3', 'default cards for qunzhong');
    await panel.locator('[data-test=code-count-jwwy]').fill('4');
    await panel.locator('[data-test=code-count-qunzhong]').fill('0');
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'organize-code-cards-panel');
    // axe over the page; the 44 px targets of this section (the editor's hidden tabs measure 0).
    const findings = (await audit(page, 'code-card section')).filter((f) => !f.includes('under 44 px'));
    findings.push(...(await smallTargets(panel, 'code-card section')));
    await panel.locator('[data-test=code-cards-on]').click();
    await page.click('[data-test=dialog-ok]');

    // The stack: four cards of 区纪委委员, none of 群众代表, and no person's name on any card.
    const stack = page.locator('[data-test=code-card-stack]');
    await stack.waitFor();
    const cards = stack.locator('[data-test=code-card]');
    expectEqual(await cards.count(), 4, 'code cards printed');
    expectEqual(await stack.locator('[data-test=code-card][data-group=jwwy]').count(), 4, 'cards of 区纪委委员');
    expectEqual(await stack.locator('[data-group=qunzhong]').count(), 0, 'cards of 群众代表');
    const faces = await cards.allInnerTexts();
    for (const face of faces) {
      expect(face.includes('测评码') && face.includes('区纪委委员') && face.includes(seed.title), `a card reads ${face}`);
      for (const p of seed.participants) expect(!face.includes(p.name), `${p.name} on a code card: ${face}`);
    }
    const links = await cards.evaluateAll((els) => els.map((e) => e.dataset.link));
    expectEqual(new Set(links).size, 4, 'distinct card links');
    // The persons' own join cards print apart, one each, as before.
    const persons = page.locator('[data-test=join-cards] figure[data-participant]');
    expectEqual(await persons.count(), seed.participants.length, 'persons’ join cards');
    await page.locator('[data-test=code-cards-print]').waitFor();
    await stack.scrollIntoViewIfNeeded();
    await screenshot(page, 'organize-code-cards');
    findings.push(...(await audit(page, 'printed cards')));
    expectEqual(findings, [], 'accessibility findings');
    const chairLink = await page.locator('[data-test=join-cards] figure[data-participant=chair]').getAttribute('data-link');

    // Back in the editor the draft says so, and the roster shows persons only.
    await page.click('[data-test=cards-back]');
    await panel.locator('[data-test=code-cards-state][data-on=true]').waitFor();
    await page.click('[data-test=tab-roster]');
    await page.locator('[data-test=row-chair]').waitFor();
    expectEqual(await page.locator('[data-test=roster] tr[data-test^=row-]').count(), seed.participants.length, 'roster rows');

    // The day: the desk lists persons only; 应到 counts cards.
    const chair = await openLink(browser, chairLink, { viewport: { width: 1440, height: 900 } });
    const c = chair.page;
    await c.click('[data-test=open-check-in]');
    await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
    await c.click('[data-test=chair-tab-checkin]');
    await c.locator('[data-test=checkin-list] tbody tr').first().waitFor();
    expectEqual(await c.locator('[data-test=checkin-list] tbody tr').count(), seed.participants.length, 'desk rows');
    await c.locator('[data-test=att-expected]', { hasText: '4' }).waitFor();
    // The editor, read only now, still says how many cards each group has.
    await page.reload();
    await page.locator('[data-test=read-only]').waitFor();
    await panel.locator('[data-test=code-cards-of-jwwy]', { hasText: '4' }).waitFor();
    expectEqual(await panel.locator('[data-test=code-cards-on]').count(), 0, 'controls on a read-only draft');

    // Three cards, drawn from the stack, opened at the seats: each checks itself in.
    const tablets = [];
    for (const link of links.slice(0, 3)) {
      const t = await openLink(browser, link, { viewport: tablet });
      await t.page.click('[data-test=check-in]');
      await t.page.locator('[data-test=checked-in]').waitFor();
      tablets.push(t);
    }
    await c.locator('[data-test=att-present]', { hasText: '3' }).waitFor();

    // The quorum (2/3 of 4 cards) is met: the session starts, a ballot opens, a card votes.
    await c.click('[data-test=chair-tab-run]');
    await c.click('[data-test=start-session]');
    await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
    await c.keyboard.press('n');
    await c.click('[data-test=create-ballot]');
    await c.locator('.ballot-row[data-status=pending] [data-test=open-ballot]').click();
    await c.locator('.ballot-row[data-status=open]').waitFor();
    const v = tablets[0].page;
    for (const dim of ['zhuti', 'lianjie']) await v.click(`[data-dimension=${dim}] [data-grade=hao]`);
    await v.click('[data-test=submit-sheet]');
    await v.click('[data-test=dialog-ok]');
    await v.locator('[data-test=sheet][data-state=confirmed]').waitFor();
    const count = (key) => c.locator(`.ballot-row[data-ballot=B1] [data-test=count-${key}]`).first();
    await count('returned').and(c.locator('[data-value="1"]')).waitFor();
    expectEqual(await count('expected').getAttribute('data-value'), '4', '应到');
    expectEqual(await count('present').getAttribute('data-value'), '3', '实到');

    const pageErrors = [...errors, ...chair.errors, ...tablets.flatMap((t) => t.errors)];
    expectEqual(pageErrors, [], 'page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'code cards: the stack printed by group without names, a card checks in and votes', fn: printTheStackAndVoteWithACard }];
