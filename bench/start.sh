#!/usr/bin/env bash
# How long the split shop takes to start (./shop --services: the supervisor's "starting" to its
# "started: running", from its log), this checkout against a baseline checkout of another commit,
# alternating in one run. A fresh data directory each start (the embedded PostgreSQL server's
# initdb is before "starting" and not counted); no class-data archives, as a first start.
#
#   BASE=/path/to/baseline/checkout bench/start.sh      # e.g. git worktree add /tmp/base <commit>
#   ROUNDS=3 PORT=18080
# Prints each start and the medians, and current / baseline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${BASE:?set BASE to a checkout of the baseline commit}"
rounds="${ROUNDS:-3}"
port="${PORT:-18080}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
work="$(mktemp -d)"
trap 'pkill -f "$work" 2>/dev/null || true; rm -rf "$work"' EXIT

start_once() { # checkout label -> seconds
    local checkout="$1" data="$work/data-$2-$RANDOM" log="$work/$2.log"
    local state="$data-state"
    "$checkout/shop" --services --set=app.data-dir=\""$data"\" --set=multi.state-dir=\""$state"\" \
        --set=listeners.web=127.0.0.1:"$port" \
        --set=multi.class-data-sharing=false > "$log" 2>&1 &
    local shop=$!
    for _ in $(seq 1 900); do
        grep -q "started: running" "$log" 2>/dev/null && break
        kill -0 "$shop" 2>/dev/null || { echo "the shop exited while starting; see its log:" >&2; tail -5 "$log" >&2; exit 1; }
        sleep 0.2
    done
    kill "$shop" 2>/dev/null || true  # SIGTERM: the supervisor stops its children
    wait "$shop" 2>/dev/null || true
    pkill -9 -f "$data" 2>/dev/null || true
    python3 - "$log" <<'PY'
import re, sys, datetime
lines = open(sys.argv[1]).read().splitlines()
def at(text):
    for l in lines:
        if ' supervisor ' in l and text in l:
            return datetime.datetime.fromisoformat(l.split(' ')[0].replace('Z', '+00:00'))
    raise SystemExit("no '%s' in the supervisor's log" % text)
print("%.1f" % (at('started: running') - at(' starting ')).total_seconds())
PY
}

for checkout in "$base" "$root"; do  # builds each once, before anything is timed
    (cd "$checkout" && ./mvnw -B -q -pl examples/shop -am package -DskipTests)
done
declare -a b c
for r in $(seq 1 "$rounds"); do
    b+=("$(start_once "$base" base)")
    c+=("$(start_once "$root" current)")
    echo "round $r: baseline ${b[-1]} s, current ${c[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=$(median "${b[@]}"); mc=$(median "${c[@]}")
echo "median: baseline $mb s, current $mc s; current / baseline = $(awk -v c="$mc" -v b="$mb" 'BEGIN {printf "%.2f", c/b}')"
