import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '../src/i18n/en';
import zhCN from '../src/i18n/zh-CN';

function keys(obj: unknown, prefix = ''): string[] {
  if (typeof obj !== 'object' || obj === null) return [prefix];
  return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}
function has(obj: unknown, key: string): boolean {
  let cur = obj as Record<string, unknown> | undefined;
  for (const part of key.split('.')) {
    if (typeof cur !== 'object' || cur === null || !(part in cur)) return false;
    cur = cur[part] as Record<string, unknown>;
  }
  return typeof cur === 'string';
}
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(vue|ts)$/.test(f) ? [p] : [];
  });
}
function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

const src = join(__dirname, '..', 'src');

describe('i18n', () => {
  it('has the same keys in zh-CN and en', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });

  it('has the same placeholders in both languages', () => {
    for (const k of keys(zhCN)) {
      const get = (o: unknown) => k.split('.').reduce((a: any, p) => a[p], o) as string;
      expect(placeholders(get(en)), k).toEqual(placeholders(get(zhCN)));
    }
  });

  it('has every literal key the code uses, in both languages', () => {
    const used = new Set<string>();
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\$?\bt\(\s*'([a-zA-Z][\w.]*\w)'\s*[,)]/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((k) => !has(zhCN, k) || !has(en, k));
    expect(missing).toEqual([]);
  });

  it('has every key built from a domain value, in both languages', () => {
    const families: Record<string, string[]> = {
      stage: ['waiting', 'reporting', 'questioning', 'evaluating', 'done', 'skipped'],
      phase: ['draft', 'check_in', 'in_session', 'paused', 'adjourned'],
      role: ['chair', 'secretary', 'presenter', 'questioner', 'voter', 'display', 'scrutineer'],
      'inquiry.status': ['submitted', 'approved', 'rejected', 'asking', 'answered', 'withdrawn'],
      'chair.ballots.status': ['pending', 'open', 'closed', 'published', 'voided'],
      conn: ['online', 'connecting', 'offline', 'rejected'],
      timer: ['report', 'qa'],
      'voter.state': ['not_voted', 'pending', 'sending', 'confirmed', 'changed', 'closed', 'failed', 'votedElsewhere'],
      'chair.tabs': ['run', 'inquiries', 'ballots', 'checkin', 'codes'],
      // the client's own error codes; the server's are checked against the protocol in errors.test.ts
      error: ['disconnected', 'timed_out', 'unknown'],
    };
    for (const [family, values] of Object.entries(families)) {
      for (const v of values) {
        expect(has(zhCN, `${family}.${v}`), `zh-CN ${family}.${v}`).toBe(true);
        expect(has(en, `${family}.${v}`), `en ${family}.${v}`).toBe(true);
      }
    }
  });
});
