#!/usr/bin/env bash
# The shop's OCI image (Jib, -Pimage): its size, and the time from launching its entry point to
# /ready 200 for one group (Storefront), as a pod of the kube deployer starts. No container runtime
# runs here: the layers are unpacked into a temporary root and the entry point runs with this
# machine's JDK (as ShopImageIT does). Each run starts the group twice, in turns: as the image's entry
# point does, from the class-data archive the build trained (/app/cds/app.jsa), and without it (the
# JDK's own archive of its classes only, as before the archive). Also the same JVM printing -version.
#
#   bench/kube-image.sh [RUNS]      (default 5; builds examples/shop/target/jib-image.tar if absent)
#
# Needs the local PostgreSQL (127.0.0.1:5432, user postgres): every pod prepares the components'
# schemas there, as pods do with [kube] database-secret. No API server: discovery retries in the
# background and does not hold up readiness.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA="$JAVA_HOME/bin/java"
TAR=examples/shop/target/jib-image.tar
if [[ ! -f $TAR ]]; then
  ./mvnw -B -ntp -q -pl examples/shop -am package -Pimage -Dimage.base=scratch -DskipTests
fi
CONFIG=$(realpath examples/shop/cleave-services.toml)
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
mkdir -p "$ROOT/image" "$ROOT/fs"
tar xf "$TAR" -C "$ROOT/image"
for layer in $(python3 -c "import json,sys;print(' '.join(json.load(open(sys.argv[1]))[0]['Layers']))" "$ROOT/image/manifest.json"); do
  tar xzf "$ROOT/image/$layer" -C "$ROOT/fs" 2>/dev/null
done
sed -i "s|/app/|$ROOT/fs/app/|g" "$ROOT/fs/app/jib-classpath-file"
psql -h 127.0.0.1 -U postgres -tc "select 1 from pg_database where datname='kube_image'" | grep -q 1 \
  || psql -h 127.0.0.1 -U postgres -qc 'create database kube_image'
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }

echo "image: $TAR, $(du -m "$TAR" | cut -f1) MiB as a tar; application layers unpacked: $(du -sm "$ROOT/fs/app" | cut -f1) MiB (base image not included: built FROM scratch here)"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
ARCHIVE="$ROOT/fs/app/cds/app.jsa"
[[ -f $ARCHIVE ]] || { echo "the image has no /app/cds/app.jsa (built before the class-data archive? delete $TAR to rebuild it)"; exit 1; }
echo "class-data archive: $(du -m "$ARCHIVE" | cut -f1) MiB"
# the image's JVM options (Jib's jvmFlags), the archive's path rebased on the temporary root
mapfile -t FLAGS < <(python3 -c "
import json,sys
m=json.load(open(sys.argv[1]))[0]; e=json.load(open(sys.argv[2]+'/'+m['Config']))['config']['Entrypoint']
for w in e[1:e.index('-cp')]: print(w.replace('=/app/', '='+sys.argv[3]+'/app/'))" "$ROOT/image/manifest.json" "$ROOT/image" "$ROOT/fs")
WITHOUT=()
for f in "${FLAGS[@]}"; do [[ $f == -XX:SharedArchiveFile=* ]] || WITHOUT+=("$f"); done

# start_to_ready NAME FLAGS...: ms from launching the group to /ready 200
start_to_ready() {
  local name=$1; shift
  local admin; admin=$(free_port)
  local t0; t0=$(ms)
  (cd "$ROOT/fs/app" && CLEAVE_GROUP=Storefront KUBERNETES_MASTER=http://127.0.0.1:1 \
    CLEAVE_DATA__URL=jdbc:postgresql://127.0.0.1:5432/kube_image CLEAVE_DATA__USER=postgres \
    CLEAVE_TRANSPORT__MTLS=false CLEAVE_KUBE__ADMIN_PORT=$admin CLEAVE_KUBE__RPC_PORT=$(free_port) \
    CLEAVE_LISTENERS__WEB=127.0.0.1:$(free_port) \
    exec "$JAVA" "$@" -cp "@$ROOT/fs/app/jib-classpath-file" io.cleave.shop.ShopMain --deployer=kube \
      --config="$CONFIG" \
      >"$ROOT/$name.log" 2>&1) &
  local pod=$! ready=""
  for _ in $(seq 1 6000); do
    if curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$admin/ready" 2>/dev/null | grep -q 200; then ready=$(( $(ms) - t0 )); break; fi
    kill -0 $pod 2>/dev/null || break
    sleep 0.02
  done
  kill $pod 2>/dev/null || true
  wait $pod 2>/dev/null || true
  if [[ -z $ready ]]; then echo "$name: not ready; log:" >&2; tail -20 "$ROOT/$name.log" >&2; exit 1; fi
  echo "$ready"
}

printf '| run | JVM -version (ms) | to /ready without the archive (ms) | to /ready as the image starts, with it (ms) | with ÷ without |\n|---:|---:|---:|---:|---:|\n'
for run in $(seq 1 "$RUNS"); do
  t0=$(ms); "$JAVA" -version >/dev/null 2>&1; base=$(( $(ms) - t0 ))
  without=$(start_to_ready "without$run" "${WITHOUT[@]}")
  with=$(start_to_ready "with$run" "${FLAGS[@]}" -Xshare:on)
  printf '| %d | %d | %d | %d | %.2fx |\n' "$run" "$base" "$without" "$with" "$(echo "$with / $without" | bc -l)"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
