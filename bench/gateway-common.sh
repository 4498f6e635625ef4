# Sourced by bench/gateway.sh and bench/gateway-cache.sh: builds cleave-gateway with its test classes
# (BUILD=no skips that), sets $cp to their class path and $out to a temporary directory, and kills
# whatever was started with start_java when the script ends; p99, rps and errors read wrk's reports.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
out="$(mktemp -d)"
cpfile="$root/cleave-gateway/target/bench.classpath"

# wrk drives the load and nginx is the baseline: Debian's packages, installed when missing
missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} (Debian packages) ..." >&2
    if [ "$(id -u)" = 0 ]; then sudo=(); else sudo=(sudo); fi
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2 \
        || { echo "bench: could not install ${missing[*]}; install them and run again" >&2; exit 1; }
fi

if [ "${BUILD:-yes}" != no ]; then
    echo "building cleave-gateway and its test classes ..." >&2
    ./mvnw -B -q -ntp install -DskipTests -pl cleave-gateway -am >&2
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

# start_java NAME HEAP CLASS ARGS...: runs a class of cleave-gateway's test class path in the
# background, its output in $out/NAME.log; its pid is the last of $pids
start_java() {
    local name="$1" heap="$2"
    shift 2
    "$JAVA_HOME/bin/java" "-Xmx$heap" -cp "$cp" "$@" >"$out/$name.log" 2>&1 &
    pids+=($!)
}

# await_ready REGEX NAME...: waits up to 20 s for each $out/NAME.log to have a line matching REGEX
await_ready() {
    local ready="$1" name
    shift
    for name in "$@"; do
        for _ in $(seq 1 100); do
            grep -qE "$ready" "$out/$name.log" 2>/dev/null && break
            sleep 0.2
        done
        grep -qE "$ready" "$out/$name.log" || { cat "$out/$name.log" >&2; exit 1; }
    done
}

# from a wrk --latency report: p99 in ms ("99%    1.23ms"), requests/s, and the error lines
p99() { awk '$1 == "99%" { v = $2; u = v; gsub(/[0-9.]/, "", u); gsub(/[a-z]/, "", v);
    print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : v) }' "$1"; }
rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
errors() { awk '/Non-2xx|Socket errors/ { $1 = $1; print }' "$1" | paste -sd ';' -; }
