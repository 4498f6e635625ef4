#!/usr/bin/env bash
# Cleave transport vs gRPC-java: small cross-process calls over loopback, server in a child JVM.
# Usage: bench/transport.sh [latencyCalls=50000] [callers=64] [seconds=8] [warmupSeconds=3]
#        bench/transport.sh rate=600 seconds=20 warmupSeconds=5   # CPU per call at a fixed rate
# Set MVN_OFFLINE= (empty) for the first run, so Maven may download gRPC.
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CPFILE="$PWD/bench/transport/target/transport-bench.classpath"
# One reactor run, so the classpath points at this checkout's modules (nothing is installed).
./mvnw -q ${MVN_OFFLINE--o} -pl bench/transport -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$CPFILE" >/dev/null
CP="bench/transport/target/classes:$(cat "$CPFILE")"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Xmx1g -cp "$CP" io.cleave.bench.transport.TransportBenchmark "$@"
