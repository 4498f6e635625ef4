#!/usr/bin/env python3
"""Recovery of the split shop from kill -9, measured from outside as an operator would.

Usage: recovery.py STATE_DIR DATA_DIR ROUNDS

For each round and each group (replica 0), kills the process with SIGKILL and measures the time
until the supervisor reports a new process of that replica running and HEALTHY (its status port,
as `cleave status` reads it; polled every 20 ms without starting a JVM). For the group hosting
Checkout it also measures how long the sagas that were in flight at the kill take to reach a final
state, counted from the moment the replica is back. Prints one line per measurement and a summary
table (median and max per group). Needs psql; reads the embedded server's port and the superuser
password from DATA_DIR/postgres/cleave.properties.
"""
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time


def status(state_dir):
    with open(os.path.join(state_dir, "shop", "supervisor.json")) as f:
        state = json.load(f)
    port = state["statusPort"]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        # the status port wants the secret in the state file, readable by the supervisor's user only
        s.sendall(("STATUS " + state["secret"] + "\n").encode())
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return json.loads(data)


def replica(report, group, index):
    for g in report["groups"]:
        if g["name"] == group:
            for r in g["replicas"]:
                if r["index"] == index:
                    return r
    raise KeyError(group)


def psql(data_dir, sql):
    props = {}
    with open(os.path.join(data_dir, "postgres", "cleave.properties")) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.strip().split("=", 1)
                props[k] = v
    env = dict(os.environ, PGPASSWORD=props["superuser.password"])
    out = subprocess.run(["psql", "-X", "-At", "-h", "127.0.0.1", "-p", props["port"], "-U", "cleave", "-d",
                          props["database"], "-c", sql], env=env, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(out.stderr)
    return [line for line in out.stdout.splitlines() if line]


def main():
    state_dir, data_dir, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    groups = [g["name"] for g in status(state_dir)["groups"]]
    back = {g: [] for g in groups}
    saga_final = []
    for rnd in range(rounds):
        for group in groups:
            old = replica(status(state_dir), group, 0)["pid"]
            in_flight = []
            if "Checkout" in group:  # kill it while sagas are in flight (waits up to 10 s for some)
                waited = time.monotonic()
                while not in_flight and time.monotonic() - waited < 10:
                    in_flight = psql(data_dir, "select id from checkout.cleave_saga where phase in ('FORWARD','COMPENSATING')")
            killed = time.monotonic()
            os.kill(old, signal.SIGKILL)
            while True:
                try:
                    r = replica(status(state_dir), group, 0)
                    if r.get("pid") not in (None, old) and r["state"] == "running" and r["health"] == "HEALTHY":
                        break
                except (OSError, ValueError):
                    pass
                if time.monotonic() - killed > 120:
                    raise SystemExit(f"{group}/0 not back within 120 s")
                time.sleep(0.02)
            up = time.monotonic()
            back[group].append(up - killed)
            line = f"round {rnd + 1} {group}/0: back and healthy {up - killed:.2f} s after kill -9"
            if in_flight:
                ids = ",".join("'" + i.replace("'", "''") + "'" for i in in_flight)
                while True:
                    left = psql(data_dir, f"select count(*) from checkout.cleave_saga where id in ({ids})"
                                          " and phase in ('FORWARD','COMPENSATING')")
                    if left and left[0] == "0":
                        break
                    if time.monotonic() - up > 120:
                        raise SystemExit("sagas still running 120 s after the process came back")
                    time.sleep(0.05)
                done = time.monotonic() - up
                saga_final.append(done)
                line += f"; its {len(in_flight)} sagas in flight all final {done:.2f} s after it was back"
            print(line, flush=True)
            time.sleep(3)  # let the system settle before the next kill
    print()
    print("| group | kills | back and healthy: median (s) | max (s) |")
    print("|---|---:|---:|---:|")
    for group, times in back.items():
        print(f"| {group} | {len(times)} | {statistics.median(times):.2f} | {max(times):.2f} |")
    if saga_final:
        print(f"| sagas in flight at a Checkout kill, to final state after the process was back | {len(saga_final)}"
              f" | {statistics.median(saga_final):.2f} | {max(saga_final):.2f} |")


if __name__ == "__main__":
    main()
