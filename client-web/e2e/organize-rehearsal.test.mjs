// A rehearsal (演练) with real devices against a real server: the organizer marks the draft as a rehearsal, the
// chair's console and the hall screen say so, check-in opens, and the organizer resets it from the list with
// the cards kept — the devices come back by themselves to a clean draft.
import { expect, expectEqual, joinAs, launchBrowser, screenshot } from './harness.mjs';
import { startHearing } from './fixtures.mjs';
import { addAccount, signIn } from './organize-fixtures.mjs';

// The page's own API calls, with the session's CSRF token: what the editor's save does.
async function markRehearsal(page, id, on) {
  return page.evaluate(
    async ([id, on]) => {
      const me = await (await fetch('/organize/api/me')).json();
      const def = await (await fetch(`/organize/api/hearings/${id}/definition`)).json();
      def.settings = { ...(def.settings ?? {}), rehearsal: on };
      const res = await fetch(`/organize/api/hearings/${id}/definition`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ definition: def }),
      });
      return res.status;
    },
    [id, on],
  );
}

async function rehearseAndReset() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    addAccount(hearing.db, 'mishu');
    const org = await signIn(browser, hearing.base, 'mishu');
    expectEqual(await markRehearsal(org.page, 'e2e-hearing', true), 200, 'the draft becomes a rehearsal');
    await org.page.reload();
    await org.page.locator('[data-test=rehearsal-badge]').waitFor();

    const chair = await joinAs(browser, hearing.base, hearing.tokens.chair);
    const screen = await joinAs(browser, hearing.base, hearing.tokens.screen, { viewport: { width: 1920, height: 1080 } });
    for (const p of [chair.page, screen.page]) {
      const banner = p.locator('[data-test=rehearsal-banner]');
      await banner.waitFor();
      expect((await banner.textContent()).includes('演练'), 'every screen says it is a rehearsal');
    }
    await screenshot(screen.page, 'rehearsal-display');
    await chair.page.click('[data-test=open-check-in]');
    await chair.page.locator('[data-test=open-check-in]').waitFor({ state: 'detached' });

    await org.page.reload();
    await org.page.click('[data-test=rehearsal-reset-open]');
    await org.page.locator('[data-test=rehearsal-reset]').waitFor();
    await screenshot(org.page, 'rehearsal-reset');
    await org.page.click('[data-test=rehearsal-reset-confirm]');
    await org.page.locator('[data-test=rehearsal-reset]').waitFor({ state: 'detached' });
    // The list is read again once the dialog has closed: the rehearsal is a draft again.
    await org.page.locator('[data-test=hearing-e2e-hearing] [data-test=phase]', { hasText: '筹备中' }).waitFor();

    // The chair's console comes back by itself, on the same card, to a draft it can open again.
    await chair.page.locator('[data-test=open-check-in]').waitFor();
    await chair.page.locator('[data-test=rehearsal-banner]').waitFor();

    // The real hearing: the flag goes, the banner goes, and the list offers no reset.
    expectEqual(await markRehearsal(org.page, 'e2e-hearing', false), 200, 'the rehearsal flag comes off');
    await chair.page.locator('[data-test=conn][data-status=online]').waitFor();
    await chair.page.locator('[data-test=rehearsal-banner]').waitFor({ state: 'detached' });
    await org.page.reload();
    await org.page.locator('[data-test^=hearing-]').first().waitFor();
    expectEqual(await org.page.locator('[data-test=rehearsal-badge]').count(), 0, 'no badge on the real hearing');
    expectEqual([...org.errors, ...chair.errors, ...screen.errors], [], 'no page errors');
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [{ name: 'organize: a rehearsal is marked on every screen and reset to a clean draft', fn: rehearseAndReset }];
