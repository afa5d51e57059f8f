"""SCENARIOS §6 as a real shell script (ci_gate.sh), driven with both aws CLIs: an image with a
CRITICAL finding fails the gate, one without passes. The advisories and images are those of
test_inspector.py (their severities are worked out by hand there)."""

import os
import subprocess

import pytest

from test_ecr import AWS_V2, CLIS, Ecr
from test_inspector import MY_APP, import_advisories, npm_layout

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ci_gate.sh")


@pytest.fixture
def gate(tmp_path):
    e = Ecr(tmp_path)
    import_advisories(e.server.data_dir, str(tmp_path / "feed"))
    yield e
    e.stop()


def run_gate(e, aws, source, repo, tag, timeout="60"):
    env = e.env()
    env.update({"ENDPOINT": e.endpoint, "AWS": aws, "TIMEOUT": timeout})
    return subprocess.run(["sh", SCRIPT, source, repo, tag], capture_output=True, text=True,
                          timeout=240, env=env)


@pytest.mark.parametrize("aws", CLIS)
def test_gate_fails_on_critical_and_passes_without(gate, tmp_path, aws):
    bad = str(tmp_path / "bad")
    npm_layout(bad, "c1", MY_APP)  # minimist 1.2.0: TEST-0002, CRITICAL
    r = run_gate(gate, aws, f"oci:{bad}:c1", "prod-my-app", "c1")
    assert r.returncode == 1, r.stdout + r.stderr
    assert "has 1 critical finding(s)" in r.stdout

    good = str(tmp_path / "good")
    npm_layout(good, "c2", {"left-pad": "1.1.0", "lodash": "4.17.20"})  # UNTRIAGED and HIGH only
    r = run_gate(gate, aws, f"oci:{good}:c2", "prod-my-app", "c2")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no critical findings" in r.stdout
    # The same repository holds the critical image: the filter on the tag keeps them apart.


def test_gate_usage_and_timeout(gate, tmp_path):
    r = subprocess.run(["sh", SCRIPT, "only-one-arg"], capture_output=True, text=True)
    assert r.returncode == 4 and "usage" in r.stderr
    # Scanning off for this repository (BASIC, scanOnPush false): the scan never comes.
    gate.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC")
    layout = str(tmp_path / "manual")
    npm_layout(layout, "m1", MY_APP)
    r = run_gate(gate, AWS_V2, f"oci:{layout}:m1", "manual-app", "m1", timeout="2")
    assert r.returncode == 3, r.stdout + r.stderr
    assert "no scan result" in r.stderr
