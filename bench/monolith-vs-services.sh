#!/usr/bin/env bash
# The shop as a monolith (one JVM) and as services (every component its own JVM under the multi
# deployer's supervisor), driven by the same open-loop scenario at the same offered rate, both on
# PostgreSQL (a fresh database per start, created and dropped here). Prints one table: throughput,
# latency from each request's intended start, error rate and CPU-seconds per 1,000 checkouts, the
# CPU read from /proc/<pid>/stat (utime + stime) of every JVM of the topology (supervisor and
# children) before and after the measured window (the table's warm-up runs in the same generator
# process, whose "measuring" line starts the meters); the load generator is not counted. Then a rate
# sweep per topology to its saturation point. Only 127.0.0.1. See bench/README.md.
#
#   bench/monolith-vs-services.sh                      # ~15 minutes on 2 cores
#   RATE=100 WARMUP=60 DURATION=60                     # the table: req/s, seconds, seconds
#   SWEEP_RATES="50 100 200 300 400 600 800" SWEEP_DURATION=20 SWEEP_WARMUP=40 P99_LIMIT_MS=1000
#   SWEEP=no  TABLE=no  TOPOLOGIES="monolith services"  BUILD=no  PORT=18080
#   SHOP_CPUS=0 LOAD_CPUS=1                            # taskset pinning (default: none)
#   IDLE=20                                            # seconds at rest after the table's run: idle cores (0: none)
#   OBSERVE=on                                         # off: [observe] enabled = false in every JVM (metrics,
#                                                      #   tracing, admin endpoints); run once each way to compare
#   OUT=dir                                            # reports and logs (default bench/target/...)
#   SET="--set=a.b=c ..."                              # overrides for both topologies (policies, say)
# Each measured run also writes <run>-threads.txt: its CPU by thread kind (bench/thread-cpu.py).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

pick_jdk() { # a JDK >= 21, as .ci/run finds it
    for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-21-jdk-amd64; do
        if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ]; then
            major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
            if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
        fi
    done
    return 1
}
JAVA_HOME=$(pick_jdk) || { echo "needs a JDK >= 21 (set JAVA_HOME)" >&2; exit 1; }
export JAVA_HOME
java="$JAVA_HOME/bin/java"

rate="${RATE:-100}"
warmup="${WARMUP:-60}"
duration="${DURATION:-60}"
sweep="${SWEEP:-yes}"
table="${TABLE:-yes}"
sweep_rates="${SWEEP_RATES:-50 100 200 300 400 600 800}"
sweep_duration="${SWEEP_DURATION:-20}"
sweep_warmup="${SWEEP_WARMUP:-40}"
p99_limit="${P99_LIMIT_MS:-1000}"
idle="${IDLE:-20}"
topologies="${TOPOLOGIES:-monolith services}"
case "${OBSERVE:-on}" in
    on) observe_enabled=true ;;
    off) observe_enabled=false ;;
    *) echo "OBSERVE=${OBSERVE}: on or off" >&2; exit 2 ;;
esac
port="${PORT:-18080}"
start_timeout="${START_TIMEOUT:-240}"
out="${OUT:-$root/bench/target/monolith-vs-services/$(date +%Y%m%d-%H%M%S)}"
scenario="$root/bench/shop/checkout.toml"
# The same JIT and GC for every JVM: bench/shop/services.toml gives its children this list too.
jvm_options=(-XX:+UseSerialGC -Xss512k -Xshare:auto --enable-native-access=ALL-UNNAMED)
pin_shop=(); [ -n "${SHOP_CPUS:-}" ] && pin_shop=(taskset -c "$SHOP_CPUS")
pin_load=(); [ -n "${LOAD_CPUS:-}" ] && pin_load=(taskset -c "$LOAD_CPUS")
clk=$(getconf CLK_TCK)
psql_admin=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres -d postgres)
mkdir -p "$out"

if [ "${BUILD:-yes}" != no ]; then
    echo "building the shop, cleave-deploy and cleave-cli ..." >&2
    # dependency:build-classpath writes each module's runtime class path: the shop's lacks
    # cleave-deploy and the PostgreSQL driver, which cleave-deploy's and cleave-data's have.
    ./mvnw -B -o -q package dependency:build-classpath -DskipTests -pl examples/shop,cleave-deploy,cleave-cli -am \
        -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=runtime 2>&1 | { grep -v '^WARNING' || true; } >&2
fi
classpath=$( { echo "$root/examples/shop/target/classes"; echo "$root"/cleave-deploy/target/cleave-deploy-*.jar
    awk 1 examples/shop/target/bench-classpath.txt cleave-deploy/target/bench-classpath.txt cleave-data/target/bench-classpath.txt \
        | tr ':' '\n'; } | grep -v -e '^$' -e '/cleave-test' -e junit -e opentest4j -e apiguardian | awk '!seen[$0]++' | paste -sd: )

shop_pid=""
databases=()
cleanup() {
    stop_shop
    for db in "${databases[@]}"; do "${psql_admin[@]}" -c "drop database if exists $db with (force)" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tree() { # tree PID: it and all its descendants
    local all=("$1") i=0 child
    while [ "$i" -lt "${#all[@]}" ]; do
        for child in $(ps -o pid= --ppid "${all[$i]}" 2>/dev/null); do all+=("$child"); done
        i=$((i + 1))
    done
    echo "${all[@]}"
}

ticks() { # ticks PID...: utime + stime of these processes, in clock ticks
    local total=0 pid stat fields
    for pid in "$@"; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
        read -r -a fields <<<"${stat##*) }" # fields[0] is field 3 (state); utime, stime are fields 14, 15
        total=$((total + fields[11] + fields[12]))
    done
    echo "$total"
}

db_backends() { # db_backends DB: pids of the PostgreSQL backends serving it
    psql -X -At -h 127.0.0.1 -U postgres -d "$1" -c "select pid from pg_stat_activity where datname = '$1' and pid <> pg_backend_pid()"
}

start_shop() { # start_shop TOPOLOGY DB DIR
    local topology="$1" db="$2" dir="$3"
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "port $port is already in use; set PORT" >&2
        exit 1
    fi
    "${psql_admin[@]}" -c "create database $db"
    databases+=("$db")
    mkdir -p "$dir"
    (cd "$dir" && exec "${pin_shop[@]}" "$java" "${jvm_options[@]}" \
        -Djava.util.logging.config.file="$root/examples/shop/logging.properties" -cp "$classpath" io.cleave.shop.ShopMain \
        --config="$root/bench/shop/$topology.toml" --set=data.url="jdbc:postgresql://127.0.0.1:5432/$db" \
        --set=listeners.web="127.0.0.1:$port" --set=observe.enabled="$observe_enabled" ${SET:-} >"$dir/shop.log" 2>&1) &
    shop_pid=$!
    local started=$SECONDS
    until curl -sf -o /dev/null "http://127.0.0.1:$port/api/health"; do
        if ! kill -0 "$shop_pid" 2>/dev/null || [ $((SECONDS - started)) -ge "$start_timeout" ]; then
            echo "the $topology shop did not start within ${start_timeout}s; its log ($dir):" >&2
            tail -n 30 "$dir/shop.log" >&2
            exit 1
        fi
        sleep 1
    done
    echo "$topology: up in $((SECONDS - started)) s ($(wc -w <<<"$(tree "$shop_pid")") JVMs)" >&2
    # Every buyer buys the same product: give it (and all others) stock that cannot run out, so
    # every checkout does the whole saga (reserve, charge, commit, confirm).
    psql -X -q -h 127.0.0.1 -U postgres -d "$db" -c "update inventory.stock set on_hand = 1000000000"
}

stop_shop() {
    [ -n "$shop_pid" ] || return 0
    local pids
    pids=$(tree "$shop_pid")
    kill -TERM "$shop_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$shop_pid" 2>/dev/null || break; sleep 0.5; done
    for pid in $pids; do # whatever of it is still running after 20 s
        if grep -qs io.cleave "/proc/$pid/cmdline"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done
    wait "$shop_pid" 2>/dev/null || true
    shop_pid=""
}

load() { # load RATE SECONDS JSON|-: the scenario against the shop
    local report=(--no-report)
    [ "$3" != - ] && report=(--json "$3" --html "${3%.json}.html")
    "${pin_load[@]}" bin/cleave load "http://127.0.0.1:$port" --scenario "$scenario" --rate "$1" --duration "${2}s" \
        -q "${report[@]}" >/dev/null
}

measure() { # measure TOPOLOGY DB RATE SECONDS NAME [WARMUP]: one measured run; appends a line to $out/NAME.tsv
    # With WARMUP, the same generator process warms up first and its measured run carries on its
    # connections and sessions; the CPU meters start when it prints "measuring", not before.
    local topology="$1" db="$2" rate="$3" seconds="$4" name="$5" warm="${6:-0}" pids dbpids cpu0 cpu1 db0 db1 after
    local json="$out/$name-$topology-$rate.json" generator=""
    pids=$(tree "$shop_pid")
    dbpids=$(db_backends "$db")
    if [ "$warm" != 0 ]; then
        "${pin_load[@]}" bin/cleave load "http://127.0.0.1:$port" --scenario "$scenario" --rate "$rate" --duration "${seconds}s" \
            --warmup "${warm}s" --json "$json" --html "${json%.json}.html" >"${json%.json}.out" 2>&1 &
        generator=$!
        until grep -qs "^measuring" "${json%.json}.out"; do # polls a file the generator writes, at most 20 times a second
            if ! kill -0 "$generator" 2>/dev/null; then
                echo "cleave load ended before its measured run; its output:" >&2
                cat "${json%.json}.out" >&2
                exit 1
            fi
            sleep 0.05
        done
    fi
    local load_before
    load_before=$(cut -d' ' -f1 /proc/loadavg)
    cpu0=$(ticks $pids)
    db0=$(ticks $dbpids)
    python3 "$root/bench/thread-cpu.py" "$shop_pid" "$seconds" >"$out/$name-$topology-$rate-threads.txt" &
    local threads=$!
    if [ -n "$generator" ]; then
        wait "$generator"
    else
        load "$rate" "$seconds" "$json"
    fi
    wait "$threads" || true
    cpu1=$(ticks $pids)
    db1=$(ticks $dbpids)
    after=$(tree "$shop_pid")
    if [ "$after" != "$pids" ]; then
        echo "WARNING: $topology's processes changed during the run (a restart?): $pids -> $after" >&2
    fi
    python3 - "$out/$name-$topology-$rate.json" "$topology" "$rate" "$(wc -w <<<"$pids")" \
        "$((cpu1 - cpu0))" "$((db1 - db0))" "$clk" "$load_before" "$(cut -d' ' -f1 /proc/loadavg)" \
        >>"$out/$name.tsv" <<'EOF'
import json, sys
path, topology, rate, jvms, cpu, db, clk, load0, load1 = sys.argv[1:]
r = json.load(open(path))
checkout = next(s for s in r["steps"] if s["step"] == "check out")
checkouts = checkout["requests"] - checkout["errors"]
cpu_s, db_s = int(cpu) / int(clk), int(db) / int(clk)
per_k = lambda s: f"{1000 * s / checkouts:.2f}" if checkouts else "n/a"
fields = [topology, rate, f"{r['achievedRate']:.1f}", f"{checkouts / r['elapsedSeconds']:.2f}",
          f"{r['latency']['p50']:.1f}", f"{r['latency']['p99']:.1f}", f"{r['latency']['p999']:.1f}",
          f"{100 * r['errors'] / max(r['sent'], 1):.2f}", str(checkouts), jvms, f"{cpu_s:.1f}", per_k(cpu_s), per_k(db_s),
          f"{load0}/{load1}"]
print("\t".join(fields))
EOF
}

columns="topology\toffered/s\tachieved/s\tcheckouts/s\tp50 ms\tp99 ms\tp99.9 ms\terrors %\tcheckouts\tJVMs\tJVM CPU-s\tJVM CPU-s/1k co\tDB CPU-s/1k co\tload avg"
show() { { echo -e "$columns"; cat "$1"; } | column -t -s $'\t'; }

echo "results and logs: $out" >&2
echo "machine: $(nproc) cores, $(uptime)" | tee "$out/machine.txt" >&2

# 1. The table: each topology started fresh, warmed up, then measured at the same offered rate.
if [ "$table" != no ]; then
    : >"$out/table.tsv"
    : >"$out/idle.tsv"
    for topology in $topologies; do
        db="bench_${topology}_$$"
        start_shop "$topology" "$db" "$out/$topology"
        echo "$topology: warm-up ${warmup}s at $rate req/s, then ${duration}s measured (observe ${OBSERVE:-on}) ..." >&2
        measure "$topology" "$db" "$rate" "$duration" table "$warmup"
        if [ "$idle" -gt 0 ]; then
            echo "$topology: ${idle}s at rest ..." >&2
            python3 "$root/bench/thread-cpu.py" "$shop_pid" "$idle" >"$out/idle-$topology-threads.txt"
            echo -e "$topology\t$(head -n1 "$out/idle-$topology-threads.txt" | sed -n 's/.* = \([0-9.]*\) cores.*/\1/p')" >>"$out/idle.tsv"
        fi
        stop_shop
    done
    echo
    echo "== Monolith vs services: $rate req/s offered for ${duration}s after ${warmup}s warm-up =="
    show "$out/table.tsv" | tee "$out/table.txt"
    if [ "$idle" -gt 0 ]; then
        { echo -e "topology\tcores at rest (${idle}s after the run)"; cat "$out/idle.tsv"; } | column -t -s $'\t' | tee -a "$out/table.txt"
    fi
    python3 - "$out/table.tsv" <<'EOF' | tee -a "$out/table.txt"
import sys
rows = {l.split("\t")[0]: l.rstrip("\n").split("\t") for l in open(sys.argv[1])}
if "monolith" in rows and "services" in rows and "n/a" not in (rows["monolith"][11], rows["services"][11]):
    ratio = float(rows["services"][11]) / float(rows["monolith"][11])
    print(f"services / monolith JVM CPU per checkout: {ratio:.2f}x (goal <= 2x)")
EOF
fi

# 2. The sweep: per topology, rising rates until errors > 1 %, achieved < 90 % of offered, or p99 > the limit.
if [ "$sweep" != no ]; then
    for topology in $topologies; do
        db="bench_${topology}_sweep_$$"
        : >"$out/sweep-$topology.tsv"
        start_shop "$topology" "$db" "$out/$topology-sweep"
        first=${sweep_rates%% *}
        load "$first" "$sweep_warmup" -
        saturation="none of the rates"
        for r in $sweep_rates; do
            echo "$topology: ${sweep_duration}s at $r req/s ..." >&2
            measure "$topology" "$db" "$r" "$sweep_duration" "sweep"
            tail -n1 "$out/sweep.tsv" >>"$out/sweep-$topology.tsv"
            verdict=$(tail -n1 "$out/sweep.tsv" | awk -F'\t' -v limit="$p99_limit" '{
                if ($8 > 1) print "errors " $8 " %"; else if ($3 < 0.9 * $2) print "achieved " $3 "/s";
                else if ($6 > limit) print "p99 " $6 " ms"; else print "ok" }')
            if [ "$verdict" != ok ]; then
                echo "$topology: saturated at $r req/s ($verdict)" >&2
                break
            fi
            saturation="$r req/s"
        done
        stop_shop
        echo
        echo "== Sweep, $topology (${sweep_duration}s per rate; pass: errors <= 1 %, achieved >= 90 %, p99 <= ${p99_limit} ms) =="
        show "$out/sweep-$topology.tsv" | tee "$out/sweep-$topology.txt"
        echo "$topology: highest rate passed: $saturation" | tee -a "$out/sweep-$topology.txt"
    done
fi
echo
echo "machine after: $(uptime)" | tee -a "$out/machine.txt"
