#!/usr/bin/env node
// First load on a slow hall Wi-Fi: how long a voter's or a questioner's tablet shows a blank page after opening
// its join link, and how many bytes it pulls. Chromium's network emulation (CDP Network.emulateNetworkConditions)
// holds the link to 1.6 Mbit/s each way with 150 ms of added latency per request, the browser cache is off, and
// each run is a fresh browser context against a real `dais serve` (the e2e seed hearing, client-web/dist).
// "Usable" is the moment the connection is up and the view's first card is on screen: the check-in card (before
// check-in opens it says when it will; once open it holds the check-in button).
// A benchmark, not a test: it prints figures (docs/benchmarks.md) and asserts nothing.
//
// Usage: node bench/first-load.mjs [--runs N] [--identity] [--web DIR]   (from client-web/, after tools/build-web.sh)
//   --identity  also load with "Accept-Encoding: identity", as a browser that takes no compressed copy would.
//   --web DIR   serve another build instead of client-web/dist (e.g. an earlier commit's, for a comparison).
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, repoRoot, run, serve, stop, tempDir } from '../e2e/harness.mjs';
import { seedPath, tokensFrom } from '../e2e/fixtures.mjs';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 5;
const link = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 1.6e6 / 8 };

async function once(browser, base, token, identity) {
  const context = await browser.newContext({ viewport: { width: 1180, height: 820 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  await cdp.send('Network.emulateNetworkConditions', link);
  if (identity) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
  let bytes = 0;
  let scriptBytes = 0;
  const types = new Map();
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    if (types.get(e.requestId) === 'Script') scriptBytes += e.encodedDataLength;
  });
  const started = Date.now();
  await page.goto(`${base}/j/${token}`, { waitUntil: 'commit', timeout: 120_000 });
  await page.locator('[data-test=conn][data-status=online]').waitFor({ timeout: 120_000 });
  await page.locator('[data-test=checkin-card]').waitFor({ timeout: 120_000 });
  const usable = Date.now() - started;
  await context.close();
  return { usable, bytes, scriptBytes };
}

// The seed hearing served from a copy of client-web/dist, so that a rebuild during the runs changes nothing.
async function startHearing() {
  const tmp = tempDir('dais-bench-');
  const web = join(tmp.dir, 'web');
  const dist = args.includes('--web') ? args[args.indexOf('--web') + 1] : join(repoRoot, 'client-web', 'dist');
  cpSync(dist, web, { recursive: true });
  const db = join(tmp.dir, 'hearing.db');
  const tokensFile = join(tmp.dir, 'tokens.tsv');
  await run(['import', seedPath, '--db', db, '--tokens-out', tokensFile]);
  const server = await serve(['--db', db, '--web', web]);
  const tokens = tokensFrom(readFileSync(tokensFile, 'utf8'));
  return { ...server, tokens, close: async () => (await stop(server.child), tmp.remove()) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hearing = await startHearing();
const browser = await launchBrowser();
try {
  console.log(`first load at 1.6 Mbit/s, +150 ms per request, cache off, ${runs} runs each (median, min–max)`);
  const modes = args.includes('--identity') ? [false, true] : [false];
  for (const [role, id] of [['voter', 'v1'], ['questioner', 'q1']]) {
    for (const identity of modes) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await once(browser, hearing.base, hearing.tokens[id], identity));
      const ms = results.map((r) => r.usable);
      const kb = (n) => (n / 1024).toFixed(1);
      console.log(
        `${role.padEnd(10)} ${identity ? 'identity only' : 'accepts br   '}  usable ${median(ms)} ms (${Math.min(...ms)}–${Math.max(...ms)})  ` +
          `transferred ${kb(median(results.map((r) => r.bytes)))} KB, scripts ${kb(median(results.map((r) => r.scriptBytes)))} KB`,
      );
    }
  }
} finally {
  await browser.close();
  await hearing.close();
}
