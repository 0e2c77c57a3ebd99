#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets (tests/fuzz/targets) with clang, ASan and UBSan in build/fuzz and runs
# each for FUZZ_SECONDS (default 60) from the seeds in tests/fuzz/corpus. An input that breaks an invariant is
# copied to tests/fuzz/crashes/<target>/, where the normal suite (dais_fuzz_tests) replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-60}
build=build/fuzz
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$flags" \
  -DDAIS_FUZZ=ON -DDAIS_BUILD_BENCH=OFF -DDAIS_WARNINGS_AS_ERRORS=OFF >/dev/null
cmake --build "$build" --target dais_fuzz_decode dais_fuzz_engine -j "${JOBS:-$(nproc)}"

declare -A max_len=([decode]=65536 [engine]=4096)
status=0
for target in decode engine; do
  corpus="$build/corpus/$target" artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz: $target for ${seconds} s"
  # New inputs go to the first corpus directory (build/), the seeds in tests/ are only read.
  if "$build/tests/fuzz/dais_fuzz_$target" "$corpus" "tests/fuzz/corpus/$target" -max_total_time="$seconds" \
      -max_len="${max_len[$target]}" -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$artifacts/" \
      -print_final_stats=1 >"$build/$target.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/$target.log" | sed "s/^/  $target /"
  else
    status=1
    echo "fuzz: $target broke an invariant (log: $build/$target.log):"
    grep -E 'invariant broken|ERROR: (Address|Undefined|libFuzzer)|runtime error' "$build/$target.log" | head -5
    for f in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
      [[ -e "$f" ]] || continue
      cp "$f" "tests/fuzz/crashes/$target/"
      echo "  saved tests/fuzz/crashes/$target/$(basename "$f"): fix the bug, keep the file"
    done
  fi
done
exit $status
