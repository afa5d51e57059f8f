"""`surveyor scan --format sarif` against the SARIF 2.1.0 JSON schema and GitHub code scanning's
upload rules (src/report/testdata/validate/validate_sarif.js, with ajv from npm). scripts/deps
installs the npm packages into build/node-validate; the test skips when node or they are absent
(SURVEYOR_NODE_MODULES points elsewhere)."""

import json
import os
import shutil
import subprocess

import pytest

from conftest import REPO_ROOT, make_oci_layout, surveyor_bin
from test_scanning import LOCK, db_import, osv, write_feed

VALIDATOR = os.path.join(REPO_ROOT, "src", "report", "testdata", "validate", "validate_sarif.js")
NODE_MODULES = os.environ.get("SURVEYOR_NODE_MODULES",
                              os.path.join(REPO_ROOT, "build", "node-validate", "node_modules"))
CRITICAL_VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8


def node_or_skip():
    if not shutil.which("node"):
        pytest.skip("node is not installed")
    for p in ("ajv-draft-04", "ajv-formats", "@microsoft/jest-sarif"):
        if not os.path.isdir(os.path.join(NODE_MODULES, p)):
            pytest.skip(f"npm package {p} not in {NODE_MODULES} (run scripts/deps)")


def validate(*files):
    env = dict(os.environ, NODE_PATH=NODE_MODULES)
    return subprocess.run(["node", VALIDATOR, *files], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture
def sarif_files(tmp_path):
    node_or_skip()
    feed = str(tmp_path / "feed")
    write_feed(feed, [osv("GHSA-test-crit", "minimist", "1.2.6", severity=CRITICAL_VECTOR),
                      osv("GHSA-test-unscored", "left-pad", "1.3.0")])
    data = str(tmp_path / "data")
    db_import(data, feed)
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'},
                                   {"app/package-lock.json": json.dumps(LOCK).encode()}])
    make_oci_layout(layout, "clean", [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n'}])
    out = {}
    for tag in ("v1", "clean"):
        path = str(tmp_path / f"{tag}.sarif")
        r = subprocess.run([surveyor_bin(), "scan", f"oci:{layout}:{tag}", "--db",
                            os.path.join(data, "vulndb"), "--format", "sarif", "--output", path],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        out[tag] = path
    return out


def test_sarif_is_valid_for_github(sarif_files):
    r = validate(sarif_files["v1"], sarif_files["clean"])
    assert r.returncode == 0, r.stdout + r.stderr
    with open(sarif_files["v1"]) as f:
        doc = json.load(f)
    results = doc["runs"][0]["results"]
    # Two advisories, each affecting one package of the lockfile.
    assert sorted(x["ruleId"] for x in results) == ["GHSA-test-crit", "GHSA-test-unscored"]
    rules = {x["id"]: x for x in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["GHSA-test-crit"]["properties"]["security-severity"] == "9.8"
    with open(sarif_files["clean"]) as f:
        assert json.load(f)["runs"][0]["results"] == []


def test_validator_rejects_broken_sarif(sarif_files, tmp_path):
    # The oracle must be able to fail: break the document in ways the schema or GitHub refuse.
    with open(sarif_files["v1"]) as f:
        doc = json.load(f)
    cases = {
        "version": lambda d: d.update(version="2.0.0"),
        "level": lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        "ruleId": lambda d: d["runs"][0]["results"][0].update(ruleId="NOPE"),
        "absolute": lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"].update(uri="/abs/path"),
    }
    for name, breaker in cases.items():
        broken = json.loads(json.dumps(doc))
        breaker(broken)
        path = str(tmp_path / f"broken-{name}.sarif")
        with open(path, "w") as f:
            json.dump(broken, f)
        r = validate(path)
        assert r.returncode != 0, f"{name}: {r.stdout}"
