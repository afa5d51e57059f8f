"""The distribution API over raw HTTP: flows that clients rely on, and a table of bad requests
with the status and OCI error code each must get."""

import json
import os
import socket
import time

import pytest

from conftest import Server, make_layer, sha256

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def upload(server, repo, data, algorithm="sha256"):
    import hashlib
    digest = f"{algorithm}:" + hashlib.new(algorithm, data).hexdigest()
    status, headers, body = server.request("POST", f"/v2/{repo}/blobs/uploads/?digest={digest}",
                                           body=data)
    assert status == 201, body
    assert headers["docker-content-digest"] == digest
    return digest


def image_manifest(config, layers, extra=None):
    m = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config,
                    "size": 2},
         "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d,
                     "size": 1} for d in layers]}
    m.update(extra or {})
    return json.dumps(m).encode()


@pytest.fixture
def seeded(server):
    """A repository `app` with a config, one layer and manifest `v1`."""
    config = upload(server, "app", b"{}")
    layer = upload(server, "app", b"layer-bytes")
    body = image_manifest(config, [layer])
    status, headers, _ = server.request("PUT", "/v2/app/manifests/v1", body=body,
                                        headers={"Content-Type": OCI_MANIFEST})
    assert status == 201
    return {"config": config, "layer": layer, "manifest": body,
            "digest": headers["docker-content-digest"]}


def error_code(body):
    return json.loads(body)["errors"][0]["code"]


def test_chunked_upload_flow(server):
    status, headers, _ = server.request("POST", "/v2/team/app/blobs/uploads/")
    assert status == 202
    location = headers["location"]
    assert headers["range"] == "0-0"
    status, headers, _ = server.request("PATCH", location, body=b"hello ",
                                        headers={"Content-Range": "0-5"})
    assert status == 202 and headers["range"] == "0-5"
    status, headers, _ = server.request("GET", location)
    assert status == 204 and headers["range"] == "0-5" and headers["location"] == location
    # A gap and an overlap are both refused with 416, and change nothing.
    assert server.request("PATCH", location, body=b"xx", headers={"Content-Range": "7-8"})[0] == 416
    assert server.request("PATCH", location, body=b"xx", headers={"Content-Range": "4-5"})[0] == 416
    status, headers, _ = server.request("PATCH", location, body=b"world",
                                        headers={"Content-Range": "6-10"})
    assert status == 202 and headers["range"] == "0-10"
    digest = sha256(b"hello world")
    status, headers, _ = server.request("PUT", f"{location}?digest={digest}")
    assert status == 201 and headers["location"] == f"/v2/team/app/blobs/{digest}"
    status, headers, body = server.request("GET", f"/v2/team/app/blobs/{digest}")
    assert body == b"hello world" and headers["docker-content-digest"] == digest


def test_post_then_put_with_body_and_cancel(server):
    _, headers, _ = server.request("POST", "/v2/app/blobs/uploads/")
    digest = sha256(b"monolithic")
    assert server.request("PUT", headers["location"] + f"?digest={digest}", body=b"monolithic")[0] == 201
    _, headers, _ = server.request("POST", "/v2/app/blobs/uploads/")
    assert server.request("DELETE", headers["location"])[0] == 204
    status, _, body = server.request("GET", headers["location"])
    assert status == 404 and error_code(body) == "BLOB_UPLOAD_UNKNOWN"


def test_range_requests(server):
    data = bytes(range(256)) * 4
    digest = upload(server, "app", data)
    status, headers, body = server.request("GET", f"/v2/app/blobs/{digest}",
                                           headers={"Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert headers["content-range"] == f"bytes 10-19/{len(data)}"
    assert server.request("GET", f"/v2/app/blobs/{digest}", headers={"Range": "bytes=1000-"})[2] == data[1000:]
    assert server.request("GET", f"/v2/app/blobs/{digest}", headers={"Range": "bytes=-5"})[2] == data[-5:]
    status, headers, _ = server.request("GET", f"/v2/app/blobs/{digest}",
                                        headers={"Range": "bytes=5000-6000"})
    assert status == 416 and headers["content-range"] == f"bytes */{len(data)}"
    status, headers, body = server.request("HEAD", f"/v2/app/blobs/{digest}")
    assert status == 200 and headers["content-length"] == str(len(data)) and body == b""


def test_sha512_everywhere(server):
    config = upload(server, "app512", b"{}", "sha512")
    layer = upload(server, "app512", b"layer", "sha512")
    body = image_manifest(config, [layer])
    import hashlib
    mdigest = "sha512:" + hashlib.sha512(body).hexdigest()
    status, headers, _ = server.request("PUT", f"/v2/app512/manifests/{mdigest}", body=body,
                                        headers={"Content-Type": OCI_MANIFEST})
    assert status == 201 and headers["docker-content-digest"] == mdigest
    status, headers, got = server.request("GET", f"/v2/app512/manifests/{mdigest}")
    assert got == body and headers["docker-content-digest"] == mdigest


def test_manifest_get_head_delete(server, seeded):
    status, headers, body = server.request("GET", "/v2/app/manifests/v1",
                                           headers={"Accept": OCI_MANIFEST})
    assert status == 200 and body == seeded["manifest"]
    assert headers["content-type"] == OCI_MANIFEST
    assert headers["docker-content-digest"] == seeded["digest"] == sha256(body)
    status, headers, body = server.request("HEAD", f"/v2/app/manifests/{seeded['digest']}")
    assert status == 200 and body == b"" and headers["content-length"] == str(len(seeded["manifest"]))
    # A client that accepts only Docker types is told the manifest is not available to it.
    status, _, body = server.request("GET", "/v2/app/manifests/v1", headers={
        "Accept": "application/vnd.docker.distribution.manifest.v2+json"})
    assert status == 404 and error_code(body) == "MANIFEST_UNKNOWN"
    assert server.request("DELETE", "/v2/app/manifests/v1")[0] == 202
    assert server.request("GET", "/v2/app/manifests/v1")[0] == 404
    assert server.request("GET", f"/v2/app/manifests/{seeded['digest']}")[0] == 200
    assert server.request("DELETE", f"/v2/app/manifests/{seeded['digest']}")[0] == 202
    assert server.request("GET", f"/v2/app/manifests/{seeded['digest']}")[0] == 404


def test_tags_and_catalog_pagination(server, seeded):
    for tag in ["b", "a", "c"]:
        assert server.request("PUT", f"/v2/app/manifests/{tag}", body=seeded["manifest"],
                              headers={"Content-Type": OCI_MANIFEST})[0] == 201
    status, headers, body = server.request("GET", "/v2/app/tags/list?n=2")
    assert json.loads(body) == {"name": "app", "tags": ["a", "b"]}
    assert headers["link"] == '</v2/app/tags/list?last=b&n=2>; rel="next"'
    status, headers, body = server.request("GET", "/v2/app/tags/list?n=2&last=b")
    assert json.loads(body)["tags"] == ["c", "v1"] and "link" not in headers
    upload(server, "zoo/keeper", b"x")
    status, headers, body = server.request("GET", "/v2/_catalog?n=1")
    assert json.loads(body) == {"repositories": ["app"]}
    assert headers["link"] == '</v2/_catalog?last=app&n=1>; rel="next"'
    assert json.loads(server.request("GET", "/v2/_catalog?last=app")[2]) == {"repositories": ["zoo/keeper"]}


def test_referrers_and_subject_header(server, seeded):
    def referrer(artifact_type):
        return image_manifest(seeded["config"], [], {
            "artifactType": artifact_type,
            "subject": {"mediaType": OCI_MANIFEST, "digest": seeded["digest"],
                        "size": len(seeded["manifest"])},
            "annotations": {"org.example.kind": artifact_type}})
    sig = referrer("application/vnd.example.signature")
    status, headers, _ = server.request("PUT", f"/v2/app/manifests/{sha256(sig)}", body=sig,
                                        headers={"Content-Type": OCI_MANIFEST})
    assert status == 201 and headers["oci-subject"] == seeded["digest"]
    sbom = referrer("application/vnd.example.sbom")
    assert server.request("PUT", f"/v2/app/manifests/{sha256(sbom)}", body=sbom,
                          headers={"Content-Type": OCI_MANIFEST})[0] == 201
    status, headers, body = server.request("GET", f"/v2/app/referrers/{seeded['digest']}")
    index = json.loads(body)
    assert headers["content-type"] == "application/vnd.oci.image.index.v1+json"
    assert sorted(m["digest"] for m in index["manifests"]) == sorted([sha256(sig), sha256(sbom)])
    status, headers, body = server.request(
        "GET", f"/v2/app/referrers/{seeded['digest']}?artifactType=application/vnd.example.sbom")
    index = json.loads(body)
    assert headers["oci-filters-applied"] == "artifactType"
    assert [m["digest"] for m in index["manifests"]] == [sha256(sbom)]
    assert index["manifests"][0]["annotations"] == {"org.example.kind": "application/vnd.example.sbom"}


MISSING = sha256(b"not uploaded")
BAD_CASES = [
    # (method, path, headers, body, expected status, expected OCI code)
    ("GET", "/v2/Bad/tags/list", {}, None, 400, "NAME_INVALID"),
    ("GET", "/v2/a//b/tags/list", {}, None, 400, "NAME_INVALID"),
    ("GET", "/v2/nope/tags/list", {}, None, 404, "NAME_UNKNOWN"),
    ("GET", "/v2/app/tags/list?n=many", {}, None, 400, "PAGINATION_NUMBER_INVALID"),
    ("GET", "/v2/app/blobs/sha256:xyz", {}, None, 400, "DIGEST_INVALID"),
    ("GET", "/v2/app/blobs/md5:d41d8cd98f00b204e9800998ecf8427e", {}, None, 400, "UNSUPPORTED"),
    ("GET", f"/v2/app/blobs/{MISSING}", {}, None, 404, "BLOB_UNKNOWN"),
    ("GET", "/v2/app/manifests/nosuchtag", {}, None, 404, "MANIFEST_UNKNOWN"),
    ("GET", f"/v2/app/manifests/{MISSING}", {}, None, 404, "MANIFEST_UNKNOWN"),
    ("PUT", "/v2/app/manifests/-bad", {"Content-Type": OCI_MANIFEST}, "MANIFEST", 400, "TAG_INVALID"),
    ("PUT", "/v2/app/manifests/v2", {"Content-Type": OCI_MANIFEST}, b"{not json", 400, "MANIFEST_INVALID"),
    ("PUT", "/v2/app/manifests/v2", {"Content-Type": "text/plain"}, "MANIFEST", 400, "MANIFEST_INVALID"),
    ("PUT", "/v2/app/manifests/v2",
     {"Content-Type": "application/vnd.docker.distribution.manifest.v1+prettyjws"},
     b'{"schemaVersion":1}', 400, "UNSUPPORTED"),
    ("PUT", "/v2/app/manifests/v2", {"Content-Type": OCI_MANIFEST}, "MISSING_BLOB", 400, "MANIFEST_BLOB_UNKNOWN"),
    ("PUT", f"/v2/app/manifests/{MISSING}", {"Content-Type": OCI_MANIFEST}, "MANIFEST", 400, "DIGEST_INVALID"),
    ("PUT", "/v2/app/manifests/huge", {"Content-Type": OCI_MANIFEST}, b" " * (4 * 1024 * 1024 + 1), 413, "SIZE_INVALID"),
    ("PUT", f"/v2/app/blobs/uploads/{'0' * 32}?digest={MISSING}", {}, b"", 404, "BLOB_UPLOAD_UNKNOWN"),
    ("PATCH", "/v2/app/blobs/uploads/..%2F..%2Fetc%2Fpasswd", {}, b"x", 404, "BLOB_UPLOAD_UNKNOWN"),
    ("PATCH", "UPLOAD", {"Content-Range": "abc"}, b"xx", 416, "BLOB_UPLOAD_INVALID"),
    ("PATCH", "UPLOAD", {"Content-Range": "5-6"}, b"xx", 416, "BLOB_UPLOAD_INVALID"),
    ("PATCH", "UPLOAD", {"Content-Range": "0-9"}, b"xx", 416, "BLOB_UPLOAD_INVALID"),
    ("PUT", "UPLOAD", {}, b"data", 400, "DIGEST_INVALID"),
    ("PUT", f"UPLOAD?digest={MISSING}", {}, b"data", 400, "DIGEST_INVALID"),
    ("PUT", "UPLOAD?digest=sha256:short", {}, b"data", 400, "DIGEST_INVALID"),
    ("POST", "/v2/UPPER/blobs/uploads/", {}, None, 400, "NAME_INVALID"),
    ("POST", f"/v2/app/blobs/uploads/?digest={MISSING}", {}, b"other bytes", 400, "DIGEST_INVALID"),
    ("GET", f"/v2/app/referrers/not-a-digest", {}, None, 400, "DIGEST_INVALID"),
]


@pytest.mark.parametrize("method,path,headers,body,status,code", BAD_CASES,
                         ids=[f"{c[0]} {c[1][:40]} -> {c[5]}" for c in BAD_CASES])
def test_bad_requests(server, seeded, method, path, headers, body, status, code):
    if body == "MANIFEST":
        body = seeded["manifest"]
    elif body == "MISSING_BLOB":
        body = image_manifest(seeded["config"], [MISSING])
    if path.startswith("UPLOAD"):
        _, h, _ = server.request("POST", "/v2/app/blobs/uploads/")
        path = h["location"] + path[len("UPLOAD"):]
    got_status, got_headers, got_body = server.request(method, path, body=body, headers=headers)
    assert got_status == status, got_body
    assert got_headers["content-type"] == "application/json"
    err = json.loads(got_body)["errors"][0]
    assert err["code"] == code and err["message"]
    # Nothing was stored by a refused request: v1 is intact.
    assert server.request("GET", "/v2/app/manifests/v1")[2] == seeded["manifest"]


def test_digest_mismatch_discards_upload(server):
    _, h, _ = server.request("POST", "/v2/app/blobs/uploads/")
    assert server.request("PATCH", h["location"], body=b"abc")[0] == 202
    assert server.request("PUT", h["location"] + f"?digest={MISSING}")[0] == 400
    status, _, body = server.request("GET", h["location"])
    assert status == 404 and error_code(body) == "BLOB_UPLOAD_UNKNOWN"
    assert server.request("HEAD", f"/v2/app/blobs/{sha256(b'abc')}")[0] in (404,)


def raw_exchange(port, data, timeout=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    return out


def test_header_limit_and_garbage(server):
    big = b"GET /v2/ HTTP/1.1\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
    assert raw_exchange(server.port, big).startswith(b"HTTP/1.1 431")
    assert raw_exchange(server.port, b"\x16\x03\x01\x02\x00garbage\r\n\r\n").startswith(b"HTTP/1.1 400")
    bad_length = b"PUT /v2/app/manifests/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 12abc\r\n\r\n{}"
    assert raw_exchange(server.port, bad_length).startswith(b"HTTP/1.1 400")
    two_lengths = (b"PUT /v2/app/manifests/v1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                   b"Content-Length: 3\r\n\r\n{}")
    assert raw_exchange(server.port, two_lengths).startswith(b"HTTP/1.1 400")


def test_idle_connections_time_out(tmp_path):
    config = tmp_path / "surveyor.yaml"
    config.write_text("http:\n  idle_timeout_seconds: 1\n")
    s = Server(str(tmp_path / "data"), ["--config", str(config)]).start()
    try:
        start = time.monotonic()
        out = raw_exchange(s.port, b"GET /v2/ HTTP/1.1\r\nHost: x", timeout=10)
        assert out == b""
        assert time.monotonic() - start < 5
    finally:
        s.stop()


def test_config_rejects_unknown_keys(tmp_path):
    import subprocess
    from conftest import surveyor_bin
    config = tmp_path / "bad.yaml"
    config.write_text("http:\n  idle_timout_seconds: 1\n")
    r = subprocess.run([surveyor_bin(), "serve", "--config", str(config), "--data",
                        str(tmp_path / "d")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2
    assert "unknown config key 'http.idle_timout_seconds'" in r.stderr


def test_healthz_and_metrics(server, seeded):
    assert server.request("GET", "/healthz")[:1] == (200,)
    server.request("GET", f"/v2/app/blobs/{seeded['layer']}")
    _, headers, body = server.request("GET", "/metrics")
    text = body.decode()
    assert 'surveyor_http_requests_total{route="oci_blob",status="200"} 1' in text
    assert 'surveyor_http_requests_total{route="oci_manifest",status="201"} 1' in text
    assert "surveyor_registry_active_uploads 0" in text
    assert f"surveyor_registry_storage_bytes {2 + len(b'layer-bytes')}" in text
    sent = int(next(l.split()[1] for l in text.splitlines()
                    if l.startswith("surveyor_http_sent_bytes_total")))
    assert sent >= len(b"layer-bytes")
