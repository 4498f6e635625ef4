#!/usr/bin/env bash
# Does `cleave load` sustain >= 20,000 requests/s from ONE core? Runs it pinned to core 1
# (taskset -c 1: its event loop, JIT and GC all share that core) at increasing fixed rates against
# a trivial HTTP endpoint pinned to core 0, on 127.0.0.1, and prints a table.
# wrk's closed-loop maximum on the same cores, measured first, is the baseline: what this server and
# machine can do at that moment.
#   RATES="5000 10000 20000 30000 40000" DURATION=10s WARMUP=5s CONNECTIONS=64 bench/load-throughput.sh
source "$(dirname "$0")/load-common.sh"

rates="${RATES:-5000 10000 20000 30000 40000}"
duration="${DURATION:-10s}"
warmup="${WARMUP:-5s}"
connections="${CONNECTIONS:-64}"

build
start_server "$port"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v wrk >/dev/null; then
    # the baseline, measured now on the same cores: how fast wrk can go closed-loop (as fast as the
    # server answers) with the same connections; on a shared machine this ceiling moves
    taskset -c 1 wrk -t1 -c"$connections" -d5s "$url" >"$work/wrk.txt" 2>&1
    echo "baseline: wrk closed-loop, 1 thread on core 1, $connections connections: $(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$work/wrk.txt") req/s"
fi

printf '\n%-10s %-10s %-7s %-9s %-9s %-9s %-9s %-10s %s\n' \
    "target/s" "achieved/s" "errors" "p50 ms" "p99 ms" "p99.9 ms" "lag p99" "cpu (1 core)" "sustained"
best=0
for rate in $rates; do
    /usr/bin/time -f "%P" -o "$work/time" taskset -c 1 bin/cleave load "$url" --rate "$rate" --duration "$duration" \
        --warmup "$warmup" -c "$connections" -q --html "$work/r.html" --json "$work/r.json" >/dev/null
    achieved=$(json "$work/r.json" "round(r['achievedRate'])")
    errors=$(json "$work/r.json" "r['errors']")
    sustained=$(json "$work/r.json" "'yes' if r['achievedRate'] >= 0.99 * $rate and r['errors'] == 0 else 'no'")
    printf '%-10s %-10s %-7s %-9s %-9s %-9s %-9s %-12s %s\n' "$rate" "$achieved" "$errors" \
        "$(json "$work/r.json" "r['latency']['p50']")" "$(json "$work/r.json" "r['latency']['p99']")" \
        "$(json "$work/r.json" "r['latency']['p999']")" "$(json "$work/r.json" "r['generatorLag']['p99']")" \
        "$(tail -n1 "$work/time")" "$sustained"
    if [ "$sustained" = yes ] && [ "$rate" -gt "$best" ]; then best=$rate; fi
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "latency from each request's intended start (coordinated-omission corrected); lag = how late cleave started requests"
echo "cpu = whole cleave process incl. JVM start and the $warmup warm-up, pinned to core 1"
if [ "$best" -ge 20000 ]; then
    echo "PASS: sustained $best req/s from one core (>= 20000)"
else
    echo "FAIL: sustained only $best req/s from one core (< 20000)"
    exit 1
fi
