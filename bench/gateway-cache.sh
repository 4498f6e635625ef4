#!/usr/bin/env bash
# The gateway's edge cache (issue 16): the same product page behind two gateways, one with
# [gateway.routes."/api/products"] cache-ttl and one without, each measured with wrk in one run.
# The upstream (ProductPageOrigin) spends COST_US of CPU per page (default 1000 us: the shop's
# product page makes four calls to other components at ~0.4 ms of CPU each) and answers ~2 KB of
# JSON; wrk asks for SKUS products in turn (the first request of each misses). Prints req/s and
# p99 with the cache on and off and their ratio. Goal (issue): >= 5x throughput.
#
#   bench/gateway-cache.sh                  # ~1 minute on 2 cores
#   BUILD=no THREADS=2 CONNECTIONS=32 DURATION=15 WARMUP=5 PORT=18280 COST_US=1000 SKUS=100
#   CACHE_TOML='cache-ttl = "30s"'          # the cached route's lines ("\n" between them)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
seconds="${DURATION:-15}"
warmup="${WARMUP:-5}"
port="${PORT:-18280}"
cost="${COST_US:-1000}"
skus="${SKUS:-100}"
cache_toml="${CACHE_TOML:-cache-ttl = \"30s\"}"
out="$(mktemp -d)"
cpfile="$root/cleave-gateway/target/bench.classpath"

if [ "${BUILD:-yes}" != no ]; then
    echo "building cleave-gateway and its test classes ..." >&2
    ./mvnw -B -q -ntp install -DskipTests -pl cleave-gateway -am >&2
    ./mvnw -B -q -ntp -pl cleave-gateway test-compile >&2
fi
./mvnw -B -q -ntp -pl cleave-gateway dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cpfile" >&2
cp="cleave-gateway/target/test-classes:cleave-gateway/target/classes:$(cat "$cpfile")"

pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

origin=$port on=$((port + 1)) off=$((port + 2))
"$JAVA_HOME/bin/java" -Xmx256m -cp "$cp" io.cleave.gateway.ProductPageOrigin "$origin" "$cost" >"$out/origin.log" 2>&1 &
pids+=($!)
"$JAVA_HOME/bin/java" -Xmx512m -cp "$cp" io.cleave.gateway.GatewayBench "$on" "http://127.0.0.1:$origin" \
    "access-log = false\n[gateway.routes.\"/api/products\"]\n$cache_toml" >"$out/on.log" 2>&1 &
pids+=($!)
"$JAVA_HOME/bin/java" -Xmx512m -cp "$cp" io.cleave.gateway.GatewayBench "$off" "http://127.0.0.1:$origin" \
    "access-log = false" >"$out/off.log" 2>&1 &
pids+=($!)
for f in origin on off; do
    for _ in $(seq 1 100); do
        grep -qE '^(gateway|origin) ' "$out/$f.log" 2>/dev/null && break
        sleep 0.2
    done
    grep -qE '^(gateway|origin) ' "$out/$f.log" || { cat "$out/$f.log" >&2; exit 1; }
done
grep '^origin ' "$out/origin.log" >&2
for p in "$on" "$off"; do curl -sf "http://127.0.0.1:$p/api/products/SKU-00001" >/dev/null; done
[ "$(curl -s -o /dev/null -D - "http://127.0.0.1:$on/api/products/SKU-00001" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')" = HIT ] \
    || { echo "the cached gateway does not answer HIT" >&2; exit 1; }

cat >"$out/skus.lua" <<LUA
local n, i = $skus, 0
request = function()
    i = i + 1
    return wrk.format("GET", string.format("/api/products/SKU-%05d", (i % n) + 1))
end
LUA

p99() { awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
    print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v) }' "$1"; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ { $1 = $1; print }' "$1" | paste -sd ';' -; }

declare -A url=([cache-on]="http://127.0.0.1:$on" [cache-off]="http://127.0.0.1:$off")
echo "warm-up ${warmup}s each, then wrk -t$threads -c$connections -d${seconds}s --latency over $skus products," \
    "origin $cost us CPU per page; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for name in cache-off cache-on; do
    wrk -t"$threads" -c"$connections" -d"${warmup}s" -s "$out/skus.lua" "${url[$name]}" >/dev/null
done
for name in cache-off cache-on; do
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s "$out/skus.lua" "${url[$name]}" >"$out/$name.txt"
done

printf '%-10s %12s %10s  %s\n' target req/s "p99 ms" errors
for name in cache-off cache-on; do
    printf '%-10s %12s %10s  %s\n' "$name" "$(rps "$out/$name.txt")" "$(p99 "$out/$name.txt")" "$(errors "$out/$name.txt")"
done
awk -v on="$(rps "$out/cache-on.txt")" -v off="$(rps "$out/cache-off.txt")" 'BEGIN {
    printf "edge cache on / off throughput: %.1fx (goal >= 5x)\n", on / off }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
