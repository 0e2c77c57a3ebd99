// A hearing to test against: the seed under tests/e2e/ imported into a fresh database, served by a real
// `dais serve`, with every participant's join token.
import { join } from 'node:path';
import { repoRoot, run, serve, stop, tempDir } from './harness.mjs';

export const seedPath = join(repoRoot, 'tests', 'e2e', 'hearing.json');

// Join links as dais prints them: "<participant id> … /j/<token>".
export function tokensFrom(text) {
  const tokens = {};
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\b.*\/j\/([A-Za-z0-9_-]+)/.exec(line);
    if (m) tokens[m[1]] = m[2];
  }
  return tokens;
}

export async function startHearing() {
  const tmp = tempDir('dais-e2e-');
  const db = join(tmp.dir, 'hearing.db');
  const imported = await run(['import', '--db', db, seedPath]);
  const tokens = tokensFrom(imported.out);
  const server = await serve(['--db', db, '--web', join(repoRoot, 'client-web', 'dist')]);
  return {
    ...server,
    db,
    tokens,
    async close() {
      await stop(server.child);
      tmp.remove();
    },
  };
}
