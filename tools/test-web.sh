#!/usr/bin/env bash
# The web client's tests: Vitest (unit and component tests), then the browser tests (playwright-core driving
# Debian's Chromium against a real `dais serve`). Closes with one "N passed, N failed" line over both.
# Needs the client built (tools/build-web.sh, run here) and the dais binary (DAIS_BIN, default build/default).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

tools/build-web.sh || { echo "0 passed, 1 failed"; exit 1; }
mkdir -p build
cd client-web

vitest_json="$root/build/vitest-results.json"
rm -f "$vitest_json" "$root/build/e2e-results.json"
npx --no-install vitest run --reporter=default --reporter=json --outputFile.json="$vitest_json"
vitest_rc=$?

node e2e/run.mjs
e2e_rc=$?

node -e '
  const fs = require("fs");
  const read = (f) => { try { return JSON.parse(fs.readFileSync(f, "utf8")); } catch { return null; } };
  const v = read(process.argv[1]);
  const e = read(process.argv[2]);
  // A runner that produced no report counts as one failure.
  const passed = (v ? v.numPassedTests : 0) + (e ? e.passed : 0);
  const failed = (v ? v.numFailedTests : 1) + (e ? e.failed : 1);
  console.log(`${passed} passed, ${failed} failed`);
' "$vitest_json" "$root/build/e2e-results.json"

[[ $vitest_rc -eq 0 && $e2e_rc -eq 0 ]]
