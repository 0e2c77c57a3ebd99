#!/usr/bin/env bash
# `make test` after the install check: the whole suite, in two overlapping phases on the machine's cores.
#   1. the C++ build (cmake --build, printed as it goes) beside the web client's build (tools/build-web.sh);
#   2. ctest (printed as it goes) beside the web tests (tools/test-web.sh: Vitest and the browser tests).
# The web parts write to build/web-build.log and build/web-tests.log; each log is shown once ctest or the build
# beside it is done, the web tests' to their end as they go on. Closes with a summary of every part and exits
# non-zero when any part failed. JOBS sets the build's and ctest's parallelism (default: nproc).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jobs=${JOBS:-$(nproc)}
mkdir -p build
start=$SECONDS

# Children still running when this script stops early (an error, Ctrl-C) are stopped with it.
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# Prints a log file with a heading; with a pid, follows it until that process ends.
show_log() {
  local title=$1 file=$2 pid=${3:-}
  echo
  echo "== $title ($file) =="
  if [[ -n "$pid" ]]; then
    tail -n +1 --pid="$pid" -f "$file"
  else
    cat "$file"
  fi
}

# Runs `command…` in the background with its output in `log`, and its own duration in seconds in `log`.seconds
# (the wait for it measures only when the part beside it ended).
in_background() {
  local log=$1
  shift
  rm -f "$log.seconds"
  : >"$log"  # there before show_log follows it
  (
    started=$SECONDS
    "$@" >"$log" 2>&1 && rc=0 || rc=$?
    echo $((SECONDS - started)) >"$log.seconds"
    exit "$rc"
  ) &
}
seconds_of() { cat "$1.seconds" 2>/dev/null || echo 0; }

# Phase 1: the C++ build beside the web client's build.
t0=$SECONDS
in_background build/web-build.log tools/build-web.sh
web_build_pid=$!
pids+=("$web_build_pid")

build_rc=0
[[ -f build/default/CMakeCache.txt ]] || cmake --preset default >/dev/null || build_rc=$?
if ((build_rc == 0)); then
  cmake --build --preset default -j "$jobs" || build_rc=$?
fi
build_s=$((SECONDS - t0))

web_build_rc=0
wait "$web_build_pid" || web_build_rc=$?
pids=()
web_build_s=$(seconds_of build/web-build.log)
show_log "web client build" build/web-build.log

# Phase 2: ctest beside the web tests. Both need the C++ build (the browser tests run the dais binary).
ctest_rc=1 web_rc=1 ctest_line="not run: the C++ build failed" web_line="not run: the C++ build failed"
ctest_s=0 web_s=0
if ((build_rc == 0)); then
  t1=$SECONDS
  in_background build/web-tests.log tools/test-web.sh
  web_pid=$!
  pids+=("$web_pid")

  echo
  echo "== ctest =="
  set +e
  ctest --preset default -j "$jobs" 2>&1 | tee build/ctest.log
  ctest_rc=${PIPESTATUS[0]}
  set -e
  ctest_s=$((SECONDS - t1))
  ctest_line=$(grep -E 'tests passed, [0-9]+ tests? failed out of' build/ctest.log | tail -n 1 || true)
  [[ -n "$ctest_line" ]] || ctest_line="no summary (see above)"

  show_log "web tests: Vitest and the browser tests" build/web-tests.log "$web_pid"
  web_rc=0
  wait "$web_pid" || web_rc=$?
  pids=()
  web_s=$(seconds_of build/web-tests.log)
  web_line=$(tail -n 1 build/web-tests.log)
fi

status() { if (($1 == 0)); then echo ok; else echo FAILED; fi; }
echo
echo "== make test: summary =="
printf '%-22s %-7s %5d s\n' "C++ build" "$(status "$build_rc")" "$build_s"
printf '%-22s %-7s %5d s\n' "web client build" "$(status "$web_build_rc")" "$web_build_s"
printf '%-22s %-7s %5d s  %s\n' "ctest" "$(status "$ctest_rc")" "$ctest_s" "$ctest_line"
printf '%-22s %-7s %5d s  %s\n' "Vitest + browser tests" "$(status "$web_rc")" "$web_s" "$web_line"
if ((build_rc == 0 && web_build_rc == 0 && ctest_rc == 0 && web_rc == 0)); then
  echo "make test: passed in $((SECONDS - start)) s"
else
  echo "make test: FAILED in $((SECONDS - start)) s"
  exit 1
fi
