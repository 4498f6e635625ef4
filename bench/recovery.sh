#!/usr/bin/env bash
# Recovery from kill -9 on the split shop as ./shop --services runs it (examples/shop/cleave-services.toml,
# the embedded PostgreSQL server, the deployer's default JVM options), under a light checkout load:
# for every group, kill -9 of replica 0 and the time until the supervisor reports its new process
# running and healthy; for Checkout, also the time until the sagas in flight at the kill are final
# (confirmed or failed) after the process is back. See bench/recovery.py and bench/README.md.
#
#   bench/recovery.sh                 # ~6 minutes on 2 cores
#   ROUNDS=3 RATE=40 PAYMENT_LATENCY=200ms BUILD=no PORT=18090 OUT=dir
#   CDS=no        # without the per-group class-data archives ([multi] class-data-sharing = false)
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

shop_pid=""
load_pid=""
cleanup() {
    [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
    if [ -n "$shop_pid" ]; then
        kill -TERM "$shop_pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$shop_pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$shop_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(cd "$out" && exec "$JAVA_HOME/bin/java" -cp "$(ls "$root"/examples/shop/target/cleave-example-shop-*.jar):$(cat "$root/examples/shop/target/classpath.txt")" \
    io.cleave.shop.ShopMain --config="$root/examples/shop/cleave-services.toml" \
    --set=listeners.web="127.0.0.1:$port" --set=app.data-dir=\""$out/data"\" --set=multi.state-dir=\""$out/state"\" \
    --set=multi.echo-logs=false --set=multi.class-data-sharing="$cds" --set=Users.password-iterations=1000 --set=Payments.latency=\""$latency"\" \
    >"$out/shop.log" 2>&1) &
shop_pid=$!
started=$SECONDS
until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
    if ! kill -0 "$shop_pid" 2>/dev/null || [ $((SECONDS - started)) -ge 300 ]; then
        echo "the shop did not start; its log:" >&2
        tail -n 30 "$out/shop.log" >&2
        exit 1
    fi
    sleep 1
done
echo "shop up in $((SECONDS - started)) s; class-data archives: $cds; load: $rate req/s of bench/shop/checkout.toml; payments answer in $latency" >&2
bin/cleave load "http://127.0.0.1:$port" --scenario bench/shop/checkout.toml --rate "$rate" --duration 3600s -q --no-report \
    >"$out/load.log" 2>&1 &
load_pid=$!
sleep 20 # warm up: sessions and checkouts under way
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/recovery.py "$out/state" "$out/data" "$rounds" | tee "$out/recovery.txt"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
