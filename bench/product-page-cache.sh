#!/usr/bin/env bash
# Product page throughput with the caches (cleave-cache: Catalog's products, Recommendations'
# "bought together") against the same shop with [cache] enabled = false, in one run: the monolith
# of bench/shop/monolith.toml on a fresh PostgreSQL database each, 5,000 confirmed orders of three
# products seeded into Recommendations' table (so "bought together" has work to do), then wrk with
# CONNECTIONS connections over GET /api/products/SKU-xxxxx for PRODUCTS products picked at random,
# WARMUP s, then DURATION s measured. Prints requests/s of both and their ratio. Then (EDGE=yes, the
# default) the same shop, caches on, behind the gateway in its process ([gateway], as the services
# configuration has it): with the gateway's edge cache on the product pages (cache-ttl 1 s, the
# storefront's s-maxage) and without, and their ratio. See bench/README.md.
#
#   bench/product-page-cache.sh            # ~6 minutes on 2 cores, after the build
#   CONNECTIONS=16 PRODUCTS=200 WARMUP=20 DURATION=30 PORT=18090 BUILD=no EDGE=no COMPONENTS=no
#   EDGE_CACHES=false    the gateway pair with the components' caches off (each miss a full page)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
connections="${CONNECTIONS:-16}"
products="${PRODUCTS:-200}"
warmup="${WARMUP:-20}"
duration="${DURATION:-30}"
port="${PORT:-18090}"
out="${OUT:-$root/bench/target/product-page-cache/$(date +%Y%m%d-%H%M%S)}"
psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
mkdir -p "$out"

if [ "${BUILD:-yes}" != no ]; then
    echo "building the shop and cleave-data ..." >&2
    ./mvnw -B -o -q package dependency:build-classpath -DskipTests -pl examples/shop,cleave-data -am \
        -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime 2>&1 | { grep -v '^WARNING' || true; } >&2
fi
classpath=$( { echo "$root/examples/shop/target/classes"
    awk 1 examples/shop/target/bench-classpath.txt cleave-data/target/bench-classpath.txt | tr ':' '\n'; } \
    | grep -v -e '^$' -e '/cleave-test' -e junit -e opentest4j -e apiguardian | awk '!seen[$0]++' | paste -sd: )

shop_pid=""
databases=()
stop_shop() {
    [ -n "$shop_pid" ] || return 0
    kill "$shop_pid" 2>/dev/null || true
    wait "$shop_pid" 2>/dev/null || true
    shop_pid=""
}
cleanup() {
    stop_shop
    for db in "${databases[@]}"; do "${psql_admin[@]}" -c "drop database if exists $db with (force)" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cat >"$out/pages.lua" <<LUA
math.randomseed(42)
request = function()
    return wrk.format("GET", string.format("/api/products/SKU-%05d", math.random(1, $products)))
end
LUA

# the monolith's configuration behind the gateway, without and with its edge cache on product pages
cp bench/shop/monolith.toml "$out/gateway.toml"
printf '\n[gateway]\naccess-log = false\n' >>"$out/gateway.toml"
cp "$out/gateway.toml" "$out/edge.toml"
printf '\n[gateway.routes."/api/products"]\ncache-ttl = "1s"\ncache-stale = "1s"\n' >>"$out/edge.toml"

run() { # run NAME ENABLED [CONFIG]: prints requests/s
    local name="$1" enabled="$2" config="${3:-$root/bench/shop/monolith.toml}" db="product_page_cache_$1_$$" dir="$out/$1"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is already in use; set PORT" >&2
        exit 1
    fi
    "${psql_admin[@]}" -c "create database $db"
    databases+=("$db")
    mkdir -p "$dir"
    (cd "$dir" && exec "$java" -XX:+UseSerialGC -Djava.util.logging.config.file="$root/examples/shop/logging.properties" \
        -cp "$classpath" io.cleave.shop.ShopMain --config="$config" \
        --set=data.url="jdbc:postgresql://127.0.0.1:5432/$db" --set=listeners.web="127.0.0.1:$port" \
        --set=cache.enabled="$enabled" >"$dir/shop.log" 2>&1) &
    shop_pid=$!
    local started=$SECONDS
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
        if ! kill -0 "$shop_pid" 2>/dev/null || [ $((SECONDS - started)) -ge 240 ]; then
            echo "the shop ($name) did not start; its log:" >&2
            tail -n 30 "$dir/shop.log" >&2
            exit 1
        fi
        sleep 1
    done
    # 5,000 orders of three products among the first $products: every page has "bought together" to find
    psql -X -q -h 127.0.0.1 -U postgres -d "$db" -c "
        insert into recommendations.order_product (order_id, product_id)
        select distinct o.id, format('SKU-%s', lpad((1 + ((o.n * 7919 + k * 104729) % $products))::text, 5, '0'))
        from (select gen_random_uuid() as id, n from generate_series(1, 5000) n) o, generate_series(0, 2) k
        on conflict do nothing"
    wrk -t 2 -c "$connections" -d "${warmup}s" -s "$out/pages.lua" "http://127.0.0.1:$port" >"$dir/warmup.txt"
    wrk -t 2 -c "$connections" -d "${duration}s" -s "$out/pages.lua" "http://127.0.0.1:$port" >"$dir/wrk.txt"
    stop_shop
    if grep -q 'Non-2xx' "$dir/wrk.txt"; then
        echo "$name: some pages failed:" >&2
        cat "$dir/wrk.txt" >&2
        exit 1
    fi
    awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt"
}

if [ "${COMPONENTS:-yes}" = yes ]; then
echo "without caches ([cache] enabled = false) ..." >&2
without=$(run uncached false)
echo "with caches ..." >&2
with=$(run cached true)
python3 - "$with" "$without" "$connections" "$products" "$duration" <<'PY' | tee "$out/result.txt"
import sys
w, wo = float(sys.argv[1]), float(sys.argv[2])
print(f"product page, {sys.argv[3]} connections, {sys.argv[4]} products, {sys.argv[5]} s measured:")
print(f"  with caches    {w:10.1f} requests/s")
print(f"  without caches {wo:10.1f} requests/s")
print(f"  ratio {w / wo:.2f}x (goal >= 5x)")
PY
fi
[ "${EDGE:-yes}" = yes ] || exit 0
edge_caches="${EDGE_CACHES:-true}" # the components' caches behind the gateway: false makes every miss a full page

echo "behind the gateway, edge cache off ..." >&2
gateway=$(run gateway "$edge_caches" "$out/gateway.toml")
echo "behind the gateway, edge cache on /api/products (1 s) ..." >&2
edge=$(run edge "$edge_caches" "$out/edge.toml")
python3 - "$edge" "$gateway" "$connections" "$products" "$duration" "$([ "$edge_caches" = true ] && echo on || echo off)" <<'PY' | tee -a "$out/result.txt"
import sys
e, g = float(sys.argv[1]), float(sys.argv[2])
print(f"product page through the gateway (component caches {sys.argv[6]}), {sys.argv[3]} connections, {sys.argv[4]} products, {sys.argv[5]} s measured:")
print(f"  edge cache on  {e:10.1f} requests/s")
print(f"  edge cache off {g:10.1f} requests/s")
print(f"  ratio {e / g:.2f}x (goal >= 5x)")
PY
