#!/usr/bin/env bash
# What events cost and how fast they arrive (cleave-events' test app, Ledger publishing Posted to
# Audit, on the embedded PostgreSQL): a posting transaction with its event ÷ the same transaction
# without, and publish-to-applied latency p50/p99 at a fixed rate, in single and in multi (relayed
# over the transport), then through a real Kafka broker (started from cleave-kafka-broker) at
# 1,000 and 10,000 events/s. See bench/README.md.
#
#   bench/events.sh [transactions per mode, 3000] [events for latency, 2000] [events/s, 200] [Kafka events/s, 1000,10000] [Kafka events per rate, 5000]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -B -ntp -q -pl cleave-events -am test-compile -DskipTests >&2
./mvnw -B -ntp -q -pl cleave-events dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >&2
# Cleave's own modules from this checkout's build, not from ~/.m2
cp="cleave-events/target/test-classes:cleave-events/target/classes:$(tr ':' '\n' <cleave-events/target/bench.classpath \
    | sed -E "s#^.*/io/cleave/(cleave-[a-z-]+)/[^/]+/[^/]+\.jar\$#$root/\1/target/classes#" | paste -sd:)"
for deployer in single multi; do
    echo "== $deployer =="
    "$JAVA_HOME/bin/java" -cp "$cp" io.cleave.events.EventsBench "$deployer" "${1:-3000}" "${2:-2000}" "${3:-200}" 2>/dev/null \
        | grep -E '^(deployer=|publish in|end-to-end)'
done
echo "== kafka (single, through a one-node KRaft broker on loopback) =="
"$JAVA_HOME/bin/java" -cp "$cp" io.cleave.events.EventsBench kafka 1000 "${5:-5000}" "${4:-1000,10000}" 2>/dev/null \
    | grep -E '^(deployer=|publish in|end-to-end|warm-up)'

