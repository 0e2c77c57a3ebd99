#!/usr/bin/env node
// The browser tests: each test gets a real `dais serve` on 127.0.0.1 with a fresh database and a fresh Chromium.
// Prints one line per test as it ends and a closing "N passed, N failed"; exits non-zero when any failed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness.mjs';
import { tests as hearingTests } from './hearing.test.mjs';
import { tests as joinTests } from './join.test.mjs';
import { tests as languageTests } from './language.test.mjs';
import { tests as displayTests } from './display.test.mjs';
import { tests as deviceTests } from './devices.test.mjs';
import { tests as a11yTests } from './a11y.test.mjs';
import { tests as chairSafetyTests } from './chair-safety.test.mjs';
import { tests as countsCheckinTests } from './counts-checkin.test.mjs';
import { tests as agendaKindsTests } from './agenda-kinds.test.mjs';
import { tests as workbookTests } from './workbook.test.mjs';
import { tests as organizeTests } from './organize.test.mjs';
import { tests as organizePrepareTests } from './organize-prepare.test.mjs';
import { tests as organizeEditorsTests } from './organize-editors.test.mjs';
import { tests as organizeReportTests } from './organize-report.test.mjs';
import { tests as organizeLedgerTests } from './organize-ledger.test.mjs';
import { tests as organizeRehearsalTests } from './organize-rehearsal.test.mjs';
import { tests as organizeDayTests } from './organize-day.test.mjs';
import { tests as reviewTests } from './review.test.mjs';
import { tests as codeCardsTests } from './code-cards.test.mjs';
import { tests as paperTests } from './paper.test.mjs';

const only = process.argv[2];
const all = [...joinTests, ...hearingTests, ...languageTests, ...deviceTests, ...a11yTests, ...displayTests, ...chairSafetyTests, ...countsCheckinTests, ...agendaKindsTests, ...workbookTests, ...organizeTests, ...organizePrepareTests, ...organizeEditorsTests, ...organizeReportTests, ...organizeLedgerTests, ...organizeRehearsalTests, ...organizeDayTests, ...codeCardsTests, ...reviewTests, ...paperTests].filter((t) => !only || t.name.includes(only));
// DAIS_E2E_WORKERS tests run at a time (default 2; 1 runs them one after another). Each test still has its own
// server, database, temporary directory and browser; the screenshots have a name per test.
const workers = Math.max(1, Number.parseInt(process.env.DAIS_E2E_WORKERS ?? '2', 10) || 1);
const results = new Array(all.length);
let next = 0;
async function worker() {
  while (next < all.length) {
    const i = next++;
    const t = all[i];
    const started = Date.now();
    try {
      await t.fn();
      results[i] = { name: t.name, ok: true };
      console.log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      results[i] = { name: t.name, ok: false, error: String(e?.stack ?? e) };
      console.log(`  ✗ ${t.name} (${Date.now() - started} ms)\n${String(e?.stack ?? e).replace(/^/gm, '      ')}`);
    }
  }
}
const wallStart = Date.now();
await Promise.all(Array.from({ length: Math.min(workers, all.length) }, worker));
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
mkdirSync(join(repoRoot, 'build'), { recursive: true });
writeFileSync(join(repoRoot, 'build', 'e2e-results.json'), JSON.stringify({ passed, failed, results }, null, 2));
console.log(`e2e: ${passed} passed, ${failed} failed (${workers} at a time, ${((Date.now() - wallStart) / 1000).toFixed(1)} s)`);
process.exit(failed === 0 ? 0 : 1);
