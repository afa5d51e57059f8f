"""Online garbage collection: collectors run in a loop while clients push, pull and delete 500
images; nothing live goes missing, nothing pulled is corrupt, and disk usage returns to the live
set. A collector killed with -9 leaves a store that fsck finds clean."""

import hashlib
import json
import os
import random
import subprocess
import threading
import time

from conftest import Server, sha256, surveyor_bin

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def push_image(server, repo, tag, blobs):
    """Uploads `blobs` (config first) and a manifest; returns the manifest digest or None when the
    registry refused the manifest because a collector took an unreferenced blob first."""
    for data in blobs:
        status, _, body = server.request("POST", f"/v2/{repo}/blobs/uploads/?digest={sha256(data)}",
                                         body=data)
        assert status == 201, body
    manifest = json.dumps({
        "schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(blobs[0]), "size": len(blobs[0])},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": sha256(b), "size": len(b)} for b in blobs[1:]]}).encode()
    status, headers, body = server.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                           headers={"Content-Type": OCI_MANIFEST})
    if status == 400 and json.loads(body)["errors"][0]["code"] == "MANIFEST_BLOB_UNKNOWN":
        return None
    assert status == 201, body
    return headers["docker-content-digest"]


def pull_image(server, repo, tag):
    status, _, body = server.request("GET", f"/v2/{repo}/manifests/{tag}",
                                     headers={"Accept": OCI_MANIFEST})
    assert status == 200, (repo, tag, body)
    m = json.loads(body)
    for d in [m["config"]] + m["layers"]:
        status, _, data = server.request("GET", f"/v2/{repo}/blobs/{d['digest']}")
        assert status == 200, f"missing blob {d['digest']} of {repo}:{tag}"
        assert sha256(data) == d["digest"], f"corrupt pull of {d['digest']}"
    return m


def blob_dir_bytes(data_dir):
    total = 0
    for root, _, files in os.walk(os.path.join(data_dir, "blobs")):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def gc(data_dir, grace=0, check=True):
    r = subprocess.run([surveyor_bin(), "gc", "--data", data_dir, "--grace", str(grace), "--json"],
                       capture_output=True, text=True, timeout=120)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def fsck(data_dir):
    r = subprocess.run([surveyor_bin(), "fsck", "--data", data_dir, "--json"],
                       capture_output=True, text=True, timeout=300)
    return r.returncode, json.loads(r.stdout) if r.stdout else None


def test_gc_in_a_loop_while_pushing_and_pulling_500_images(tmp_path):
    config = tmp_path / "surveyor.yaml"
    config.write_text("gc:\n  interval_seconds: 0\n")
    s = Server(str(tmp_path / "data"), ["--config", str(config)]).start()
    try:
        base_layers = [os.urandom(50_000) for _ in range(3)]  # shared by many images
        live = {}  # (repo, tag) → manifest
        lock = threading.Lock()
        stop = threading.Event()
        collections = []

        def collector():
            while not stop.is_set():
                r = gc(s.data_dir, grace=1)
                collections.append(json.loads(r.stdout)["blobsDeleted"])

        def client(n, seed):
            rng = random.Random(seed)
            for i in range(n):
                repo = f"team{seed}/app{i % 5}"
                tag = f"t{i}"
                blobs = [b'{"i":%d,"s":%d}' % (i, seed), rng.choice(base_layers),
                         os.urandom(rng.randint(1_000, 30_000))]
                digest = None
                for _attempt in range(5):  # a collector may win a race for a fresh blob: retry
                    digest = push_image(s, repo, tag, blobs)
                    if digest:
                        break
                assert digest, "push kept losing to the collector"
                pull_image(s, repo, tag)
                with lock:
                    live[(repo, tag)] = True
                if rng.random() < 0.5:  # delete about half, so the collector has work
                    assert s.request("DELETE", f"/v2/{repo}/manifests/{digest}")[0] == 202
                    with lock:
                        del live[(repo, tag)]
                elif live and rng.random() < 0.3:
                    with lock:
                        other = rng.choice(list(live))
                    pull_image(s, *other)

        threads = [threading.Thread(target=collector)]
        threads += [threading.Thread(target=client, args=(250, seed)) for seed in (1, 2)]
        for t in threads:
            t.start()
        for t in threads[1:]:
            t.join()
        stop.set()
        threads[0].join()
        assert len(collections) >= 2 and sum(collections) > 0

        # Every image still tagged pulls intact.
        live_blobs = {}
        for repo, tag in live:
            m = pull_image(s, repo, tag)
            for d in [m["config"]] + m["layers"]:
                live_blobs[d["digest"]] = d["size"]
        # After a final collection with no grace, the disk holds exactly the live set.
        time.sleep(1.1)
        gc(s.data_dir, grace=0)
        assert blob_dir_bytes(s.data_dir) == sum(live_blobs.values())
        code, report = fsck(s.data_dir)
        assert code == 0 and report["clean"], report
    finally:
        s.stop()


def test_kill9_during_gc_then_fsck_is_clean(tmp_path):
    s = Server(str(tmp_path / "data")).start()
    try:
        keep = []
        for i in range(300):
            blobs = [b'{"n":%d}' % i, os.urandom(2_000)]
            digest = push_image(s, "churn", f"t{i}", blobs)
            if i % 3:
                s.request("DELETE", f"/v2/churn/manifests/{digest}")
            else:
                keep.append(f"t{i}")
    finally:
        s.stop()
    data_dir = str(tmp_path / "data")
    for delay in (0.02, 0.05, 0.1, 0.2):
        p = subprocess.Popen([surveyor_bin(), "gc", "--data", data_dir, "--grace", "0"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        p.kill()
        p.wait()
        code, report = fsck(data_dir)
        assert code == 0 and report["clean"], report
    s = Server(data_dir).start()
    try:
        for tag in keep:
            pull_image(s, "churn", tag)
    finally:
        s.stop()
