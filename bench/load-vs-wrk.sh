#!/usr/bin/env bash
# Does `cleave load` report the same throughput and median latency as wrk for the same load?
#
# How the comparison is made fair:
# - the same endpoint (bench's trivial Netty server, core 0), both clients pinned to core 1 with
#   one thread and the same number of keep-alive connections, for the same time;
# - few connections (5): wrk's one thread serves every connection's timer that fell due in the
#   same millisecond and every response that came meanwhile in one pass, so with many connections
#   a response waits for wrk's work on the others and wrk's median grows with the connection count
#   at the same rate (50 connections at 21,000 req/s: wrk 0.170 ms, cleave 0.040 ms), which the
#   server's latency does not; with 5 it measures the server (bench/README.md);
# - the same rate: Debian's wrk is closed-loop (not wrk2) and has no rate option, so its rate is
#   fixed with a Lua delay() between a response and the next request on each connection, drawn
#   from 0..2x the mean so the connections do not fire in lockstep (bench/wrk-fixed-rate.lua);
#   cleave load then runs open-loop at the rate that wrk achieved, well below saturation;
# - like for like: wrk measures latency from its write of a request; cleave's comparable figure
#   is "from actual send". Its headline figure, "from intended start", also counts its own timer
#   wake-up lag (wrk's timers are whole milliseconds and it does not measure theirs); it is printed
#   too, not compared.
# - two endpoints: one that answers at once (medians of ~0.05-0.1 ms, where a few microseconds
#   of client overhead or of noise from other processes on this shared 2-core machine are 10%),
#   and one that holds each response 1 ms (server-side, non-blocking), where the medians measure
#   the server rather than the clients;
# - REPEAT runs of each tool, alternating, and the median of their results.
# - the wire as a third witness (CAPTURE=yes, the default when tcpdump is installed): every run
#   is captured on the loopback device and bench/wire-latency.py reads the median time from a
#   request's packet to its response's. The same rate is not the same load: wrk's timers are
#   whole milliseconds, so its connections' requests bunch at each millisecond's start and wait
#   for each other in the server, which an open loop that spreads them evenly does not make them
#   do; on the instant endpoint the server's own median differs by a third between the two
#   loads. So each tool's median less the wire's under its load is its own overhead, and cleave's
#   figure is compared with wrk's on wrk's wire (cleave's over its wire plus wrk's wire); the raw
#   ratio is printed too. Without a capture the raw ratio is compared.
#   CONNECTIONS=5 WRK_DELAY_MS=1 DURATION=10s REPEAT=3 CAPTURE=yes bench/load-vs-wrk.sh
source "$(dirname "$0")/load-common.sh"

connections="${CONNECTIONS:-5}"
export WRK_DELAY_MS="${WRK_DELAY_MS:-1}"
duration="${DURATION:-10s}"
repeat="${REPEAT:-3}"
cleave_warmup=3 # seconds; not measured, by cleave nor on the wire
capture="${CAPTURE:-$(command -v tcpdump >/dev/null && echo yes || echo no)}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get update && apt-get install -y wrk" >&2; exit 1; }
[ "$capture" = no ] || command -v tcpdump >/dev/null || { echo "CAPTURE=yes needs tcpdump: apt-get install -y tcpdump" >&2; exit 1; }
capture_pid=
trap '[ -z "$capture_pid" ] || kill "$capture_pid" 2>/dev/null; cleanup' EXIT
captured() { # captured PORT SKIP OUT COMMAND...: runs the command (stdout to OUT) while tcpdump captures PORT;
              # the wire's p50 ms after the first SKIP seconds (or -) to $work/wire
    local p="$1" skip="$2" out="$3"; shift 3
    echo - >"$work/wire"
    if [ "$capture" = no ]; then "$@" >"$out"; return; fi
    tcpdump -i lo -s 128 -B 16384 -w "$work/run.pcap" "tcp port $p" 2>"$work/tcpdump.log" &
    capture_pid=$!
    for _ in $(seq 1 50); do grep -q "listening on" "$work/tcpdump.log" && break; sleep 0.1; done
    "$@" >"$out"
    kill -INT "$capture_pid"; wait "$capture_pid" || true; capture_pid=
    tcpdump -r "$work/run.pcap" -tt -nn -q 2>/dev/null | python3 bench/wire-latency.py "$p" "$skip" | cut -d' ' -f2 >"$work/wire"
}
build
start_server "$port" 0
start_server "$((port + 1))" 1000

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/runs"
for endpoint in "$port:immediate" "$((port + 1)):1 ms"; do
    p="${endpoint%%:*}"
    name="${endpoint#*:}"
    target="http://127.0.0.1:$p/"
    # warm the server's JIT so that neither client meets it cold
    taskset -c 1 bin/cleave load "$target" --rate 5000 --duration 5s -c "$connections" -q --no-report >/dev/null
    for i in $(seq 1 "$repeat"); do
        captured "$p" 0 "$work/wrk.txt" taskset -c 1 wrk -t1 -c"$connections" -d"$duration" --latency -s bench/wrk-fixed-rate.lua "$target"
        wrk_wire=$(cat "$work/wire")
        wrk_rate=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")
        wrk_p50=$(awk '$1 == "50%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' "$work/wrk.txt")
        if grep -qE "Non-2xx|Socket errors" "$work/wrk.txt"; then grep -E "Non-2xx|Socket errors" "$work/wrk.txt" >&2; fi
        captured "$p" "$cleave_warmup" /dev/null taskset -c 1 bin/cleave load "$target" --rate "$(printf '%.0f' "$wrk_rate")" \
            --duration "$duration" --warmup "${cleave_warmup}s" -c "$connections" -q --html "$work/r.html" --json "$work/r.json"
        cleave_wire=$(cat "$work/wire")
        echo "$name|$wrk_rate|$wrk_p50|$(json "$work/r.json" "r['achievedRate']")|$(json "$work/r.json" "r['serviceTime']['p50']")|$(json "$work/r.json" "r['latency']['p50']")|$(json "$work/r.json" "r['errors']")|$wrk_wire|$cleave_wire" >>"$work/runs"
    done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
python3 - "$work/runs" "$connections" "$WRK_DELAY_MS" "$duration" "$repeat" <<'PY' || status=$?
import statistics, sys
runs, conns, delay, duration, repeat = sys.argv[1:6]
rows = {}
for line in open(runs):
    name, *values = line.strip().split("|")
    rows.setdefault(name, []).append([None if v == "-" else float(v) for v in values])
print(f"\n{conns} connections, 1 thread each, {duration} per run, median of {repeat} alternating runs per tool;"
      f" wrk delay mean {delay} ms per connection, cleave open-loop at the rate wrk achieved\n")
print(f"{'endpoint':10} {'':34} {'req/s':>9} {'p50 ms':>8}   ratio to wrk (req/s, p50)")
ok = True
captured = False
for name, values in rows.items():
    med = [statistics.median(v[i] for v in values) if values[0][i] is not None else None for i in range(8)]
    wrk_rate, wrk_p50, c_rate, c_send, c_intended, c_errors, wrk_wire, c_wire = med
    r_rate, r_send, r_int = c_rate / wrk_rate, c_send / wrk_p50, c_intended / wrk_p50
    print(f"{name:10} {'wrk (from write)':34} {wrk_rate:9.0f} {wrk_p50:8.3f}")
    print(f"{'':10} {'cleave load (from actual send)':34} {c_rate:9.0f} {c_send:8.3f}   {r_rate:.3f}, {r_send:.3f}")
    print(f"{'':10} {'cleave load (from intended start)':34} {c_rate:9.0f} {c_intended:8.3f}   {r_rate:.3f}, {r_int:.3f}")
    compared = r_send
    if wrk_wire is not None:
        captured = True
        # Each tool over the wire it loaded, then on wrk's wire: the two measurements compared on the
        # same server latency, with the difference in the load they offered taken out.
        same_wire = c_send - c_wire + wrk_wire
        compared = same_wire / wrk_p50
        print(f"{'':10} {'the wire under wrk / under cleave':34} {'':9} {wrk_wire:8.3f} / {c_wire:.3f}")
        print(f"{'':10} {'each over its wire: wrk / cleave':34} {'':9} {1000 * (wrk_p50 - wrk_wire):5.0f} us / {1000 * (c_send - c_wire):.0f} us")
        print(f"{'':10} {'cleave on the same wire as wrk':34} {'':9} {same_wire:8.3f}   {r_rate:.3f}, {compared:.3f}")
    agree = abs(r_rate - 1) <= 0.10 and abs(compared - 1) <= 0.10 and c_errors == 0
    ok = ok and agree
    print(f"{'':10} {'within 10%: ' + ('yes' if agree else 'NO')}")
if captured:
    print("\nthe wire: packet capture on lo, a request's packet to its response's (p50); the medians are compared"
          "\non the same wire, since wrk's and cleave's patterns of requests make the server answer differently")
print(("PASS" if ok else "FAIL") + ": throughput and median latency (like for like"
      + (", on the same wire" if captured else "") + ") agree within 10%")
sys.exit(0 if ok else 1)
PY
exit $status
