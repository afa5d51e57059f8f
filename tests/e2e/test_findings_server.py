"""`surveyor findings list|aggregate` and `surveyor wait` against a server (--endpoint), signed
with SigV4, compared with the data-directory mode on the same server. The image and advisories
are generated here (see test_scanning.py); expected findings are worked out by hand: left-pad
1.1.0 < 1.3.0 (TEST-0001, unscored: UNTRIAGED) and minimist 1.2.0 < 1.2.6 (TEST-0002, CVSS 9.8:
CRITICAL).

Server mode uses the Inspector2 ListFindings / ListFindingAggregations and ECR
DescribeImageScanFindings operations of the server under test; an error from any of them fails
the test."""

import json
import os
import subprocess

import pytest

from conftest import Server, make_oci_layout, skopeo, surveyor_bin
from test_scanning import CRITICAL_VECTOR, LOCK, db_import, osv, write_feed



@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("findings-server")
    data_dir = str(tmp / "data")
    feed = str(tmp / "feed")
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0"),
                      osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
    os.makedirs(data_dir)
    db_import(data_dir, feed)
    layout = str(tmp / "layout")
    make_oci_layout(layout, "v1", [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
                                    "app/package-lock.json": json.dumps(LOCK).encode()}])
    s = Server(data_dir).start()
    try:
        skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:v1", f"docker://{s.host}/prod-my-app:v1")
        r = run("wait", "prod-my-app:v1", "--data", data_dir, "--fail-on", "HIGH", "--timeout", "30")
        assert r.returncode == 3, r.stdout + r.stderr  # data-directory mode: the scan is done
        yield s, data_dir
    finally:
        s.stop()


def run(*args, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(env or {})
    return subprocess.run([surveyor_bin(), *args], capture_output=True, text=True, timeout=120, env=base)


def server_args(s, data_dir):
    return ["--endpoint", f"http://{s.host}", "--data", data_dir]


def test_list_matches_data_directory(scanned):
    s, data_dir = scanned
    local = run("findings", "list", "--data", data_dir, "--status", "ALL", "--json")
    assert local.returncode == 0, local.stderr
    want = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f["severity"]
            for f in json.loads(local.stdout)["findings"]}
    assert want == {"TEST-0001": "UNTRIAGED", "TEST-0002": "CRITICAL"}
    r = run("findings", "list", *server_args(s, data_dir), "--status", "ALL", "--json")
    assert r.returncode == 0, r.stderr
    got = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f["severity"]
           for f in json.loads(r.stdout)["findings"]}
    assert got == want
    r = run("findings", "list", *server_args(s, data_dir), "--severity", "CRITICAL", "--json")
    assert r.returncode == 0, r.stderr
    assert [f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in json.loads(r.stdout)["findings"]] == ["TEST-0002"]


def test_aggregate_by_repository(scanned):
    s, data_dir = scanned
    r = run("findings", "aggregate", *server_args(s, data_dir), "--by", "repository", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["responses"]
    assert len(rows) == 1 and rows[0]["repository"] == "prod-my-app"
    counts = rows[0]["severityCounts"]
    assert (counts["critical"], counts["high"], counts["medium"], counts["all"]) == (1, 0, 0, 2)


def test_wait_gate(scanned):
    s, data_dir = scanned
    r = run("wait", "prod-my-app:v1", *server_args(s, data_dir), "--fail-on", "HIGH", "--timeout", "20")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "TEST-0002" in r.stdout
    # UNTRIAGED (TEST-0001) is below LOW; TEST-0002 is not below CRITICAL.
    r = run("wait", "prod-my-app:v1", *server_args(s, data_dir), "--fail-on", "CRITICAL", "--timeout", "20")
    assert r.returncode == 3, r.stdout + r.stderr


def test_client_errors_need_no_server_operations(scanned):
    s, data_dir = scanned
    # No credentials at all: a usage error naming the ways to give them.
    r = run("findings", "list", "--endpoint", f"http://{s.host}")
    assert r.returncode == 2 and "AWS_ACCESS_KEY_ID" in r.stderr, r.stderr
    r = run("findings", "list", "--endpoint", f"{s.host}", "--data", data_dir)
    assert r.returncode == 2 and "http://" in r.stderr, r.stderr
    # A wrong secret: the server's SigV4 verifier refuses it (any operation, routed or not).
    r = run("wait", "prod-my-app:v1", "--endpoint", f"http://{s.host}", "--timeout", "5",
            env={"AWS_ACCESS_KEY_ID": "AKIDNOTAKEY000000000", "AWS_SECRET_ACCESS_KEY": "x" * 40})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "UnrecognizedClient" in r.stderr or "InvalidSignature" in r.stderr or "security token" in r.stderr, r.stderr


# --- the client against a stand-in that speaks the documented wire shapes (SPEC §6.4, §7.2,
# §7.4) and checks every SigV4 signature with botocore, independently of Surveyor's verifier.

class FakeAws:
    KEY, SECRET, REGION = "AKIDFAKE0000000000", "fake/secret+key", "eu-west-1"

    def __init__(self):
        import http.server
        import threading
        self.requests = []  # (operation, body)
        self.bad_signatures = 0
        self.scan_polls = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                service = "ecr" if self.path == "/" else "inspector2"
                if not outer.signature_ok(self, body, service):
                    outer.bad_signatures += 1
                    return self.reply(403, {"message": "signature mismatch"}, "InvalidSignatureException")
                req = json.loads(body or b"{}")
                op = self.headers.get("X-Amz-Target", self.path).split(".")[-1]
                outer.requests.append((op, req))
                code, out, err = outer.answer(op, req)
                self.reply(code, out, err)

            def reply(self, code, obj, err=None):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                if err:
                    self.send_header("x-amzn-ErrorType", err)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def signature_ok(self, handler, body, service):
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        auth = handler.headers.get("Authorization", "")
        if f"Credential={self.KEY}/" not in auth or f"/{self.REGION}/{service}/" not in auth:
            return False
        signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
        headers = {k: v for k, v in handler.headers.items() if k.lower() in signed}
        req = AWSRequest(method="POST", url=f"http://{handler.headers['Host']}{handler.path}",
                         data=body, headers=headers)
        req.context["timestamp"] = handler.headers["X-Amz-Date"]
        signer = SigV4Auth(Credentials(self.KEY, self.SECRET), service, self.REGION)
        sts = signer.string_to_sign(req, signer.canonical_request(req))
        return auth.endswith("Signature=" + signer.signature(sts, req))

    @staticmethod
    def finding(vuln, severity, repo="shop/web"):
        return {"findingArn": f"arn:aws:inspector2:eu-west-1:123456789012:finding/{vuln}",
                "severity": severity, "status": "ACTIVE", "fixAvailable": "YES", "title": f"{vuln} - pkg",
                "type": "PACKAGE_VULNERABILITY",
                "packageVulnerabilityDetails": {"vulnerabilityId": vuln, "source": "test",
                                                "vulnerablePackages": [{"name": "pkg", "version": "1"}]},
                "resources": [{"type": "AWS_ECR_CONTAINER_IMAGE", "id": "x",
                               "details": {"awsEcrContainerImage": {"repositoryName": repo}}}]}

    def answer(self, op, req):
        token = req.get("nextToken")
        if op == "/findings/list":
            pages = [[self.finding("CVE-1", "CRITICAL"), self.finding("CVE-2", "HIGH")],
                     [self.finding("CVE-3", "LOW")]]
            i = int(token or 0)
            out = {"findings": pages[i]}
            if i + 1 < len(pages):
                out["nextToken"] = str(i + 1)
            return 200, out, None
        if op == "/findings/aggregation/list":
            if token is None:
                return 200, {"aggregationType": req["aggregationType"], "nextToken": "p2", "responses": [
                    {"repositoryAggregation": {"repository": "shop/web", "accountId": "123456789012",
                                               "severityCounts": {"all": 3, "critical": 1, "high": 1, "medium": 0},
                                               "affectedImages": 1}}]}, None
            return 200, {"aggregationType": req["aggregationType"], "responses": [
                {"repositoryAggregation": {"repository": "shop/api", "severityCounts": {"all": 1, "medium": 1}}}]}, None
        if op == "DescribeImageScanFindings":
            if req["repositoryName"] == "missing/repo":
                return 400, {"__type": "RepositoryNotFoundException", "message": "no such repository"}, \
                    "RepositoryNotFoundException"
            self.scan_polls += 1
            if self.scan_polls == 1:
                return 200, {"imageScanStatus": {"status": "IN_PROGRESS", "description": "scanning"}}, None
            base = {"repositoryName": req["repositoryName"], "imageId": {"imageDigest": "sha256:" + "a" * 64},
                    "imageScanStatus": {"status": "ACTIVE", "description": "monitored"}}
            if token is None:
                return 200, dict(base, nextToken="t2", imageScanFindings={
                    "findingSeverityCounts": {"CRITICAL": 1, "MEDIUM": 1},
                    "enhancedFindings": [dict(self.finding("CVE-9", "MEDIUM"))]}), None
            return 200, dict(base, imageScanFindings={"enhancedFindings": [self.finding("CVE-8", "CRITICAL")]}), None
        return 404, {"message": "unknown"}, "UnknownOperationException"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def fake_aws():
    f = FakeAws()
    yield f
    f.stop()


def fake_env(f):
    return {"AWS_ACCESS_KEY_ID": f.KEY, "AWS_SECRET_ACCESS_KEY": f.SECRET, "AWS_REGION": f.REGION}


def test_client_wire_shapes(fake_aws):
    f = fake_aws
    r = run("findings", "list", "--endpoint", f.endpoint, "--repository", "shop/web", "--json", env=fake_env(f))
    assert r.returncode == 0, r.stderr
    assert [x["packageVulnerabilityDetails"]["vulnerabilityId"] for x in json.loads(r.stdout)["findings"]] == \
        ["CVE-1", "CVE-2", "CVE-3"]  # both pages
    op, first = f.requests[0]
    assert op == "/findings/list"
    assert first["filterCriteria"] == {"ecrImageRepositoryName": [{"comparison": "EQUALS", "value": "shop/web"}],
                                       "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]}
    assert first["sortCriteria"] == {"field": "SEVERITY", "sortOrder": "DESC"}
    assert f.requests[1][1]["nextToken"] == "1"

    r = run("findings", "aggregate", "--endpoint", f.endpoint, "--json", env=fake_env(f))
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["responses"]
    assert [(x["repository"], x["severityCounts"]["all"]) for x in rows] == [("shop/web", 3), ("shop/api", 1)]
    assert f.requests[2] == ("/findings/aggregation/list", {"aggregationType": "REPOSITORY", "maxResults": 100})

    # wait: IN_PROGRESS first, then ACTIVE over two pages; MEDIUM CVE-9 and CRITICAL CVE-8.
    r = run("wait", "shop/web:v1", "--endpoint", f.endpoint, "--fail-on", "HIGH", "--timeout", "20", env=fake_env(f))
    assert r.returncode == 3, r.stdout + r.stderr
    assert "CVE-8" in r.stdout and "CVE-9" not in r.stdout
    assert "1 active findings at or above HIGH" in r.stdout
    ecr = [b for op, b in f.requests if op == "DescribeImageScanFindings"]
    assert ecr[0] == {"repositoryName": "shop/web", "imageId": {"imageTag": "v1"}, "maxResults": 1000}
    assert ecr[-1]["nextToken"] == "t2"
    f.scan_polls = 1  # straight to ACTIVE
    r = run("wait", "shop/web@sha256:" + "b" * 64, "--endpoint", f.endpoint, "--fail-on", "CRITICAL",
            "--timeout", "20", env=fake_env(f))
    assert r.returncode == 3, r.stdout + r.stderr
    assert [b for op, b in f.requests if op == "DescribeImageScanFindings"][-2]["imageId"] == \
        {"imageDigest": "sha256:" + "b" * 64}
    # A repository that never appears: keeps waiting, then times out (exit 5).
    r = run("wait", "missing/repo:v1", "--endpoint", f.endpoint, "--timeout", "1", env=fake_env(f))
    assert r.returncode == 5 and "not pushed" in r.stderr, r.stderr
    assert f.bad_signatures == 0
    # Wrong secret: botocore's check fails, the error is reported with the server's type.
    r = run("findings", "list", "--endpoint", f.endpoint, env=dict(fake_env(f), AWS_SECRET_ACCESS_KEY="nope"))
    assert r.returncode == 1 and "InvalidSignatureException" in r.stderr, r.stderr
    assert f.bad_signatures == 1
