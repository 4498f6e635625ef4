#!/usr/bin/env python3
"""The latency on the wire, from a packet capture: what a load generator's "from send" figure
should read, less its own overhead.

    tcpdump -i lo -s 128 -B 16384 -w run.pcap 'tcp port 18181'     # while a tool runs
    tcpdump -r run.pcap -tt -nn -q 2>/dev/null | bench/wire-latency.py 18181 [SKIP_SECONDS]

Reads tcpdump's text (-tt -nn -q) from stdin. For each connection to PORT, the time from the
first packet carrying a request's bytes (client to server, length > 0) to the first packet
carrying the response's (server to client, length > 0); the tools under test keep at most one
request in flight per connection, so requests and responses pair up in order. Requests sent
in the first SKIP_SECONDS of the capture (a tool's warm-up) are left out. Prints
"<count> <p50 ms> <p99 ms>". The kernel stamps each packet as it passes the loopback device:
the figure leaves out both processes' time before the send and after the receive system calls.
"""
import re
import sys

port = sys.argv[1]
skip = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
first = None  # time of the capture's first packet
line_re = re.compile(r"^(\d+\.\d+) IP (\S+)\.(\d+) > (\S+)\.(\d+): tcp (\d+)")
started = {}  # client port -> time of the request's first packet
samples = []
for line in sys.stdin:
    m = line_re.match(line)
    if not m or m.group(6) == "0":
        continue
    t, sport, dport = float(m.group(1)), m.group(3), m.group(5)
    first = t if first is None else first
    if dport == port:  # client to server: a request (the first packet of it)
        started.setdefault(sport, t)
    elif sport == port and dport in started:  # server to client: the response to it
        sent = started.pop(dport)
        if sent - first >= skip:
            samples.append(t - sent)
if not samples:
    sys.exit(f"no request/response pairs to port {port} in the capture")
samples.sort()
n = len(samples)
print(n, f"{samples[n // 2] * 1000:.3f}", f"{samples[min(n - 1, n * 99 // 100)] * 1000:.3f}")
