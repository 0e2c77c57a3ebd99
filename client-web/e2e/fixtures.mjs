// A hearing to test against: the seed under tests/e2e/ imported into a fresh database, served by a real
// `dais serve`, with every participant's join token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, run, serve, stop, tempDir } from './harness.mjs';

export const seedPath = join(repoRoot, 'tests', 'e2e', 'hearing.json');

// The tokens file `dais import --tokens-out` writes: a header, then "participant, name, roles, token" per line,
// tab-separated.
export function tokensFrom(text) {
  const tokens = {};
  const [header, ...rows] = text.trim().split('\n');
  const cols = header.split('\t');
  const who = cols.indexOf('participant');
  const token = cols.indexOf('token');
  for (const row of rows) {
    const cells = row.split('\t');
    if (cells[who] && cells[token]) tokens[cells[who]] = cells[token];
  }
  return tokens;
}

// `seed`: another definition to import, e.g. one of seeds/.
export async function startHearing(seed = seedPath) {
  const tmp = tempDir('dais-e2e-');
  const db = join(tmp.dir, 'hearing.db');
  const tokensFile = join(tmp.dir, 'tokens.tsv');
  await run(['import', seed, '--db', db, '--tokens-out', tokensFile]);
  const tokens = tokensFrom(readFileSync(tokensFile, 'utf8'));
  const args = ['--db', db, '--web', join(repoRoot, 'client-web', 'dist')];
  const hearing = { ...(await serve(args)), db, tokens };
  return Object.assign(hearing, {
    // Stops the server and starts it again on the same port and file, as after a crash or an update.
    async restart(between = async () => {}) {
      await stop(hearing.child);
      await between();
      Object.assign(hearing, await serve(args, { port: hearing.port }));
    },
    async close() {
      await stop(hearing.child);
      tmp.remove();
    },
  });
}

// On the chair's console: check-in opened, `ids` checked in at the desk by their codes, the session started.
export async function openWithQuorum(c, ids) {
  await c.click('[data-test=open-check-in]');
  await c.locator('[data-test=phase][data-phase=check_in]').waitFor();
  await c.click('[data-test=chair-tab-checkin]');
  for (const id of ids) {
    await c.fill('[data-test=desk-code]', id);
    await c.press('[data-test=desk-code]', 'Enter');
    await c.locator('[data-test=desk-result]', { hasText: '签到成功' }).waitFor();
  }
  await c.locator('[data-test=att-present]', { hasText: String(ids.length) }).waitFor();
  await c.click('[data-test=chair-tab-run]');
  await c.click('[data-test=start-session]');
  await c.locator('[data-test=phase][data-phase=in_session]').waitFor();
}
