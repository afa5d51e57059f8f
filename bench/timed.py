#!/usr/bin/env python3
"""Runs a command; prints its wall time and the CPU time (user + system) it and its children
used, in seconds: `timed.py CMD ARGS...` -> "0.281 0.243". Exits with the command's status."""
import resource
import subprocess
import sys
import time

start = time.perf_counter()
status = subprocess.call(sys.argv[1:])
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{wall:.4f} {usage.ru_utime + usage.ru_stime:.4f}")
sys.exit(status)
