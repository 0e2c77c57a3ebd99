// Every word in the reader's language: a refusal from the server reads as a sentence in Chinese (or English),
// with its numbers, never as the server's English message or a command's type.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, joinAs, launchBrowser, repoRoot, run, screenshot, serve, stop, tempDir } from './harness.mjs';
import { seedPath, startHearing, tokensFrom } from './fixtures.mjs';

// The e2e hearing with settings.locale "en", served from a fresh file.
async function startEnglishHearing() {
  const tmp = tempDir('dais-e2e-en-');
  const seed = JSON.parse(readFileSync(seedPath, 'utf8'));
  seed.settings.locale = 'en';
  const definition = join(tmp.dir, 'hearing-en.json');
  writeFileSync(definition, JSON.stringify(seed));
  const db = join(tmp.dir, 'hearing.db');
  const tokensFile = join(tmp.dir, 'tokens.tsv');
  await run(['import', definition, '--db', db, '--tokens-out', tokensFile]);
  const tokens = tokensFrom(readFileSync(tokensFile, 'utf8'));
  const served = await serve(['--db', db, '--web', join(repoRoot, 'client-web', 'dist')]);
  return {
    ...served,
    tokens,
    async close() {
      await stop(served.child);
      tmp.remove();
    },
  };
}

// The chair presses "start" with nobody checked in. The console keeps that button disabled without quorum; a
// console whose view is behind can still send it, and then the server's refusal is what the chair reads.
async function quorumRefusalInTheChairsLanguage() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const { page } = await joinAs(browser, hearing.base, hearing.tokens.chair, { viewport: { width: 1600, height: 1000 } });
    await page.click('[data-test=open-check-in]');
    await page.locator('[data-test=phase][data-phase=check_in]').waitFor();
    const start = page.locator('[data-test=start-session]');
    const press = async () => {
      await start.evaluate((b) => b.removeAttribute('disabled'));
      await start.click();
    };
    await press();
    // The e2e hearing expects 6 voters; two thirds of them is 4.
    const zh = page.locator('[data-test=toast]', { hasText: '未达法定人数' });
    await zh.waitFor();
    const text = await zh.innerText();
    expect(text.includes('应到 6 人') && text.includes('实到 0 人') && text.includes('须到 4 人'), `numbers: ${text}`);
    expect(!/[A-Za-z]/.test(text), `no English word: ${text}`);
    await screenshot(page, 'language-quorum-zh');

    await page.click('[data-test=lang]');
    await press();
    const en = page.locator('[data-test=toast]', { hasText: 'No quorum' });
    await en.waitFor();
    const english = await en.innerText();
    expect(english.includes('0 of 6 expected voters') && english.includes('4 are needed'), `numbers: ${english}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// A link the server does not know: the explanation under "rejected" is in Chinese too.
async function refusedLinkExplainedInChinese() {
  const hearing = await startHearing();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${hearing.base}/j/not-a-real-token-000000000`);
    const card = page.locator('[data-test=rejected]');
    await card.waitFor();
    await card.locator('text=未授权').waitFor();
    const text = await card.innerText();
    expect(!/[A-Za-z]/.test(text), `no English word: ${text}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

// An English hearing: a device that has not chosen a language opens in English, and the minutes and the CSV the
// chair downloads are in English.
async function englishHearingSpeaksEnglish() {
  const hearing = await startEnglishHearing();
  const browser = await launchBrowser();
  try {
    const { page } = await joinAs(browser, hearing.base, hearing.tokens.chair);
    await page.locator('[data-test=conn]', { hasText: 'Connected' }).waitFor();
    const auth = { headers: { Authorization: `Bearer ${hearing.tokens.chair}` } };
    const minutes = await (await fetch(`${hearing.base}/api/minutes.html`, auth)).text();
    expect(minutes.includes('<html lang="en">') && minutes.includes('Agenda') && minutes.includes('waiting'), 'English minutes');
    expect(!minutes.includes('议程') && !minutes.includes('应到'), 'no Chinese label in the English minutes');
    const csv = await (await fetch(`${hearing.base}/api/results.csv`, auth)).text();
    expect(csv.replace(/^\uFEFF/, '').startsWith('Ballot,Ballot title,Status,'), `English CSV header: ${csv.slice(0, 60)}`);
  } finally {
    await browser.close();
    await hearing.close();
  }
}

export const tests = [
  { name: 'language: a quorum refusal reads in the chair language with its numbers', fn: quorumRefusalInTheChairsLanguage },
  { name: 'language: a refused link is explained in Chinese', fn: refusedLinkExplainedInChinese },
  { name: 'language: an English hearing opens in English and writes its minutes and CSV in English', fn: englishHearingSpeaksEnglish },
];
