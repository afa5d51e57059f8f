#!/usr/bin/python3
"""Push-to-COMPLETE latency for bookworm-app against a real `surveyor serve` (issue 6).

Each round starts a server on a fresh data directory whose vulnerability DB already holds the
Go and npm advisories of ../shared/data/advisories (imported before the clock starts), then
times `skopeo copy oci:../shared/images/testimages:bookworm-app docker://.../app:v1` and polls
the image's scan status until COMPLETE. The status is read from the server's metadata database
(`scan_images`, read-only, every 5 ms), the same row `surveyor wait` and the ECR/Inspector APIs
read. Layer cache and blobs start empty each round: this is a cold first push.

  bench/push_to_complete.py [ROUNDS]     (default 5; needs build/src/cli/surveyor and skopeo)

P2C_RECORDS_ID_INDEX=1 adds an index on the vulnerability DB's records(id) to the template first:
a what-if for src/vulndb, whose VulnDb::Show looks records up by `id = ? OR canonical_id = ?`
and, without that index, scans the whole records table once per advisory loaded.

Prints per round: push (skopeo) time, push-done→COMPLETE, and end-to-end, then medians; and the
server's own per-stage timings from its "image scanned" log line."""

import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
IMAGES = os.path.join(SHARED, "images", "testimages")
ADVISORIES = os.path.join(SHARED, "data", "advisories")
SURVEYOR = os.environ.get("SURVEYOR_BIN", os.path.join(ROOT, "build", "src", "cli", "surveyor"))


def status_of(db_path, repo):
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            row = con.execute("SELECT status FROM scan_images WHERE repository = ?", (repo,)).fetchone()
        finally:
            con.close()
        return row[0] if row else None
    except sqlite3.Error:
        return None


def one_round(work, vulndb_template):
    data = os.path.join(work, "data")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    shutil.copytree(vulndb_template, os.path.join(data, "vulndb"))
    log_path = os.path.join(work, "server.log")
    log = open(log_path, "wb")
    proc = subprocess.Popen([SURVEYOR, "serve", "--listen", "127.0.0.1:0", "--data", data,
                             "--log-level", "info", "--anonymous", "push"],
                            stdout=subprocess.PIPE, stderr=log)
    line = proc.stdout.readline().decode()
    port = re.search(r"127\.0\.0\.1:(\d+)", line).group(1)
    db_path = os.path.join(data, "metadata.db")
    try:
        t0 = time.monotonic()
        subprocess.run(["skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                        f"oci:{IMAGES}:bookworm-app", f"docker://127.0.0.1:{port}/app:v1"],
                       check=True, capture_output=True)
        t1 = time.monotonic()
        while True:
            s = status_of(db_path, "app")
            if s in ("COMPLETE", "FAILED", "UNSUPPORTED_IMAGE"):
                break
            if time.monotonic() - t0 > 120:
                raise SystemExit("no COMPLETE within 120 s")
            time.sleep(0.005)
        t2 = time.monotonic()
        if s != "COMPLETE":
            raise SystemExit(f"scan ended {s}; see {log_path}")
    finally:
        proc.terminate()
        proc.wait()
        log.close()
    stages = ""
    with open(log_path) as f:
        for l in f:
            if "image scanned" in l:
                stages = l.strip().split("image scanned", 1)[1]
    return t1 - t0, t2 - t1, t2 - t0, stages


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    if not os.path.isdir(IMAGES):
        raise SystemExit(f"{IMAGES} is missing")
    work = tempfile.mkdtemp(prefix="surveyor-p2c-")
    try:
        template = os.path.join(work, "vulndb-template")
        for feed in ("golang-vulndb", "nodejs-security-wg"):
            subprocess.run([SURVEYOR, "db", "--db", template, "import",
                            os.path.join(ADVISORIES, feed)], check=True, capture_output=True)
        if os.environ.get("P2C_RECORDS_ID_INDEX") == "1":
            con = sqlite3.connect(os.path.join(template, "vulndb.sqlite"))
            con.execute("CREATE INDEX IF NOT EXISTS records_id ON records(id)")
            con.commit()
            con.close()
            print("what-if: records(id) index added to the vulnerability DB")
        results = []
        for r in range(rounds):
            push, scan, total, stages = one_round(work, template)
            results.append((push, scan, total))
            print(f"round {r + 1}: push {push:.3f} s, push done -> COMPLETE {scan:.3f} s, "
                  f"end to end {total:.3f} s |{stages}")
        med = [statistics.median(x[i] for x in results) for i in range(3)]
        print(f"median of {rounds}: push {med[0]:.3f} s, push done -> COMPLETE {med[1]:.3f} s, "
              f"end to end {med[2]:.3f} s (target < 1.5 s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
