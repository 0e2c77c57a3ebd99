#!/usr/bin/env bash
# `make bench`: the load scenarios against a real `dais serve` on loopback (BENCH_VOTERS tablets, default 2,000)
# and the larger crash loop. Reports go to build/bench-results/. docs/benchmarks.md explains every figure.
#   BENCH_VOTERS=10000 make bench     the full-hall size
#   BENCH_SCENARIOS=fanout,burst      a subset
#   BENCH_SOAK_VOTERS, BENCH_SOAK_ROUNDS   the soak: every tablet joins and vanishes at once, round after round,
#                                          against one server (default 2000 tablets, 10 rounds)
#   BENCH_CRASH_VOTERS, BENCH_CRASH_ROUNDS   the crash loop's size (default 1000 voters, 40 kills)
#   BENCH_FAILOVER_VOTERS, BENCH_FAILOVER_KILLS   the failover run on 3 nodes behind HAProxy (default 10000
#                                                 voters, 20 kills; fewer voters when the file descriptor limit
#                                                 cannot hold two HAProxy connections per tablet)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build/default}
voters=${BENCH_VOTERS:-2000}
scenarios=${BENCH_SCENARIOS:-checkin-rush,vote-wave,fanout,fanout-beast,burst,reconnect-storm,slow-consumers}
# The fan-out target is relative to a bare Beast server in the same run: fanout-beast follows fanout wherever
# the list names fanout alone.
if [[ ",$scenarios," == *,fanout,* && ",$scenarios," != *,fanout-beast,* ]]; then
  scenarios=$(sed -E 's/(^|,)fanout(,|$)/\1fanout,fanout-beast\2/' <<<"$scenarios")
fi
results=build/bench-results
mkdir -p "$results"
ulimit -n "$(ulimit -Hn)"

# The chair's burst is 50 commands back to back, faster than a person can tap: lift the per-connection request
# rate for the bench only (tablets send one request each and never come near the default of 20/s).
export DAIS_RATE_PER_S=1000 DAIS_RATE_BURST=1000

start=$(date +%s)
"$build/tools/bench/dais-bench" run --dais "$build/server/app/dais" --voters "$voters" --scenarios "$scenarios" \
  --json "$results/load-$voters.json"
echo "bench: load scenarios took $(( $(date +%s) - start )) s; JSON in $results/load-$voters.json"

# The soak: the whole hall joins and then vanishes at once (sockets reset, no close frame), ten times against one
# server; it must stay up and its RSS after the last round be within 10 % of the first round's.
soak_voters=${BENCH_SOAK_VOTERS:-2000}
start=$(date +%s)
"$build/tools/bench/dais-bench" run --dais "$build/server/app/dais" --voters "$soak_voters" --scenarios soak \
  --soak-rounds "${BENCH_SOAK_ROUNDS:-10}" --json "$results/soak-$soak_voters.json"
echo "bench: soak took $(( $(date +%s) - start )) s; JSON in $results/soak-$soak_voters.json"

start=$(date +%s)
"$build/tools/bench/dais-bench" crash-loop --dais "$build/server/app/dais" \
  --voters "${BENCH_CRASH_VOTERS:-1000}" --rounds "${BENCH_CRASH_ROUNDS:-40}" --seed 11
echo "bench: crash loop took $(( $(date +%s) - start )) s"

# Three nodes on PostgreSQL behind HAProxy (tools/scale-out/haproxy.cfg): the node serving the hearing is killed
# 20 times during the vote (docs/benchmarks.md, Failover). HAProxy holds two connections per tablet, and this
# shell's hard file descriptor limit bounds them: with a limit of 20,000 that is about 9,900 tablets.
fd_room=$(( ($(ulimit -Hn) - 200) / 2 - 10 ))
failover_voters=${BENCH_FAILOVER_VOTERS:-$(( fd_room < 10000 ? fd_room : 10000 ))}
start=$(date +%s)
"$build/tools/bench/dais-bench" failover --dais "$build/server/app/dais" --nodes 3 \
  --voters "$failover_voters" --kills "${BENCH_FAILOVER_KILLS:-20}" --seed 13 | tee "$results/failover.txt"
echo "bench: failover took $(( $(date +%s) - start )) s"

# The durable store on its own: commits/s and votes/s, single and batched, and reopening 1,000,000 events
# (docs/storage.md).
start=$(date +%s)
"$build/tools/bench-store/dais-bench-store" | tee "$results/store.txt"
echo "bench: store figures took $(( $(date +%s) - start )) s"
