"""Durability and bounded resources: restarts, kill -9, disconnects, and a 1 GiB layer pushed
and pulled while the server's memory stays flat."""

import hashlib
import http.client
import json
import os
import random
import signal
import socket
import threading
import time

import pytest

from conftest import Server, sha256

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def start_upload(server, repo="app"):
    status, headers, _ = server.request("POST", f"/v2/{repo}/blobs/uploads/")
    assert status == 202
    return headers["location"]


@pytest.mark.parametrize("how", ["sigterm", "kill9"])
def test_restart_in_the_middle_of_a_chunked_upload(tmp_path, how):
    s = Server(str(tmp_path / "data")).start()
    try:
        location = start_upload(s)
        part1, part2 = os.urandom(300_000), os.urandom(200_000)
        assert s.request("PATCH", location, body=part1,
                         headers={"Content-Range": f"0-{len(part1) - 1}"})[0] == 202
        if how == "kill9":
            port = s.port
            s.kill9()
            s.start(port)
        else:
            s.restart()
        status, headers, _ = s.request("GET", location)
        assert status == 204 and headers["range"] == f"0-{len(part1) - 1}"
        end = len(part1) + len(part2) - 1
        assert s.request("PATCH", location, body=part2,
                         headers={"Content-Range": f"{len(part1)}-{end}"})[0] == 202
        digest = sha256(part1 + part2)
        assert s.request("PUT", f"{location}?digest={digest}")[0] == 201
        assert s.request("GET", f"/v2/app/blobs/{digest}")[2] == part1 + part2
    finally:
        s.stop()


def test_sigterm_exits_cleanly(tmp_path):
    s = Server(str(tmp_path / "data")).start()
    assert s.request("GET", "/v2/")[0] == 200
    assert s.stop(signal.SIGTERM) == 0


def test_client_disconnect_mid_upload_leaves_no_blob(server):
    data = os.urandom(1_000_000)
    digest = sha256(data)
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall((f"POST /v2/app/blobs/uploads/?digest={digest} HTTP/1.1\r\nHost: x\r\n"
                  f"Content-Length: {len(data)}\r\n\r\n").encode() + data[:400_000])
    time.sleep(0.2)
    sock.close()
    time.sleep(0.5)
    assert server.request("HEAD", f"/v2/app/blobs/{digest}")[0] == 404
    blobs_dir = os.path.join(server.data_dir, "blobs", "sha256", digest[7:9])
    assert not os.path.exists(os.path.join(blobs_dir, digest[7:]))
    # The half-sent upload's temporary data was removed too.
    assert os.listdir(os.path.join(server.data_dir, "uploads")) == []


def verify_store(data_dir):
    """Every committed blob file holds exactly the bytes its name says."""
    root = os.path.join(data_dir, "blobs", "sha256")
    count = 0
    for prefix in os.listdir(root):
        for name in os.listdir(os.path.join(root, prefix)):
            with open(os.path.join(root, prefix, name), "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == name, f"corrupt blob {name}"
            count += 1
    return count


def test_kill9_loses_nothing_acknowledged(tmp_path):
    s = Server(str(tmp_path / "data")).start()
    acked = []  # (repo, tag, manifest digest, [blob digests and data])
    rng = random.Random(7)
    try:
        for round_ in range(4):
            stop = threading.Event()

            def pusher(stop=stop, round_=round_):
                i = 0
                while not stop.is_set():
                    try:
                        repo = f"r{round_}"
                        cfg = b'{"n":%d}' % i
                        layer = os.urandom(rng.randint(1000, 400_000))
                        digests = []
                        for blob in (cfg, layer):
                            d = sha256(blob)
                            st, _, _ = s.request("POST", f"/v2/{repo}/blobs/uploads/?digest={d}", body=blob)
                            if st != 201:
                                return
                            digests.append((d, blob))
                        manifest = json.dumps({
                            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
                            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                       "digest": digests[0][0], "size": len(cfg)},
                            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                                        "digest": digests[1][0], "size": len(layer)}]}).encode()
                        st, h, _ = s.request("PUT", f"/v2/{repo}/manifests/t{i}", body=manifest,
                                             headers={"Content-Type": OCI_MANIFEST})
                        if st != 201:
                            return
                        acked.append((repo, f"t{i}", h["docker-content-digest"], manifest, digests))
                        i += 1
                    except (OSError, http.client.HTTPException):
                        return

            t = threading.Thread(target=pusher)
            t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            port = s.port
            s.kill9()
            stop.set()
            t.join()
            s.start(port)
        assert len(acked) > 10
        for repo, tag, mdigest, manifest, blobs in acked:
            st, h, body = s.request("GET", f"/v2/{repo}/manifests/{tag}")
            assert st == 200 and body == manifest and h["docker-content-digest"] == mdigest
            for d, data in blobs:
                st, _, body = s.request("GET", f"/v2/{repo}/blobs/{d}")
                assert st == 200 and body == data
        assert verify_store(s.data_dir) >= 2 * len(acked) // 2
    finally:
        s.stop()


class PatternStream:
    """`size` bytes of a cheap deterministic pattern, hashed as they are produced."""

    def __init__(self, size, chunk=1 << 20):
        self.size, self.chunk = size, chunk
        self.hash = hashlib.sha256()
        block = bytearray(os.urandom(chunk))
        self.blocks = [bytes(block[i:] + block[:i]) for i in range(0, 16)]

    def __iter__(self):
        sent, n = 0, 0
        while sent < self.size:
            data = self.blocks[n % len(self.blocks)][: min(self.chunk, self.size - sent)]
            self.hash.update(data)
            sent += len(data)
            n += 1
            yield data


def test_one_gib_layer_with_flat_memory(server):
    size = 1 << 30
    location = start_upload(server)
    stream = PatternStream(size)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.putrequest("PATCH", location)
    conn.putheader("Content-Length", str(size))
    conn.putheader("Content-Type", "application/octet-stream")
    conn.endheaders()
    for chunk in stream:
        conn.send(chunk)
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 202, resp.status
    conn.close()
    digest = "sha256:" + stream.hash.hexdigest()
    assert server.request("PUT", f"{location}?digest={digest}")[0] == 201
    # Pull it back, streaming, and check every byte by digest.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.request("GET", f"/v2/app/blobs/{digest}")
    resp = conn.getresponse()
    h = hashlib.sha256()
    total = 0
    while True:
        chunk = resp.read(1 << 20)
        if not chunk:
            break
        h.update(chunk)
        total += len(chunk)
    conn.close()
    assert total == size and "sha256:" + h.hexdigest() == digest
    peak_kib = server.peak_rss_kib()
    print(f"\npeak RSS after a 1 GiB push and pull: {peak_kib / 1024:.1f} MiB")
    if not os.environ.get("SURVEYOR_SANITIZED"):  # ASan's shadow memory is not ours
        assert peak_kib < 100 * 1024
