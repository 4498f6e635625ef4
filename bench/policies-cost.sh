#!/usr/bin/env bash
# What the shop's resilience policies cost per checkout (issue 13, d): bench/monolith-vs-services.sh
# twice, from one build — policies "off" (as far as configuration goes: no breaker, no retries, no
# timeout or bulkhead configured; calls between processes still pass the policy decorator) and
# policies "on" (the ones examples/shop/cleave-services.toml sets: a 2 s timeout and a breaker on
# Payments, a bulkhead and a 10 s timeout on Checkout; breaker and retries within a budget on every
# other edge, the defaults). Prints both tables and the ratio of the two services/monolith ratios.
# Goal: services/monolith CPU per checkout with the policies on within 5% of the figure with them off.
#
#   bench/policies-cost.sh             # ~15 minutes on 2 cores
#   RATE=200 WARMUP=60 DURATION=60 BUILD=no OUT=dir
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$root/bench/target/policies-cost/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
off='--set=resilience.breaker=false --set=resilience.retries=0'
on='--set=resilience.Payments.timeout="2s" --set=resilience.Payments.retries=0
    --set=resilience.Payments.breaker-minimum-calls=5 --set=resilience.Payments.breaker-slow-call="1s"
    --set=resilience.Payments.breaker-slow-call-rate=80 --set=resilience.Payments.breaker-open-for="5s"
    --set=resilience.Checkout.bulkhead=64 --set=resilience.Checkout.timeout="10s"'
common=(SWEEP=no IDLE=0 RATE="${RATE:-200}" WARMUP="${WARMUP:-60}" DURATION="${DURATION:-60}")

env "${common[@]}" BUILD="${BUILD:-yes}" SET="$off" OUT="$out/off" bench/monolith-vs-services.sh
env "${common[@]}" BUILD=no SET="$(echo $on)" OUT="$out/on" bench/monolith-vs-services.sh

python3 - "$out/off/table.tsv" "$out/on/table.tsv" <<'PY'
import sys
def ratio(path): # JVM CPU-s per 1,000 checkouts is column 12 of monolith-vs-services.sh's table
    cpu = {f[0]: float(f[11]) for f in (l.rstrip("\n").split("\t") for l in open(path))}
    return cpu["monolith"], cpu["services"], cpu["services"] / cpu["monolith"]
off, on = ratio(sys.argv[1]), ratio(sys.argv[2])
print("policies   monolith CPU-s/1k checkouts   services CPU-s/1k checkouts   services/monolith")
print(f"off        {off[0]:27.2f}   {off[1]:27.2f}   {off[2]:17.2f}x")
print(f"on         {on[0]:27.2f}   {on[1]:27.2f}   {on[2]:17.2f}x")
print(f"on / off: monolith {on[0] / off[0]:.3f}x, services {on[1] / off[1]:.3f}x, services/monolith ratio {on[2] / off[2]:.3f}x (goal: within 5%)")
PY
echo "tables: $out/off/table.txt and $out/on/table.txt" >&2
