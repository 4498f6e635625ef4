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
source "$(dirname "${BASH_SOURCE[0]}")/gateway-common.sh"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
seconds="${DURATION:-15}"
warmup="${WARMUP:-5}"
port="${PORT:-18280}"
cost="${COST_US:-1000}"
skus="${SKUS:-100}"
cache_toml="${CACHE_TOML:-cache-ttl = \"30s\"}"

origin=$port on=$((port + 1)) off=$((port + 2))
start_java origin 256m io.cleave.gateway.ProductPageOrigin "$origin" "$cost"
start_java on 512m io.cleave.gateway.GatewayBench "$on" "http://127.0.0.1:$origin" \
    "access-log = false\n[gateway.routes.\"/api/products\"]\n$cache_toml"
start_java off 512m io.cleave.gateway.GatewayBench "$off" "http://127.0.0.1:$origin" "access-log = false"
await_ready '^(gateway|origin) ' origin on off
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
