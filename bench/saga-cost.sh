#!/usr/bin/env bash
# What the durable saga (cleave-saga) costs per checkout, against the hand-written saga the shop's
# checkout was before it (bench/shop/handwritten/CheckoutImpl.java, from commit 1bef050): runs
# bench/monolith-vs-services.sh's table (no sweep) for the shop as it is, then for a copy of this
# commit whose CheckoutImpl.java is the hand-written one, on the same PostgreSQL, in one run; prints
# the CPU per 1,000 checkouts of the JVMs and of the database backends, and their ratios, per
# topology. See bench/README.md.
#
#   bench/saga-cost.sh                       # ~14 minutes on 2 cores
#   RATE=200 WARMUP=120 DURATION=60          # passed on to monolith-vs-services.sh
#   OUT=dir
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$root/bench/target/saga-cost/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
export RATE="${RATE:-200}" WARMUP="${WARMUP:-120}" DURATION="${DURATION:-60}" SWEEP=no
work="$(mktemp -d)"
baseline="$work/handwritten"
cleanup() {
    git -C "$root" worktree remove --force "$baseline" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

echo "building the baseline: this commit with the hand-written checkout ..." >&2
git -C "$root" worktree add --detach -q "$baseline" HEAD
cp bench/shop/handwritten/CheckoutImpl.java "$baseline/examples/shop/src/main/java/io/cleave/shop/checkout/CheckoutImpl.java"
# the hand-written checkout keeps the lease column that the saga's migration drops
echo "select 1;" >"$baseline/examples/shop/src/main/resources/db/checkout/V2__saga.sql"

echo "== the shop as it is (durable saga) ==" >&2
OUT="$out/saga" "$root/bench/monolith-vs-services.sh"
echo "== the hand-written checkout ==" >&2
OUT="$out/handwritten" "$baseline/bench/monolith-vs-services.sh"

python3 - "$out/saga/table.tsv" "$out/handwritten/table.tsv" <<'EOF' | tee "$out/saga-cost.txt"
import sys
def rows(path):
    return {l.split("\t")[0]: l.rstrip("\n").split("\t") for l in open(path)}
saga, hand = rows(sys.argv[1]), rows(sys.argv[2])
print("| topology | checkout | checkouts | errors % | JVM CPU-s / 1k | DB CPU-s / 1k | total CPU-s / 1k | p99 ms |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for topology in saga:
    for name, table in (("hand-written", hand), ("durable saga", saga)):
        r = table[topology]
        print(f"| {topology} | {name} | {r[8]} | {r[7]} | {r[11]} | {r[12]} | {float(r[11]) + float(r[12]):.2f} | {r[5]} |")
for topology in saga:
    s, h = saga[topology], hand[topology]
    jvm = float(s[11]) / float(h[11])
    total = (float(s[11]) + float(s[12])) / (float(h[11]) + float(h[12]))
    print(f"{topology}: durable saga / hand-written CPU per checkout: JVMs {jvm:.3f}x, JVMs and database {total:.3f}x"
          " (goal <= 1.10x)")
EOF
