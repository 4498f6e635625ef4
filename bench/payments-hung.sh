#!/usr/bin/env bash
# A hung dependency on the split shop (issue 13, b): buyers at 30 req/s (bench/shop/buy.toml) and
# browsers at 20 req/s (bench/shop/browse.toml) against ./shop --services's configuration, first
# with Payments healthy, then with Payments stopped (SIGSTOP) for the same time. Prints, per phase,
# the browsing p99 and errors, and what checkouts answered and how fast; then the ratio of the
# browsing p99s. The supervisor's unhealthy-timeout is raised for the run so that the hung process
# stays hung while it is measured (its replacement is measured by bench/recovery.sh). Each phase's
# two generators warm up first (WARMUP s, then HUNG_WARMUP s with Payments still healthy), and
# Payments is stopped the moment the hung phase's measuring starts: a generator measured cold
# counts its own start-up lag as the shop's latency (the browsing p99 of 105.7 ms, 7.12x, that the
# first version of this script reported was that: its hung phase started cold generators).
#
#   bench/payments-hung.sh              # ~4 minutes on 2 cores
#   WARMUP=60 HUNG_WARMUP=20 DURATION=40 BUILD=no PORT=18091 OUT=dir
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
warmup="${WARMUP:-60}"
hung_warmup="${HUNG_WARMUP:-20}"
duration="${DURATION:-40}"
port="${PORT:-18091}"
out="${OUT:-$root/bench/target/payments-hung/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

if [ "${BUILD:-yes}" != no ]; then
    echo "building the shop and the cleave command ..." >&2
    ./mvnw -B -q package -DskipTests -pl examples/shop,cleave-cli -am >&2
fi

payments=""
. "$root/bench/split-shop.sh"
cleanup() {
    [ -n "$payments" ] && kill -CONT "$payments" 2>/dev/null || true
    stop_shop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_shop --set=multi.unhealthy-timeout=\"600s\"
top_up_stock

payments=$(python3 - "$out/state" <<'EOF'
import json, os, socket, sys
state = json.load(open(os.path.join(sys.argv[1], "shop", "supervisor.json")))
with socket.create_connection(("127.0.0.1", state["statusPort"])) as s:
    # the status port wants the secret in the state file, readable by the supervisor's user only
    s.sendall(("STATUS " + state["secret"] + "\n").encode())
    data = b""
    while not data.endswith(b"\n"):
        data += s.recv(65536)
report = json.loads(data)
print(next(r["pid"] for g in report["groups"] if g["name"] == "Payments" for r in g["replicas"]))
EOF
)

phase() { # phase NAME WARMUP [STOP_PID]: both loads at once for $duration s after WARMUP s; STOP_PID gets
          # SIGSTOP as soon as the browsing generator says it is measuring
    local name="$1" warm="$2" stop="${3:-}"
    bin/cleave load "http://127.0.0.1:$port" --scenario bench/shop/browse.toml --rate 20 --duration "${duration}s" \
        --warmup "${warm}s" --json "$out/$name-browse.json" --html "$out/$name-browse.html" >"$out/$name-browse.out" 2>&1 &
    local browse=$!
    bin/cleave load "http://127.0.0.1:$port" --scenario bench/shop/buy.toml --rate 30 --duration "${duration}s" \
        --warmup "${warm}s" --json "$out/$name-buy.json" --html "$out/$name-buy.html" >"$out/$name-buy.out" 2>&1 &
    local buy=$!
    if [ -n "$stop" ]; then
        local waited=0
        until grep -q '^measuring' "$out/$name-browse.out" 2>/dev/null; do
            if ! kill -0 "$browse" 2>/dev/null || [ "$waited" -ge $(( (warm + 60) * 20 )) ]; then
                echo "the browsing generator never started measuring; its output:" >&2
                cat "$out/$name-browse.out" >&2
                exit 1
            fi
            sleep 0.05
            waited=$((waited + 1))
        done
        kill -STOP "$stop"
        echo "Payments (pid $stop) stopped with SIGSTOP as the measuring began; ${duration}s measured ..." >&2
    fi
    wait "$buy"
    wait "$browse"
}

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "healthy: ${warmup}s warm-up, then ${duration}s measured ..." >&2
phase healthy "$warmup"
echo "hung: ${hung_warmup}s warm-up with Payments healthy ..." >&2
phase hung "$hung_warmup" "$payments"
kill -CONT "$payments"
payments=""
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$out" <<'EOF' | tee "$out/payments-hung.txt"
import json, os, sys
out = sys.argv[1]
def load(name):
    return json.load(open(os.path.join(out, name)))
print("| phase | browsing p50 ms | browsing p99 ms | browsing errors | checkouts | checkout statuses | checkout p50 ms | checkout p99 ms | checkout max ms |")
print("|---|---:|---:|---:|---:|---|---:|---:|---:|")
p99 = {}
for phase in ("healthy", "hung"):
    browse, buy = load(f"{phase}-browse.json"), load(f"{phase}-buy.json")
    step = next(s for s in buy["steps"] if s["step"] == "check out")
    errors = {k: v for k, v in buy.get("errorsByKind", buy.get("errors_by_kind", {})).items()} if isinstance(buy.get("errorsByKind", {}), dict) else {}
    lat = step["latency"]
    p99[phase] = browse["latency"]["p99"]
    print(f"| {phase} | {browse['latency']['p50']:.1f} | {browse['latency']['p99']:.1f} | {browse['errors']} | {step['requests']}"
          f" | {step['errors']} not 201 | {lat['p50']:.1f} | {lat['p99']:.1f} | {lat['max']:.1f} |")
print(f"browsing p99 with Payments hung / healthy: {p99['hung'] / p99['healthy']:.2f}x (goal <= 1.2x)")
EOF
