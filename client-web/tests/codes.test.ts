import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module script without types
import { codesPath, docPath, generateDoc, generateTs, readCodes, tsPath } from '../scripts/gen-codes.mjs';
import { CLOSE_CODES, ERROR_CODES, FINAL_CLOSE_CODES, FINAL_ERROR_CODES } from '../src/protocol/codes';

describe('protocol codes', () => {
  it('src/protocol/codes.ts and the tables of docs/protocol.md match protocol/codes.json (`npm run gen`)', () => {
    expect(readFileSync(tsPath, 'utf8')).toBe(generateTs());
    expect(readFileSync(docPath, 'utf8')).toBe(generateDoc());
  });

  it('list every code of the error schema, and the schema no other', () => {
    const schema = JSON.parse(readFileSync(join(codesPath, '..', 'messages', 'error.schema.json'), 'utf8'));
    expect([...ERROR_CODES]).toEqual(schema.properties.code.enum);
  });

  it('say which refusals are final and which close codes say them', () => {
    expect([...FINAL_ERROR_CODES].sort()).toEqual(['revoked', 'unauthorized', 'version_mismatch']);
    expect(FINAL_CLOSE_CODES.get(CLOSE_CODES.unauthorized)).toBe('unauthorized');
    expect(FINAL_CLOSE_CODES.has(CLOSE_CODES.too_slow)).toBe(false);
    expect(CLOSE_CODES.elsewhere).toBe(4012);
  });

  it('fail to write the doc when its markers are gone', () => {
    expect(() => generateDoc('# no markers\n', readCodes())).toThrow(/markers/);
  });
});
