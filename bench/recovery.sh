#!/usr/bin/env bash
# Recovery from kill -9 on the split shop as ./shop --services runs it (examples/shop/cleave-services.toml,
# the embedded PostgreSQL server, the deployer's default JVM options), under a light checkout load:
# for every group, kill -9 of replica 0 and the time until the supervisor reports its new process
# running and healthy; for Checkout, also the time until the sagas in flight at the kill are final
# (confirmed or failed) after the process is back. See bench/recovery.py and bench/README.md.
#
#   bench/recovery.sh                 # ~6 minutes on 2 cores
#   ROUNDS=3 RATE=40 PAYMENT_LATENCY=200ms BUILD=no PORT=18090 OUT=dir
#   CDS=no        # without the children's class-data archive ([multi] class-data-sharing = false)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
rounds="${ROUNDS:-3}"
rate="${RATE:-40}"
latency="${PAYMENT_LATENCY:-200ms}"
port="${PORT:-18090}"
out="${OUT:-$root/bench/target/recovery/$(date +%Y%m%d-%H%M%S)}"
cds="${CDS:-yes}"; [ "$cds" = no ] && cds=false || cds=true
mkdir -p "$out"

if [ "${BUILD:-yes}" != no ]; then
    echo "building the shop and the cleave command ..." >&2
    ./mvnw -B -q package -DskipTests -pl examples/shop,cleave-cli -am >&2
fi

load_pid=""
. "$root/bench/split-shop.sh"
cleanup() {
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    stop_shop
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_shop --set=multi.class-data-sharing="$cds" --set=Payments.latency=\""$latency"\"
top_up_stock
echo "class-data archives: $cds; load: $rate req/s of bench/shop/checkout.toml; payments answer in $latency" >&2
bin/cleave load "http://127.0.0.1:$port" --scenario bench/shop/checkout.toml --rate "$rate" --duration 3600s -q --no-report \
    >"$out/load.log" 2>&1 &
load_pid=$!
sleep 20 # warm up: sessions and checkouts under way
if [ "$cds" = true ]; then # a deployment that has run for a while has its archive: wait for it (at most 5 minutes)
    for _ in $(seq 1 300); do grep -q "class-data archive" "$out"/state/*/cleave.log && break; sleep 1; done
    grep -h "class-data archive" "$out"/state/*/cleave.log >&2 || echo "no class-data archive after 5 minutes" >&2
fi
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/recovery.py "$out/state" "$out/data" "$rounds" | tee "$out/recovery.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
