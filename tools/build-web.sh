#!/usr/bin/env bash
# Builds the web client into client-web/dist: `npm ci` when node_modules is missing or older than the lock file,
# then type-check, `vite build`, and a Brotli and a gzip copy of every text asset (scripts/compress-dist.mjs).
# Idempotent: when no input changed since the last build it does nothing.
set -euo pipefail
cd "$(dirname "$0")/../client-web"

hash_of() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

lock_hash=$(hash_of package-lock.json)
if [[ ! -f node_modules/.dais-lock-hash || "$(cat node_modules/.dais-lock-hash)" != "$lock_hash" ]]; then
  echo "build-web: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.dais-lock-hash
fi

# The protocol schemas are the source of truth for src/protocol/generated.ts; a stale copy fails `make test`.
if ! node scripts/gen-protocol-types.mjs --check; then
  echo "build-web: warning: run 'npm run gen' in client-web/ to regenerate the protocol types" >&2
fi
# protocol/codes.json likewise for src/protocol/codes.ts and the code tables of docs/protocol.md.
if ! node scripts/gen-codes.mjs --check; then
  echo "build-web: warning: run 'npm run gen' in client-web/ to regenerate the protocol codes" >&2
fi

inputs=$( (find src public -type f 2>/dev/null; ls index.html organize.html package.json package-lock.json tsconfig.json vite.config.ts scripts/compress-dist.mjs) | LC_ALL=C sort)
# shellcheck disable=SC2086
build_hash=$(hash_of $inputs)
if [[ -f dist/index.html && -f node_modules/.dais-build-hash && "$(cat node_modules/.dais-build-hash)" == "$build_hash" ]]; then
  echo "build-web: client-web/dist is up to date"
  exit 0
fi

echo "build-web: type-checking"
npx --no-install vue-tsc --noEmit -p tsconfig.json
echo "build-web: building client-web/dist"
npx --no-install vite build --logLevel warn
echo "build-web: precompressing (.br, .gz)"
node scripts/compress-dist.mjs dist
echo "$build_hash" > node_modules/.dais-build-hash
echo "build-web: done"
