#!/usr/bin/env bash
# The gateway (cleave-gateway) against nginx as a reverse proxy, in front of the same small backend
# (nginx answering a fixed 200 on loopback), each measured with wrk; direct to the backend as the
# baseline. Prints req/s, p99 and the proxy's CPU per request of each, the gateway's throughput as a
# share of nginx's, and each proxy's p99 over direct. Goals (issue): >= 0.9x nginx's throughput, p99
# overhead <= 0.5 ms. Two engine floors run beside them (EngineFloor: the least proxy Helidon, which
# the gateway is built on, and Netty can be), to split the gap into the engine's and the gateway's.
#
#   bench/gateway.sh                        # ~2.5 minutes on 2 cores
#   BUILD=no THREADS=2 CONNECTIONS=32 DURATION=15 WARMUP=10 PORT=18180
#   GATEWAY_TOML='access-log = true'        # extra [gateway] lines ("\n" between them)
source "$(dirname "${BASH_SOURCE[0]}")/gateway-common.sh"
threads="${THREADS:-2}"
connections="${CONNECTIONS:-32}"
seconds="${DURATION:-15}"
warmup="${WARMUP:-10}"
port="${PORT:-18180}"
gateway_toml="${GATEWAY_TOML:-access-log = false}"
nginx="${NGINX:-/usr/sbin/nginx}"

backend=$port proxy=$((port + 1)) gw=$((port + 2)) helidon=$((port + 3)) netty=$((port + 4))
mkdir -p "$out/logs"
cat >"$out/nginx.conf" <<CONF
worker_processes 1;
error_log $out/logs/error.log warn;
pid $out/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $out/tmp; proxy_temp_path $out/tmp; fastcgi_temp_path $out/tmp;
    uwsgi_temp_path $out/tmp; scgi_temp_path $out/tmp;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$backend; location / { default_type text/plain; return 200 "hello\n"; } }
    upstream backend { server 127.0.0.1:$backend; keepalive 64; }
    server {
        listen 127.0.0.1:$proxy;
        location / {
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
    }
}
CONF
mkdir -p "$out/tmp"
"$nginx" -p "$out" -c "$out/nginx.conf" -g 'daemon off;' &
pids+=($!)

start_java gateway 512m io.cleave.gateway.GatewayBench "$gw" "http://127.0.0.1:$backend" "$gateway_toml"
declare -A pid=([nginx]="" [gateway]="${pids[-1]}")
for engine in helidon netty; do
    start_java "$engine" 512m io.cleave.gateway.EngineFloor "$engine" "${!engine}" "$backend"
    pid[$engine]="${pids[-1]}"
done
await_ready '^(gateway|floor) ' gateway helidon netty
for p in $proxy $gw $helidon $netty; do
    curl -sf "http://127.0.0.1:$p/" >/dev/null
done
# the nginx worker that proxies shares a master with the backend's: its CPU is not separable here

declare -A url=([direct]="http://127.0.0.1:$backend/" [nginx]="http://127.0.0.1:$proxy/" [gateway]="http://127.0.0.1:$gw/"
    [helidon]="http://127.0.0.1:$helidon/" [netty]="http://127.0.0.1:$netty/")
targets=(direct nginx gateway helidon netty)
# user + system CPU of a process, in clock ticks
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
declare -A cpu
echo "warm-up ${warmup}s each, then wrk -t$threads -c$connections -d${seconds}s --latency; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for name in "${targets[@]}"; do
    wrk -t"$threads" -c"$connections" -d"${warmup}s" "${url[$name]}" >/dev/null
done
for name in "${targets[@]}"; do
    p="${pid[$name]:-}"
    [ -n "$p" ] && before=$(ticks "$p")
    wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "${url[$name]}" >"$out/$name.txt"
    [ -n "$p" ] && cpu[$name]=$(awk -v t=$(($(ticks "$p") - before)) -v hz="$(getconf CLK_TCK)" \
        -v n="$(awk '/requests in/ { print $1 }' "$out/$name.txt")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
done

printf '%-8s %12s %10s %12s  %s\n' target req/s "p99 ms" "CPU us/req" errors
for name in "${targets[@]}"; do
    printf '%-8s %12s %10s %12s  %s\n' "$name" "$(rps "$out/$name.txt")" "$(p99 "$out/$name.txt")" "${cpu[$name]:--}" \
        "$(errors "$out/$name.txt")"
done
awk -v g="$(rps "$out/gateway.txt")" -v n="$(rps "$out/nginx.txt")" -v gp="$(p99 "$out/gateway.txt")" \
    -v np="$(p99 "$out/nginx.txt")" -v dp="$(p99 "$out/direct.txt")" 'BEGIN {
    printf "gateway / nginx throughput: %.2fx (goal >= 0.9x)\n", g / n
    printf "p99 over direct: gateway +%.2f ms, nginx +%.2f ms (goal <= 0.5 ms)\n", gp - dp, np - dp }'
awk -v h="$(rps "$out/helidon.txt")" -v t="$(rps "$out/netty.txt")" -v n="$(rps "$out/nginx.txt")" 'BEGIN {
    printf "engine floors / nginx throughput: helidon %.2fx, netty %.2fx\n", h / n, t / n }'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
