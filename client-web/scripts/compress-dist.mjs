#!/usr/bin/env node
// Writes a Brotli (.br) and a gzip (.gz) copy next to every text asset of client-web/dist, once at build time,
// so that `dais serve` sends the smaller one to a browser that accepts it without compressing per request
// (server/net/static_files.cpp). A copy that would not be smaller is not written: the server then sends the
// file itself. Usage: node scripts/compress-dist.mjs [dist-dir]
import { readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

const dist = resolve(process.argv[2] ?? 'dist');
const compressible = /\.(html|js|mjs|css|svg|json|txt|webmanifest|map)$/i;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

let plain = 0;
let br = 0;
for (const path of [...files(dist)]) {
  if (!compressible.test(path)) continue;
  const body = readFileSync(path);
  const variants = [
    ['.br', brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })],
    ['.gz', gzipSync(body, { level: 9 })],
  ];
  plain += body.length;
  for (const [suffix, packed] of variants) {
    if (packed.length < body.length) writeFileSync(path + suffix, packed);
    else rmSync(path + suffix, { force: true });
    if (suffix === '.br') br += Math.min(packed.length, body.length);
  }
}
console.log(`compress-dist: ${(plain / 1024).toFixed(0)} KB of text assets, ${(br / 1024).toFixed(0)} KB as Brotli`);
