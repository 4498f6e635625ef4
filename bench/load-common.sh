# Sourced by the load-*.sh benchmarks: builds the CLI, starts the trivial endpoint on core 0.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
java="$JAVA_HOME/bin/java"
port="${PORT:-18181}"
url="http://127.0.0.1:$port/"
work="$(mktemp -d)"

build() {
    echo "building cleave-load and cleave-cli ..." >&2
    ./mvnw -q -o -pl cleave-load,cleave-cli -am package -DskipTests >&2
}

server_pids=()
start_server() { # start_server PORT [DELAY_MICROS]: the trivial endpoint, one event loop thread, pinned to core 0
    local port="$1" delay="${2:-0}"
    taskset -c 0 "$java" -Xmx256m -cp "cleave-cli/target/cleave.jar:cleave-load/target/test-classes" \
        io.cleave.load.TrivialHttpServer "$port" 1 "$delay" >"$work/server-$port.log" 2>&1 &
    server_pids+=($!)
    for _ in $(seq 1 100); do # wait up to 10 s for the port to accept connections
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        if ! kill -0 "${server_pids[-1]}" 2>/dev/null; then cat "$work/server-$port.log" >&2; exit 1; fi
        sleep 0.1
    done
    echo "the trivial server did not start on port $port" >&2
    exit 1
}

cleanup() {
    for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

json() { # json FILE EXPRESSION: one value from cleave load's JSON result
    python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$1" "$2"
}
