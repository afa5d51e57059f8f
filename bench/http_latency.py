#!/usr/bin/env python3
"""Request latency over one keep-alive connection: `http_latency.py PORT PATH METHOD N [HEADER:VALUE]`.
Prints the median and the 99th percentile in milliseconds. (wrk cannot time HEAD: it waits for a
body that a HEAD response never has.)"""
import http.client
import statistics
import sys
import time

port, path, method, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
headers = dict(h.split(":", 1) for h in sys.argv[5:])
conn = http.client.HTTPConnection("127.0.0.1", port)
samples = []
for i in range(n + 50):
    t0 = time.perf_counter()
    conn.request(method, path, headers=headers)
    resp = conn.getresponse()
    resp.read()
    t1 = time.perf_counter()
    if resp.status != 200:
        sys.exit(f"{method} {path}: HTTP {resp.status}")
    if i >= 50:  # warm-up excluded
        samples.append((t1 - t0) * 1000)
samples.sort()
print(f"{statistics.median(samples):.4f} {samples[int(len(samples) * 0.99)]:.4f}")
