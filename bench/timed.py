#!/usr/bin/env python3
"""Runs a command; prints its wall time and the CPU time (user + system) it and its children
used, in seconds: `timed.py CMD ARGS...` -> "0.281 0.243". When the command fails, it prints
nothing on stdout (so a caller's `read` fails too), says so on stderr and exits with 1."""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
status = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
if status != 0:
    sys.exit(f"timed.py: {sys.argv[1]} failed with status {status}")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.4f} {usage.ru_utime + usage.ru_stime:.4f}")
