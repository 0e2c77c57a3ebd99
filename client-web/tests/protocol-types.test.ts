import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { generate, outputPath } from '../scripts/gen-protocol-types.mjs';

describe('generated protocol types', () => {
  it('match the protocol schemas (run `npm run gen` in client-web/ after changing a schema)', () => {
    expect(readFileSync(outputPath, 'utf8')).toBe(generate());
  });

  it('cover the messages the client sends and receives', () => {
    const text = generate();
    for (const t of ['hello', 'welcome', 'update', 'ack', 'error', 'cast_sheet', 'issue_tokens']) {
      expect(text).toContain(`  ${t}: `);
    }
  });
});
