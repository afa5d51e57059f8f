"""Fixtures for end-to-end tests: a real `surveyor serve` on a free loopback port, and the real
clients (skopeo, podman, buildah) pointed at it."""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tarfile
import time
import http.client

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.path.join(os.path.dirname(REPO_ROOT), "shared")
TESTIMAGES = os.path.join(SHARED, "images", "testimages")


def surveyor_bin():
    path = os.environ.get("SURVEYOR_BIN", os.path.join(REPO_ROOT, "build", "src", "cli", "surveyor"))
    if not os.path.exists(path):
        pytest.fail(f"surveyor binary not found at {path}; build first (scripts/build)")
    return path


class Server:
    """A surveyor serve process. start() waits for its 'listening' line; port 0 picks a port.

    `anonymous` is passed as --anonymous: the OCI protocol, durability and GC tests drive an open
    registry ("push": no credentials needed), while the server's own default is "none" (every /v2
    request needs a registry token or a signature); ECR/Inspector tests pass "none"."""

    def __init__(self, data_dir, extra_args=(), anonymous="push"):
        self.data_dir = data_dir
        self.anonymous = anonymous
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.log_path = os.path.join(os.path.dirname(data_dir), "server.log")

    def start(self, port=0):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [surveyor_bin(), "serve", "--listen", f"127.0.0.1:{port}", "--data", self.data_dir,
             "--log-level", "warn", "--anonymous", self.anonymous, *self.extra_args],
            stdout=subprocess.PIPE, stderr=log)
        line = self.proc.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"server did not start: {line!r}; log in {self.log_path}")
        self.port = int(m.group(1))
        return self

    @property
    def host(self):
        return f"127.0.0.1:{self.port}"

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=timeout)
        code = self.proc.returncode if self.proc else None
        self.proc = None
        return code

    def restart(self):
        port = self.port
        self.stop()
        return self.start(port)

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc = None

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data


@pytest.fixture
def server(tmp_path):
    s = Server(str(tmp_path / "data")).start()
    yield s
    s.stop()


def run(cmd, **kw):
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def skopeo(*args):
    return run(["skopeo", *args])


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def make_layer(files, compress=True):
    """A tar layer with `files` {path: bytes}; returns (blob, diff_id)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, content in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size = len(content)
            info.mtime = 1700000000
            tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    blob = gzip.compress(tar_bytes, mtime=0) if compress else tar_bytes
    return blob, sha256(tar_bytes)


def make_oci_layout(path, tag, layers_files, arch="amd64"):
    """Writes an OCI image layout with one image of the given layers; returns the manifest digest."""
    os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)

    def put(data):
        digest = sha256(data)
        with open(os.path.join(path, "blobs", "sha256", digest[7:]), "wb") as f:
            f.write(data)
        return digest

    layers, diff_ids = [], []
    for files in layers_files:
        blob, diff_id = make_layer(files)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                       "digest": put(blob), "size": len(blob)})
        diff_ids.append(diff_id)
    config = json.dumps({"architecture": arch, "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids},
                         "config": {}}).encode()
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": put(config), "size": len(config)},
                           "layers": layers}).encode()
    mdigest = put(manifest)
    index_path = os.path.join(path, "index.json")
    index = {"schemaVersion": 2, "manifests": []}
    if os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    index["manifests"].append({"mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "digest": mdigest, "size": len(manifest),
                               "annotations": {"org.opencontainers.image.ref.name": tag}})
    with open(index_path, "w") as f:
        json.dump(index, f)
    with open(os.path.join(path, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return mdigest


@pytest.fixture
def small_image(tmp_path):
    """A two-layer OCI layout the test generates itself: (layout dir, tag)."""
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [
        {"etc/os-release": b'ID=debian\nVERSION_ID="12"\n', "hello.txt": b"hello\n"},
        {"app/data.bin": os.urandom(200_000)},
    ])
    return layout, "v1"


def podman_args(tmp_path):
    # podman limits the run root to 50 characters, so it cannot live under tmp_path.
    import tempfile
    runroot = tempfile.mkdtemp(prefix="sv-run-", dir="/tmp")
    return ["--root", str(tmp_path / "ctr-root"), "--runroot", runroot, "--storage-driver", "vfs"]


def have(tool):
    return shutil.which(tool) is not None
