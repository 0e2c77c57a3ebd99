// protocol/screens.json says which sections each role's screen shows; the server sends a role nothing else.
// Here each row is checked against the source of the role's view: every section the view reads (through
// state/select.ts or session.view.sections directly, in the view and every component it imports) is in the
// row — or the screen would show a section that never arrives — and the row holds nothing the view never reads.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(__dirname, '..', 'src');
const table = JSON.parse(readFileSync(join(__dirname, '..', '..', 'protocol', 'screens.json'), 'utf8')) as {
  parts: Record<string, string>;
  roles: Record<string, string[]>;
};
const SECTIONS = ['hearing', 'attendance', 'agenda', 'inquiries', 'ballots', 'tally', 'results'];
const ROLES = ['chair', 'secretary', 'presenter', 'questioner', 'voter', 'display', 'scrutineer'];

// The view each role opens (App.vue: the chair console serves the secretary too).
const ENTRY: Record<string, string> = {
  chair: 'views/ChairView.vue',
  secretary: 'views/ChairView.vue',
  scrutineer: 'views/ScrutineerView.vue',
  display: 'views/DisplayView.vue',
  presenter: 'views/PresenterView.vue',
  questioner: 'views/QuestionerView.vue',
  voter: 'views/VoterView.vue',
};
// The frame around every view reads these only for the badge on the voter tab, shown to voters alone.
const FRAME_VOTER_ONLY = new Set(['openBallots', 'votedOn']);
// The session machinery keeps whatever arrives; it is no screen.
const MACHINERY = new Set(['state/session.ts', 'state/reducer.ts', 'state/select.ts']);

function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

function directReads(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/view\.sections\??\.(\w+)/g)) out.add(m[1]);
  // A ballot's counts: ballots.items[].turnout (and results' own turnout, which only counting screens read).
  if (/\.turnout\b/.test(text)) out.add('ballots.turnout');
  // The current slot's commitments under review: agenda.review.
  if (/sections\??\.agenda\??\.review\b/.test(text)) out.add('agenda.review');
  return out;
}

// What each top-level helper of state/select.ts reads, following the helpers it uses (a name after a dot is a
// member and a name before a colon a key, not a helper: `tally?.ballots`, `{ slots: [] }`).
function selectReads(): Map<string, Set<string>> {
  const text = code(join(src, 'state', 'select.ts'));
  const starts = [...text.matchAll(/^(?:export )?(?:const|function) (\w+)/gm)];
  const bodies = new Map<string, string>();
  starts.forEach((m, i) => bodies.set(m[1], text.slice(m.index, starts[i + 1]?.index)));
  const reads = (name: string, path: Set<string>): Set<string> => {
    const body = bodies.get(name) ?? '';
    const out = directReads(body);
    path.add(name);
    for (const other of bodies.keys()) {
      if (path.has(other) || !new RegExp(`(?<![.\\w$])${other}\\b(?!\\s*:)`).test(body)) continue;
      for (const s of reads(other, path)) out.add(s);
    }
    path.delete(name);
    return out;
  };
  return new Map([...bodies.keys()].map((name) => [name, reads(name, new Set())]));
}
const helpers = selectReads();

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && /\.(ts|vue)$/.test(candidate)) return candidate;
  }
  return null;
}

// The sections a file reads, with every file it imports (but not the session machinery).
function fileReads(entry: string, skip: Set<string> = new Set()): Set<string> {
  const out = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = code(file);
    for (const s of directReads(text)) out.add(s);
    for (const m of text.matchAll(/import\s+(type\s+)?([\s\S]*?)\s+from\s+'([^']+)'/g)) {
      if (m[1]) continue;
      const target = resolveImport(file, m[3]);
      if (!target) continue;
      const rel = relative(src, target);
      if (rel === join('state', 'select.ts')) {
        const names = (m[2].match(/\{([\s\S]*)\}/)?.[1] ?? '').split(',').map((n) => n.trim().replace(/^type\s+/, ''));
        for (const name of names.filter((n) => n && !skip.has(n))) {
          for (const s of helpers.get(name) ?? []) out.add(s);
        }
      } else if (!MACHINERY.has(rel) && !rel.startsWith('i18n') && !rel.startsWith('net')) {
        visit(target);
      }
    }
  };
  visit(join(src, entry));
  return out;
}

function readsOf(role: string): string[] {
  const out = fileReads(ENTRY[role]);
  const frame = fileReads('App.vue', role === 'voter' ? new Set() : FRAME_VOTER_ONLY);
  for (const s of frame) out.add(s);
  return [...out].sort();
}

describe('the table of what each screen shows (protocol/screens.json)', () => {
  it('names real sections and parts, and has a row for every role', () => {
    expect(Object.keys(table.roles).sort()).toEqual([...ROLES].sort());
    for (const part of Object.keys(table.parts)) expect(SECTIONS).toContain(part.split('.')[0]);
    for (const row of Object.values(table.roles)) {
      for (const item of row) expect([...SECTIONS, ...Object.keys(table.parts)]).toContain(item);
    }
  });

  it('finds what the helpers read', () => {
    expect([...(helpers.get('tallyOf') ?? [])]).toEqual(['tally']);
    expect([...(helpers.get('ballotTitle') ?? [])].sort()).toEqual(['agenda', 'hearing']);
    expect([...(helpers.get('openBallots') ?? [])]).toEqual(['ballots']);
  });

  for (const role of ROLES) {
    it(`holds exactly what the ${role}'s screen reads`, () => {
      expect([...table.roles[role]].sort()).toEqual(readsOf(role));
    });
  }

  it('sends a voter tablet no count', () => {
    for (const counted of ['tally', 'ballots.turnout', 'results', 'attendance']) {
      expect(table.roles.voter).not.toContain(counted);
    }
  });
});
