// The pieces every browser test needs: a real `dais serve` on 127.0.0.1 with a fresh database, Debian's
// Chromium driven by playwright-core, and one isolated browser context per participant.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const screenshotDir = join(repoRoot, 'build', 'screenshots');

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function daisBinary() {
  const bin = process.env.DAIS_BIN ?? join(repoRoot, 'build', 'default', 'server', 'app', 'dais');
  if (!existsSync(bin)) throw new Error(`no dais binary at ${bin} (build it first: make build)`);
  return bin;
}

// Runs a dais subcommand to completion and returns its output.
export function run(args, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(daisBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise({ out, err });
      else reject(new Error(`dais ${args[0]} exited ${code}: ${err || out}`));
    });
  });
}

// Starts `dais serve --port 0` and resolves once it says where it listens. `lines` collects everything it
// prints, for the join links and for diagnosing a failure.
export function serve(args, { timeoutMs = 30_000, port = 0 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(daisBinary(), ['serve', '--bind', '127.0.0.1', '--port', String(port), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = [];
    let settled = false;
    const timer = setTimeout(() => fail(new Error(`dais serve said nothing usable in ${timeoutMs} ms:\n${lines.join('\n')}`)), timeoutMs);
    function fail(e) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(e);
    }
    function onLine(line) {
      lines.push(line);
      const m = /https?:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (m && !settled && Number(m[1]) > 0) {
        settled = true;
        clearTimeout(timer);
        resolvePromise({ child, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}`, lines });
      }
    }
    for (const stream of [child.stdout, child.stderr]) {
      let buf = '';
      stream.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
    }
    child.on('exit', (code) => fail(new Error(`dais serve exited ${code}:\n${lines.join('\n')}`)));
  });
}

export function stop(child) {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once('exit', () => resolvePromise());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: chromiumArgs, headless: true });
}

// One device = one isolated context (own storage, own network switch) opened on `url`, as a phone scanning a
// card would. Every wait in it is bounded, so a broken page fails instead of hanging. bypassCSP lets a test
// inject a script of its own (axe) into pages whose policy forbids inline scripts.
export async function openLink(
  browser,
  url,
  { viewport = { width: 1280, height: 860 }, locale = 'zh-CN', bypassCSP = false } = {},
) {
  const context = await browser.newContext({ viewport, locale, deviceScaleFactor: 1, bypassCSP });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.locator('[data-test=conn][data-status=online]').waitFor();
  return { context, page, errors };
}

// A participant on their join link, with `query` after it (e.g. `?shared=1`).
export async function joinAs(browser, base, token, { query = '', ...options } = {}) {
  return openLink(browser, `${base}/j/${token}${query}`, options);
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

export class AssertionError extends Error {}
export function expect(cond, message) {
  if (!cond) throw new AssertionError(message);
}
export function expectEqual(actual, expected, message) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
