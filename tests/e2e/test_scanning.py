"""From push to findings, and findings kept true as advisories change, with no push:
an advisory import opens a finding on an untouched image, a re-scored advisory changes its
finding without a match, a withdrawal closes it, deleting the image closes the rest. The image and the advisories are generated here; expected findings are
worked out by hand from them."""

import json
import os
import subprocess
import time

import pytest

from conftest import TESTIMAGES, Server, make_oci_layout, skopeo, surveyor_bin

LOCK = {
    "name": "demo", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
    "packages": {
        "": {"name": "demo", "version": "1.0.0",
             "dependencies": {"left-pad": "1.1.0", "minimist": "1.2.0"}},
        "node_modules/left-pad": {"version": "1.1.0",
                                  "resolved": "https://registry.example.invalid/left-pad-1.1.0.tgz"},
        "node_modules/minimist": {"version": "1.2.0",
                                  "resolved": "https://registry.example.invalid/minimist-1.2.0.tgz"},
    },
}


def osv(id_, package, fixed, withdrawn=None, severity=None):
    record = {"schema_version": "1.6.0", "id": id_, "modified": "2024-01-01T00:00:00Z",
              "published": "2024-01-01T00:00:00Z", "summary": f"{package} is vulnerable",
              "details": f"Versions of {package} before {fixed} are vulnerable.",
              "affected": [{"package": {"ecosystem": "npm", "name": package},
                            "ranges": [{"type": "SEMVER",
                                        "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]}
    if withdrawn:
        record["withdrawn"] = withdrawn
    if severity:
        record["severity"] = [{"type": "CVSS_V3", "score": severity}]
    return record


def write_feed(directory, records):
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        os.remove(os.path.join(directory, name))
    for r in records:
        with open(os.path.join(directory, r["id"] + ".json"), "w") as f:
            json.dump(r, f)


def db_import(data_dir, feed):
    r = subprocess.run([surveyor_bin(), "db", "--db", os.path.join(data_dir, "vulndb"), "import",
                        "--source", "test-feed", feed], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def findings(data_dir, status="ALL"):
    r = subprocess.run([surveyor_bin(), "findings", "list", "--data", data_dir, "--status", status,
                        "--json"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f
            for f in json.loads(r.stdout)["findings"]}


def wait_for(predicate, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8, worked out by hand


def test_continuous_reevaluation_without_a_push(tmp_path):
    data_dir = str(tmp_path / "data")
    feed = str(tmp_path / "feed")
    # Only left-pad is known vulnerable at first.
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0")])
    os.makedirs(data_dir)
    db_import(data_dir, feed)
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
                                    "app/package-lock.json": json.dumps(LOCK).encode()}])
    s = Server(data_dir).start()
    try:
        skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:v1",
               f"docker://{s.host}/prod-my-app:v1")
        r = subprocess.run([surveyor_bin(), "wait", "prod-my-app:v1", "--data", data_dir,
                            "--fail-on", "LOW", "--timeout", "30"], capture_output=True, text=True)
        # TEST-0001 has no score: UNTRIAGED is below LOW, so the gate passes.
        assert r.returncode == 0, r.stdout + r.stderr
        f = findings(data_dir)
        assert set(f) == {"TEST-0001"}
        left_pad = f["TEST-0001"]
        assert left_pad["status"] == "ACTIVE" and left_pad["fixAvailable"] == "YES"
        assert left_pad["title"] == "TEST-0001 - left-pad"
        pkg = left_pad["packageVulnerabilityDetails"]["vulnerablePackages"][0]
        assert (pkg["name"], pkg["version"], pkg["fixedInVersion"]) == ("left-pad", "1.1.0", "1.3.0")
        assert pkg["filePath"] == "app/package-lock.json"
        resource = left_pad["resources"][0]["details"]["awsEcrContainerImage"]
        assert resource["repositoryName"] == "prod-my-app" and resource["imageTags"] == ["v1"]

        # A new advisory for minimist arrives; nobody pushes: the finding appears.
        write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0"),
                          osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
        db_import(data_dir, feed)
        f = wait_for(lambda: (lambda x: x if "TEST-0002" in x else None)(findings(data_dir)))
        assert f["TEST-0002"]["severity"] == "CRITICAL"
        assert f["TEST-0002"]["inspectorScore"] == pytest.approx(9.8)
        assert f["TEST-0001"]["firstObservedAt"] == left_pad["firstObservedAt"]  # untouched
        r = subprocess.run([surveyor_bin(), "wait", "prod-my-app:v1", "--data", data_dir,
                            "--fail-on", "HIGH", "--timeout", "30"], capture_output=True, text=True)
        assert r.returncode == 3 and "TEST-0002" in r.stdout

        # TEST-0001 is re-scored and nothing else changes: the import touches no package and no
        # image is matched again, yet its finding takes the new severity and score at once, and
        # stays the same finding.
        write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR),
                          osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
        out = db_import(data_dir, feed)
        assert " 1 changed," in out and " 0 packages touched," in out, out
        f = wait_for(lambda: (lambda x: x if x["TEST-0001"]["severity"] == "CRITICAL" else None)(
            findings(data_dir)))
        assert f["TEST-0001"]["inspectorScore"] == pytest.approx(9.8)
        assert f["TEST-0001"]["findingArn"] == left_pad["findingArn"]
        assert f["TEST-0001"]["firstObservedAt"] == left_pad["firstObservedAt"]
        assert f["TEST-0001"]["updatedAt"] > left_pad["updatedAt"]

        # Its text alone is revised: no change is counted and no package touched, and the finding
        # shows the new words at once without being updated by them.
        rescored = f["TEST-0001"]
        reworded = osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR)
        reworded["details"] = "Revised: left-pad before 1.3.0 pads the wrong side."
        write_feed(feed, [reworded, osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
        out = db_import(data_dir, feed)
        assert " 0 changed," in out and " 0 packages touched," in out, out
        f = wait_for(lambda: (lambda x: x if x["TEST-0001"]["description"] == reworded["details"]
                              else None)(findings(data_dir)))
        assert f["TEST-0001"]["updatedAt"] == rescored["updatedAt"]
        assert f["TEST-0001"]["severity"] == "CRITICAL"

        # The advisory is withdrawn: its finding closes, the other stays.
        write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR),
                          osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR,
                              withdrawn="2024-02-01T00:00:00Z")])
        db_import(data_dir, feed)
        f = wait_for(lambda: (lambda x: x if x["TEST-0002"]["status"] == "CLOSED" else None)(
            findings(data_dir)))
        assert f["TEST-0001"]["status"] == "ACTIVE"

        # The image is deleted: everything closes.
        digest = s.request("HEAD", "/v2/prod-my-app/manifests/v1")[1]["docker-content-digest"]
        assert s.request("DELETE", f"/v2/prod-my-app/manifests/{digest}")[0] == 202
        f = findings(data_dir)
        assert {k: v["status"] for k, v in f.items()} == {"TEST-0001": "CLOSED", "TEST-0002": "CLOSED"}
        assert findings(data_dir, "ACTIVE") == {}
    finally:
        s.stop()


def test_scan_jobs_survive_a_restart(tmp_path):
    data_dir = str(tmp_path / "data")
    feed = str(tmp_path / "feed")
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0")])
    os.makedirs(data_dir)
    db_import(data_dir, feed)
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"app/package-lock.json": json.dumps(LOCK).encode()}])
    config = tmp_path / "noscan.yaml"
    config.write_text("scan:\n  workers: 0\n")  # queue only: nothing runs the job yet
    s = Server(data_dir, ["--config", str(config)]).start()
    skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:v1", f"docker://{s.host}/app:v1")
    s.kill9()
    s = Server(data_dir).start()  # a normal server picks the queued job up
    try:
        r = subprocess.run([surveyor_bin(), "wait", "app:v1", "--data", data_dir, "--fail-on",
                            "CRITICAL", "--timeout", "30"], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert set(findings(data_dir)) == {"TEST-0001"}
    finally:
        s.stop()


ADVISORIES = os.path.join(os.path.dirname(TESTIMAGES), "..", "data", "advisories")


@pytest.mark.skipif(not os.path.isdir(TESTIMAGES) or not os.path.isdir(ADVISORIES),
                    reason="../shared test images or advisories not present")
def test_bookworm_app_go_findings_from_real_advisories(tmp_path):
    """bookworm-app's layer 4 holds a go1.17 module build (esbuild) that vendors
    golang.org/x/sys v0.0.0-20210908233432-aa78b53d3365. By hand, from the Go vulndb records:
      GO-2022-0969 (CVE-2022-27664): stdlib introduced 0, fixed 1.18.6 → a go1.17.x stdlib is
        affected, fixed in 1.18.6;
      GO-2022-0493 (CVE-2022-29526): golang.org/x/sys fixed at pseudo-version
        0.0.0-20220412211240-33da011f77ad; the vendored one is from 2021-09-08 → affected; stdlib
        fixed 1.17.10 → a go1.17.x below .10 is affected too."""
    data_dir = str(tmp_path / "data")
    os.makedirs(data_dir)
    for feed in ("golang-vulndb", "nodejs-security-wg"):
        r = subprocess.run([surveyor_bin(), "db", "--db", os.path.join(data_dir, "vulndb"),
                            "import", os.path.join(ADVISORIES, feed)],
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stderr
    s = Server(data_dir).start()
    try:
        skopeo("copy", "--dest-tls-verify=false", f"oci:{TESTIMAGES}:bookworm-app",
               f"docker://{s.host}/prod-my-app:v1")
        r = subprocess.run([surveyor_bin(), "wait", "prod-my-app:v1", "--data", data_dir,
                            "--fail-on", "CRITICAL", "--timeout", "60"], capture_output=True,
                           text=True)
        assert r.returncode in (0, 3), r.stderr
        f = findings(data_dir, "ACTIVE")
        http2 = f["CVE-2022-27664"]
        pkgs = {(p["name"], p["fixedInVersion"]) for p in
                http2["packageVulnerabilityDetails"]["vulnerablePackages"]}
        assert ("stdlib", "1.18.6") in pkgs
        stdlib = [p for p in http2["packageVulnerabilityDetails"]["vulnerablePackages"]
                  if p["name"] == "stdlib"][0]
        assert stdlib["version"].startswith("1.17.") and stdlib["packageManager"] == "GOBINARY"
        assert stdlib["filePath"].startswith("usr/local/bin/")
        assert set(http2["packageVulnerabilityDetails"]["relatedVulnerabilities"]) >= {
            "GO-2022-0969", "GHSA-69cg-p879-7622"}
        sys_findings = [x for x in findings(data_dir, "ALL").values()
                        if x["packageVulnerabilityDetails"]["vulnerabilityId"] == "CVE-2022-29526"]
        assert sys_findings
        # Aliased records make one finding per (vulnerability, package): x/sys and stdlib.
        r = subprocess.run([surveyor_bin(), "findings", "list", "--data", data_dir, "--json"],
                           capture_output=True, text=True)
        titles = {x["title"] for x in json.loads(r.stdout)["findings"]}
        assert "CVE-2022-29526 - golang.org/x/sys" in titles
        assert "CVE-2022-29526 - stdlib" in titles
    finally:
        s.stop()
