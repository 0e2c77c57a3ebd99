// The view sections' schemas (protocol/views) against docs/protocol.md: every member a section's schema names
// appears in that section's line of the Views listing, so the doc cannot fall behind the wire. The types the
// client reads are generated from the same schemas (generated.ts).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BallotView, HearingSection, Sections } from '../src/protocol/view';
import { sectionNames } from '../src/protocol/view';

const root = join(__dirname, '..', '..');
const views = join(root, 'protocol', 'views');

type Schema = { properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean; anyOf?: Schema[]; $defs?: Record<string, Schema> };

// The member names a schema declares itself (its properties, nested objects and its own $defs), without
// following references to other files.
function members(schema: Schema, out = new Set<string>()): Set<string> {
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    out.add(name);
    members(sub, out);
  }
  if (schema.items) members(schema.items, out);
  if (typeof schema.additionalProperties === 'object') members(schema.additionalProperties, out);
  for (const alt of schema.anyOf ?? []) members(alt, out);
  for (const def of Object.values(schema.$defs ?? {})) members(def, out);
  return out;
}

// The listing under "## Views": section name → its lines, up to the next section's.
function listing(): Map<string, string> {
  const doc = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');
  const viewsPart = doc.slice(doc.indexOf('\n## Views'), doc.indexOf('\n### The big screen'));
  const block = viewsPart.slice(viewsPart.indexOf('```\nhearing'), viewsPart.lastIndexOf('```'));
  const out = new Map<string, string>();
  let current = '';
  for (const line of block.split('\n')) {
    const start = /^([a-z]+) +\{/.exec(line);
    if (start) current = start[1];
    if (current) out.set(current, (out.get(current) ?? '') + line + '\n');
  }
  return out;
}

describe('view section schemas', () => {
  const files = readdirSync(views).filter((f) => f.endsWith('.schema.json'));

  it('exist for every section and me', () => {
    expect(files.map((f) => f.replace('.schema.json', '')).sort()).toEqual([...sectionNames, 'me'].sort());
  });

  it('name only members that docs/protocol.md lists for the section', () => {
    const doc = listing();
    for (const file of files) {
      const section = file.replace('.schema.json', '');
      const text = doc.get(section);
      expect(text, `docs/protocol.md lists no ${section} section`).toBeTruthy();
      const schema = JSON.parse(readFileSync(join(views, file), 'utf8')) as Schema;
      const missing = [...members(schema)].filter((m) => !new RegExp(`\\b${m}\\b`).test(text!));
      expect(missing, `${section}: members missing from docs/protocol.md`).toEqual([]);
    }
  });

  it('describe what the hand-written types lacked: hearing.rules and named ballots sheets', () => {
    const rules: keyof HearingSection = 'rules';
    const sheets: keyof BallotView = 'sheets';
    const sections: Array<keyof Sections> = ['hearing', 'ballots'];
    expect([rules, sheets, ...sections]).toEqual(['rules', 'sheets', 'hearing', 'ballots']);
  });
});
