// Every error the server can send reads as a sentence in both languages: the codes and the requests are taken
// from the protocol's schemas, so a new code or command without words fails here.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { followHearingLocale, i18n, setLocale } from '../src/i18n';
import type { Locale } from '../src/i18n';
import { errorText } from '../src/lib/errors';

const messagesDir = join(__dirname, '..', '..', 'protocol', 'messages');
const schema = (file: string) => JSON.parse(readFileSync(join(messagesDir, file), 'utf8'));

// The one list of codes on the wire.
const codes: string[] = schema('error.schema.json').properties.code.enum;
// The client's requests: every message the server does not send.
const requests: string[] = readdirSync(messagesDir)
  .filter((f) => f.endsWith('.schema.json'))
  .map(schema)
  .filter((s) => !/Sent by: the server\./.test(s.description))
  .map((s) => s.properties.type.const);

const locales: Locale[] = ['zh-CN', 'en'];
function inLocale<T>(locale: Locale, fn: () => T): T {
  i18n.global.locale.value = locale;
  return fn();
}
afterEach(() => {
  i18n.global.locale.value = 'zh-CN';
});

describe('server errors in the reader language', () => {
  it('reads the lists from the protocol', () => {
    expect(codes).toContain('no_quorum');
    expect(codes.length).toBeGreaterThanOrEqual(19);
    expect(requests).toContain('call_slot');
    expect(requests).toContain('hello');
    expect(requests).not.toContain('welcome');
  });

  it('has words for every error code and every request in zh-CN and en', () => {
    for (const locale of locales) {
      const missing = [
        ...codes.filter((c) => !i18n.global.te(`error.${c}`, locale)).map((c) => `error.${c}`),
        ...requests.filter((r) => !i18n.global.te(`action.${r}`, locale)).map((r) => `action.${r}`),
      ];
      expect(missing, locale).toEqual([]);
    }
  });

  it('says every code of every request in Chinese without an English word', () => {
    inLocale('zh-CN', () => {
      for (const code of codes) {
        for (const request of [undefined, ...requests]) {
          const text = errorText({ code, field: '/slot' }, request);
          expect(text, `${code} ${request}`).not.toMatch(/[A-Za-z]/);
        }
      }
    });
  });

  it('names the refused command by its action, never by its type', () => {
    const err = { code: 'not_allowed', params: { command: 'call_slot' } };
    expect(inLocale('zh-CN', () => errorText(err, 'call_slot'))).toBe('您无权呼叫述职人');
    expect(inLocale('en', () => errorText(err, 'call_slot'))).toBe(
      'Your roles do not permit you to call the presenter',
    );
  });

  it('gives the quorum numbers', () => {
    const err = { code: 'no_quorum', params: { present: 0, expected: 150, needed: 100 } };
    expect(inLocale('zh-CN', () => errorText(err, 'start_session'))).toBe(
      '未达法定人数：应到 150 人，实到 0 人，须到 100 人方可开会',
    );
    expect(inLocale('en', () => errorText(err, 'start_session'))).toBe(
      'No quorum: 0 of 150 expected voters are present; 100 are needed to start',
    );
  });

  it('says how many sheets an anonymous count needs', () => {
    const err = { code: 'too_few_sheets', params: { sheets: 4, k: 5 } };
    expect(inLocale('zh-CN', () => errorText(err, 'close_ballot'))).toBe(
      '结束测评未成功：仅收回 4 张：匿名测评至少收回 5 张才能计票，请等待或作废重投',
    );
    expect(inLocale('en', () => errorText(err))).toBe(
      'Only 4 sheet(s) in: an anonymous ballot is counted from 5 sheets on; wait for more or void and rerun',
    );
  });

  it('says which action failed and on what field', () => {
    const err = { code: 'wrong_stage', field: '/slot' };
    expect(inLocale('zh-CN', () => errorText(err, 'call_slot'))).toBe('呼叫述职人未成功：当前环节不允许此操作（议程）');
    expect(inLocale('en', () => errorText({ code: 'invalid', field: '/due' }, 'record_commitment'))).toMatch(
      /^Could not record the commitment: .+ \(due date\)$/,
    );
  });

  it('never shows an unknown code or field as it came', () => {
    const text = inLocale('zh-CN', () => errorText({ code: 'new_code_9', field: '/mystery' }, 'not_a_request'));
    expect(text).toBe('操作未成功');
  });
});

describe('the hearing language', () => {
  afterEach(() => localStorage.clear());

  it('is the language of a device that has not chosen one', () => {
    localStorage.clear();
    followHearingLocale('en');
    expect(i18n.global.locale.value).toBe('en');
    followHearingLocale('en-GB');
    expect(i18n.global.locale.value).toBe('en');
    followHearingLocale('zh-CN');
    expect(i18n.global.locale.value).toBe('zh-CN');
    followHearingLocale(undefined);
    expect(i18n.global.locale.value).toBe('zh-CN');
  });

  it('gives way to the choice made on the device', () => {
    setLocale('zh-CN');
    followHearingLocale('en');
    expect(i18n.global.locale.value).toBe('zh-CN');
  });
});
