#!/usr/bin/env bash
# A 10x spike on the split shop (issue 13, c): browsers (bench/shop/browse.toml) at a base rate,
# then ten times that rate, then the base rate again, against ./shop --services's configuration,
# from one open-loop run of `cleave load --profile spike` (each request counted in the phase it
# was due in). Prints the base (warm) p99 of the admitted requests, their p99 during the spike and
# its ratio to the base, how many requests were turned away (503/429) and how fast, requests that
# got no answer, and how long after the spike each second's p99 was back under twice the base.
# Goals: admitted p99 <= 2x base; the excess answered 503/429 within 10 ms; base back within 10 s.
#
#   bench/spike.sh                      # ~3 minutes on 2 cores
#   RATE=150 FACTOR=10 WARMUP=60 WARM=30 SPIKE=20 COOL=30 BUILD=no PORT=18093 OUT=dir
#   CONNECTIONS=512                     # the generator's keep-alive connections: many clients, as in a
#                                       # real spike (with cleave load's default 64, the excess queues in
#                                       # the generator, waiting for a free connection, and is never shed)
#   LIMIT=16                            # the storefront listener's concurrency-limit instead of the
#                                       # default gradient one ("gradient", "adaptive", "off" or a count)
#   SET="--set=..."                     # extra overrides for the shop
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
rate="${RATE:-150}"
factor="${FACTOR:-10}"
warmup="${WARMUP:-60}"
warm="${WARM:-30}"
spike="${SPIKE:-20}"
cool="${COOL:-30}"
port="${PORT:-18093}"
connections="${CONNECTIONS:-512}"
out="${OUT:-$root/bench/target/spike/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

if [ "${BUILD:-yes}" != no ]; then
    echo "building the shop and the cleave command ..." >&2
    ./mvnw -B -q package -DskipTests -pl examples/shop,cleave-cli -am >&2
fi

. "$root/bench/split-shop.sh"
trap stop_shop EXIT
trap 'exit 130' INT TERM

if [ -n "${LIMIT:-}" ]; then # the shop's configuration with the listener as a table
    sed 's/^web = "127.0.0.1:8080"$//' examples/shop/cleave-services.toml >"$out/cleave.toml"
    printf '\n[listeners.web]\naddress = "127.0.0.1:8080"\nconcurrency-limit = "%s"\n' "$LIMIT" >>"$out/cleave.toml"
    export CONFIG="$out/cleave.toml"
fi
# shellcheck disable=SC2086 # SET is a list of words
start_shop ${SET:-}

echo "load: warm-up ${warmup}s at ${rate}/s, then ${rate}/s for ${warm}s, x${factor} for ${spike}s, ${rate}/s for ${cool}s" >&2
load_before=$(cut -d' ' -f1 /proc/loadavg)
bin/cleave load "http://127.0.0.1:$port" --scenario bench/shop/browse.toml --profile spike --rate "$rate" \
    --spike-factor "$factor" --warm "${warm}s" --spike "${spike}s" --cool "${cool}s" --warmup "${warmup}s" \
    -c "$connections" --timeout 10s --json "$out/spike.json" --html "$out/spike.html" >"$out/load.txt" 2>&1
load_after=$(cut -d' ' -f1 /proc/loadavg)
sed -n '/^phase (due)/,/^$/p' "$out/load.txt" >&2

python3 - "$out/spike.json" "$load_before" "$load_after" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
phases = {p["name"]: p for p in r["phases"]}
warm, spike, cool = phases["warm"], phases["spike"], phases["cool"]
base = warm["ok"]["p99"]
admitted = spike["ok"]["p99"]
shed = spike["errorResponses"]
statuses = {k: v for k, v in r["errorsByKind"].items()}
# seconds after the spike's end until every later second's p99 of admitted requests is <= 2x base
end = spike["toSecond"]
cool_seconds = [s for s in r["series"] if s["second"] >= end and s["second"] < cool["toSecond"]]
back = None
for i, s in enumerate(cool_seconds):
    if all(t["okP99"] <= 2 * base for t in cool_seconds[i:] if t["responses"] > 0):
        back = s["second"] - end
        break
print(f"base (warm) p99 of admitted requests   {base:.1f} ms ({warm['ok']['count']} requests)")
print(f"spike: admitted p99                    {admitted:.1f} ms ({spike['ok']['count']} requests)  ratio {admitted / base:.2f}x  (goal <= 2x)")
print(f"spike: turned away                     {shed['count']} of {shed['count'] + spike['ok']['count'] + spike['failures']}"
      f" ({100 * shed['count'] / max(1, shed['count'] + spike['ok']['count'] + spike['failures']):.0f}%),"
      f" p99 {shed['p99']:.1f} ms, max {shed['max']:.1f} ms  (goal: within 10 ms)")
print(f"spike: no answer (timeout, closed)     {spike['failures']}")
print(f"errors by kind                         {statuses or 'none'}")
print(f"cool: p99 of admitted requests         {cool['ok']['p99']:.1f} ms  ratio {cool['ok']['p99'] / base:.2f}x")
print(f"back under 2x base p99                 {'%d s after the spike' % back if back is not None else 'not within the cool phase'}  (goal <= 10 s)")
print(f"load average before / after            {sys.argv[2]} / {sys.argv[3]}")
PY
echo "report: $out/spike.html" >&2
