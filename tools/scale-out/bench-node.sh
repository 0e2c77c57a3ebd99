#!/usr/bin/env bash
# One `dais serve --node` on PostgreSQL, measured with the load scenarios: what one node carries when its store
# is a database server (docs/scale-out.md). Starts a throwaway PostgreSQL 15 cluster on loopback (as the
# unprivileged user dais-pg: initdb refuses root), imports the bench hearing, starts the node, attaches
# dais-bench to it, and stops everything.
#   tools/scale-out/bench-node.sh [VOTERS] [SCENARIOS]      default 2000 and vote-wave,fanout
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build/default}
voters=${1:-2000}
scenarios=${2:-vote-wave,fanout}
bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/dais-node-bench-XXXXXX)
chmod 755 "$dir"
id -u dais-pg >/dev/null 2>&1 || useradd --system --no-create-home dais-pg
mkdir -p "$dir/pg" && chown dais-pg "$dir/pg"
as_owner() { if [[ $(id -u) == 0 ]]; then runuser -u dais-pg -- "$@"; else "$@"; fi; }
pg_port=$(( 20000 + RANDOM % 20000 ))
node_port=$(( 40000 + RANDOM % 20000 ))
server_pid=
cleanup() {
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  as_owner "$bin/pg_ctl" stop -m fast -w -D "$dir/pg/data" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_owner "$bin/initdb" -D "$dir/pg/data" -U dais --auth=trust --no-sync >/dev/null
as_owner "$bin/pg_ctl" start -w -D "$dir/pg/data" -l "$dir/pg/log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$dir/pg -c fsync=on" >/dev/null
"$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U dais bench
url="postgresql://dais@127.0.0.1:$pg_port/bench"

"$build/tools/bench/dais-bench" make-hearing --voters "$voters" --out "$dir/hearing.json"
"$build/server/app/dais" import --db "$url" --tokens-out "$dir/tokens" "$dir/hearing.json" >/dev/null
ulimit -n "$(ulimit -Hn)"
export DAIS_RATE_PER_S=1000 DAIS_RATE_BURST=1000
"$build/server/app/dais" serve --db "$url" --node n1 --bind 127.0.0.1 --port "$node_port" > "$dir/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$dir/serve.log" && break; sleep 0.1; done
grep -q "listening on" "$dir/serve.log" || { cat "$dir/serve.log"; exit 1; }
"$build/tools/bench/dais-bench" run --url "ws://127.0.0.1:$node_port/ws" --pid "$server_pid" \
  --tokens "$dir/tokens" --voters "$voters" --scenarios "$scenarios"
