#!/usr/bin/python3
"""Generates large synthetic feeds for the vulndb peak-memory measurements.

  vulndb_feeds.py debian OUT.json MIB   a Debian security tracker JSON of about MIB MiB
                                        (source package -> CVE -> releases; a third of the
                                        CVEs appear under two or three packages, as linux /
                                        linux-5.10 or firefox-esr / thunderbird do upstream)
  vulndb_feeds.py osv OUT/all.zip MIB   an osv.dev-style all.zip whose file is about MIB MiB
                                        (deflated OSV records with incompressible details)

Then measure, e.g.:
  /usr/bin/time -f '%M KiB peak, %e s' build/src/cli/surveyor db import --db /tmp/db OUT.json
Output is written as it is generated; the generator itself holds no feed in memory.
"""
import base64
import json
import random
import sys
import zipfile

RELEASES = ["bullseye", "bookworm", "trixie", "sid"]
URGENCIES = ["low", "medium", "high", "unimportant", "not yet assigned"]


def text(rng, n):
    return base64.b64encode(rng.randbytes(n * 3 // 4)).decode()[:n]


def debian(out_path, mib):
    rng = random.Random(1)
    target = mib << 20
    written = 0
    cve_serial = 0
    package = 0
    shared = []  # CVEs to repeat under a later package
    with open(out_path, "w") as out:
        out.write("{")
        first_pkg = True
        while written < target:
            name = "pkg%06d" % package
            package += 1
            entries = {}
            for _ in range(rng.randint(5, 40)):
                if shared and rng.random() < 0.3:
                    cve = shared.pop(rng.randrange(len(shared)))
                else:
                    cve_serial += 1
                    cve = "CVE-%d-%d" % (2000 + cve_serial % 25, 10000 + cve_serial)
                    if rng.random() < 0.33:
                        shared.append(cve)
                releases = {}
                for rel in rng.sample(RELEASES, 2):
                    if rng.random() < 0.6:
                        releases[rel] = {"status": "resolved", "repositories": {rel: "1.%d-1" % rng.randint(0, 99)},
                                         "fixed_version": "1.%d-1" % rng.randint(0, 99),
                                         "urgency": rng.choice(URGENCIES)}
                    else:
                        releases[rel] = {"status": "open", "repositories": {rel: "1.0-1"},
                                         "urgency": rng.choice(URGENCIES)}
                entries[cve] = {"description": text(rng, 2000), "scope": "remote", "releases": releases}
            chunk = ("" if first_pkg else ",") + json.dumps(name) + ":" + json.dumps(entries)
            first_pkg = False
            out.write(chunk)
            written += len(chunk)
        out.write("}")
    print("%s: %.0f MiB, %d packages, %d distinct CVEs" % (out_path, written / 1048576, package, cve_serial))


def osv(out_path, mib):
    rng = random.Random(2)
    target = mib << 20
    n = 0
    with zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as z:
        while True:
            if n % 1000 == 0:
                z.fp.flush()
                if z.fp.tell() >= target:
                    break
            rid = "GHSA-%04d-%04d-bnch" % (n // 10000, n % 10000)
            rec = {"schema_version": "1.6.0", "id": rid, "modified": "2024-01-01T00:00:00Z",
                   "published": "2023-01-01T00:00:00Z", "aliases": ["CVE-2023-%d" % (100000 + n)],
                   "summary": "synthetic advisory %d" % n, "details": text(rng, 1500),
                   "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                   "affected": [{"package": {"ecosystem": "PyPI", "name": "pkg-%d" % (n % 50000)},
                                 "ranges": [{"type": "ECOSYSTEM",
                                             "events": [{"introduced": "0"}, {"fixed": "1.%d.0" % (n % 97)}]}],
                                 "versions": ["1.0.0", "1.0.1"]}],
                   "references": [{"type": "WEB", "url": "https://example.invalid/" + rid}]}
            z.writestr(rid + ".json", json.dumps(rec))
            n += 1
    print("%s: %d records" % (out_path, n))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("debian", "osv"):
        sys.exit(__doc__)
    (debian if sys.argv[1] == "debian" else osv)(sys.argv[2], int(sys.argv[3]))
