"""Push and pull with the clients users run: skopeo, podman, buildah. Content must round-trip
byte-identical, by digest."""

import json
import os
import subprocess

import pytest

from conftest import (TESTIMAGES, have, make_oci_layout, podman_args, run, sha256, skopeo)

TLS = "--dest-tls-verify=false"
SRC_TLS = "--src-tls-verify=false"


def raw_manifest(ref, *flags):
    return subprocess.run(["skopeo", "inspect", "--raw", *flags, ref], capture_output=True,
                          check=True, timeout=120).stdout


def test_skopeo_push_pull_oci_roundtrip(server, small_image, tmp_path):
    layout, tag = small_image
    skopeo("copy", TLS, f"oci:{layout}:{tag}", f"docker://{server.host}/team/app/api:{tag}")
    pushed = raw_manifest(f"oci:{layout}:{tag}")
    served = raw_manifest(f"docker://{server.host}/team/app/api:{tag}", "--tls-verify=false")
    assert served == pushed
    out = str(tmp_path / "pulled")
    skopeo("copy", SRC_TLS, f"docker://{server.host}/team/app/api:{tag}", f"oci:{out}:{tag}")
    # Every blob came back with the bytes its digest names.
    for name in os.listdir(os.path.join(layout, "blobs", "sha256")):
        with open(os.path.join(out, "blobs", "sha256", name), "rb") as f:
            assert sha256(f.read()) == "sha256:" + name


def test_skopeo_docker_v2s2_format(server, small_image):
    layout, tag = small_image
    skopeo("copy", TLS, "--format", "v2s2", f"oci:{layout}:{tag}",
           f"docker://{server.host}/v2s2/app:{tag}")
    m = json.loads(raw_manifest(f"docker://{server.host}/v2s2/app:{tag}", "--tls-verify=false"))
    assert m["mediaType"] == "application/vnd.docker.distribution.manifest.v2+json"
    assert m["layers"][0]["mediaType"] == "application/vnd.docker.image.rootfs.diff.tar.gzip"
    status, headers, body = server.request("GET", f"/v2/v2s2/app/manifests/{tag}", headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    assert status == 200
    assert headers["docker-content-digest"] == sha256(body)


def test_skopeo_zstd_layers(server, small_image, tmp_path):
    layout, tag = small_image
    skopeo("copy", TLS, "--dest-compress-format", "zstd", "--dest-compress",
           f"oci:{layout}:{tag}", f"docker://{server.host}/zstd/app:{tag}")
    m = json.loads(raw_manifest(f"docker://{server.host}/zstd/app:{tag}", "--tls-verify=false"))
    assert all(l["mediaType"].endswith("+zstd") for l in m["layers"])
    out = str(tmp_path / "zstd-pulled")
    skopeo("copy", SRC_TLS, f"docker://{server.host}/zstd/app:{tag}", f"oci:{out}:{tag}")
    for layer in m["layers"]:
        with open(os.path.join(out, "blobs", "sha256", layer["digest"][7:]), "rb") as f:
            data = f.read()
        assert sha256(data) == layer["digest"]
        assert data[:4] == b"\x28\xb5\x2f\xfd"  # zstd frame magic


def test_cross_repository_mount(server, small_image):
    layout, tag = small_image
    skopeo("copy", TLS, f"oci:{layout}:{tag}", f"docker://{server.host}/source/app:{tag}")
    m = json.loads(raw_manifest(f"oci:{layout}:{tag}"))
    layer = m["layers"][0]["digest"]
    # Mount from a repository that has it: 201 and the blob is there without any upload.
    status, headers, _ = server.request(
        "POST", f"/v2/target/app/blobs/uploads/?mount={layer}&from=source/app")
    assert status == 201
    assert headers["location"] == f"/v2/target/app/blobs/{layer}"
    assert server.request("HEAD", f"/v2/target/app/blobs/{layer}")[0] == 200
    # From a repository that does not have it: falls back to an upload session.
    status, headers, _ = server.request(
        "POST", f"/v2/third/app/blobs/uploads/?mount={layer}&from=nowhere/app")
    assert status == 202
    assert "/blobs/uploads/" in headers["location"]
    # skopeo itself mounts when copying between repositories of one registry.
    skopeo("copy", TLS, SRC_TLS, f"docker://{server.host}/source/app:{tag}",
           f"docker://{server.host}/copied/app:{tag}")
    assert raw_manifest(f"docker://{server.host}/copied/app:{tag}", "--tls-verify=false") == \
        raw_manifest(f"oci:{layout}:{tag}")


@pytest.mark.skipif(not have("podman"), reason="podman not installed")
def test_podman_pull_and_push(server, small_image, tmp_path):
    layout, tag = small_image
    skopeo("copy", TLS, f"oci:{layout}:{tag}", f"docker://{server.host}/podman/src:{tag}")
    args = podman_args(tmp_path)
    run(["podman", *args, "pull", "--tls-verify=false", f"{server.host}/podman/src:{tag}"])
    run(["podman", *args, "push", "--tls-verify=false", f"{server.host}/podman/src:{tag}",
         f"{server.host}/podman/dst:{tag}"])
    src = json.loads(raw_manifest(f"docker://{server.host}/podman/src:{tag}", "--tls-verify=false"))
    dst = json.loads(raw_manifest(f"docker://{server.host}/podman/dst:{tag}", "--tls-verify=false"))
    # podman may recompress layers, but the image config (with its diff_ids) is unchanged.
    assert src["config"]["digest"] == dst["config"]["digest"]
    assert len(src["layers"]) == len(dst["layers"])
    for layer in dst["layers"]:
        status, _, data = server.request("GET", f"/v2/podman/dst/blobs/{layer['digest']}")
        assert status == 200 and sha256(data) == layer["digest"]
    out = run(["podman", *args, "image", "inspect", f"{server.host}/podman/src:{tag}"])
    assert json.loads(out)[0]["RootFS"]["Layers"]


@pytest.mark.skipif(not have("buildah"), reason="buildah not installed")
def test_buildah_build_and_push(server, tmp_path):
    args = podman_args(tmp_path)
    ctr = run(["buildah", *args, "from", "scratch"]).strip()
    payload = tmp_path / "payload.txt"
    payload.write_bytes(b"built by buildah\n")
    run(["buildah", *args, "copy", ctr, str(payload), "/payload.txt"])
    run(["buildah", *args, "commit", ctr, "localhost/buildah-test:v1"])
    run(["buildah", *args, "push", "--tls-verify=false", "localhost/buildah-test:v1",
         f"docker://{server.host}/buildah/test:v1"])
    m = json.loads(raw_manifest(f"docker://{server.host}/buildah/test:v1", "--tls-verify=false"))
    assert len(m["layers"]) == 1
    status, _, data = server.request("GET", f"/v2/buildah/test/blobs/{m['layers'][0]['digest']}")
    assert status == 200 and sha256(data) == m["layers"][0]["digest"]


def test_multi_arch_index(server, tmp_path):
    layout = str(tmp_path / "multi")
    make_oci_layout(layout, "amd", [{"a": b"amd64 content"}], arch="amd64")
    make_oci_layout(layout, "arm", [{"a": b"arm64 content"}], arch="arm64")
    skopeo("copy", TLS, f"oci:{layout}:amd", f"docker://{server.host}/multi/app:amd")
    skopeo("copy", TLS, f"oci:{layout}:arm", f"docker://{server.host}/multi/app:arm")
    amd = server.request("HEAD", "/v2/multi/app/manifests/amd")[1]
    arm = server.request("HEAD", "/v2/multi/app/manifests/arm")[1]
    index = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                        "manifests": [
                            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                             "digest": amd["docker-content-digest"], "size": int(amd["content-length"]),
                             "platform": {"architecture": "amd64", "os": "linux"}},
                            {"mediaType": "application/vnd.oci.image.manifest.v1+json",
                             "digest": arm["docker-content-digest"], "size": int(arm["content-length"]),
                             "platform": {"architecture": "arm64", "os": "linux"}}]}).encode()
    status, headers, _ = server.request("PUT", "/v2/multi/app/manifests/latest", body=index,
                                        headers={"Content-Type": "application/vnd.oci.image.index.v1+json"})
    assert status == 201, headers
    out = str(tmp_path / "multi-pulled")
    skopeo("copy", SRC_TLS, "--multi-arch", "all", f"docker://{server.host}/multi/app:latest",
           f"oci:{out}:latest")
    assert raw_manifest(f"oci:{out}:latest") == index


TEST_TAGS = ["bookworm-minbase", "bookworm-app", "alpine-like", "polyglot"]


@pytest.mark.skipif(not os.path.isdir(TESTIMAGES), reason="../shared/images/testimages not present")
@pytest.mark.parametrize("tag", TEST_TAGS)
def test_shared_testimages_roundtrip(server, tag, tmp_path):
    skopeo("copy", TLS, f"oci:{TESTIMAGES}:{tag}", f"docker://{server.host}/shared/{tag}:latest")
    original = raw_manifest(f"oci:{TESTIMAGES}:{tag}")
    assert raw_manifest(f"docker://{server.host}/shared/{tag}:latest", "--tls-verify=false") == original
    out = str(tmp_path / "pulled")
    skopeo("copy", SRC_TLS, f"docker://{server.host}/shared/{tag}:latest", f"oci:{out}:latest")
    m = json.loads(original)
    for d in [m["config"]] + m["layers"]:
        src = os.path.join(TESTIMAGES, "blobs", "sha256", d["digest"][7:])
        dst = os.path.join(out, "blobs", "sha256", d["digest"][7:])
        assert os.path.getsize(dst) == d["size"] == os.path.getsize(src)
        with open(dst, "rb") as f:
            assert sha256(f.read()) == d["digest"]
