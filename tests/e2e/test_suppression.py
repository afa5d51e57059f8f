"""Suppression rules end to end: `aws inspector2 create-filter --action SUPPRESS` / update-filter /
delete-filter against a real server, with real findings from a pushed image. Statuses are read
back with `surveyor findings list` (the server's own store); each status change also goes out as
an "Inspector2 Finding" event to a webhook. Expected statuses are worked out by hand from the
advisories written here."""

import json
import os

import pytest

from conftest import make_oci_layout, run
from test_ecr import AWS_V2, Ecr
from test_events import Receiver
from test_scanning import LOCK, CRITICAL_VECTOR, db_import, findings, osv, wait_for, write_feed


def statuses(data_dir):
    return {k: v["status"] for k, v in findings(data_dir).items()}


@pytest.fixture
def env(tmp_path):
    e = Ecr(tmp_path)
    r = Receiver()
    yield e, r
    r.close()
    e.stop()


def test_suppression_rules_move_findings_both_ways(tmp_path, env):
    ins, receiver = env
    data_dir = ins.server.data_dir
    feed = str(tmp_path / "feed")
    # TEST-0001: left-pad, no score (UNTRIAGED); TEST-0002: minimist, CRITICAL.
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0"),
                      osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
    db_import(data_dir, feed)
    pattern = '{"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"]}'
    ins.cli(AWS_V2, "events", "put-rule", "--name", "findings", "--event-pattern", pattern)
    ins.cli(AWS_V2, "events", "put-targets", "--rule", "findings", "--targets",
            json.dumps([{"Id": "hook", "Arn": receiver.url}]))

    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
                                    "app/package-lock.json": json.dumps(LOCK).encode()}])
    authfile = str(tmp_path / "auth.json")
    ins.login(authfile)
    run(["skopeo", "copy", "--authfile", authfile, "--dest-tls-verify=false", f"oci:{layout}:v1",
         f"docker://{ins.server.host}/prod-my-app:v1"])
    wait_for(lambda: statuses(data_dir) == {"TEST-0001": "ACTIVE", "TEST-0002": "ACTIVE"})

    def events_for(vuln, status):
        def match(bodies):
            for b in bodies:
                detail = json.loads(b)["detail"]
                if (detail["packageVulnerabilityDetails"]["vulnerabilityId"] == vuln
                        and detail["status"] == status):
                    return True
            return False
        return match

    # A rule on the vulnerability id: applied before the call returns.
    criteria = {"vulnerabilityId": [{"comparison": "EQUALS", "value": "TEST-0002"}]}
    arn = ins.cli(AWS_V2, "inspector2", "create-filter", "--name", "hide-minimist", "--action",
                  "SUPPRESS", "--filter-criteria", json.dumps(criteria))["arn"]
    assert statuses(data_dir) == {"TEST-0001": "ACTIVE", "TEST-0002": "SUPPRESSED"}
    assert receiver.wait_for(events_for("TEST-0002", "SUPPRESSED"))

    # Changing the criteria moves both: TEST-0002 back, TEST-0001 (UNTRIAGED) suppressed.
    ins.cli(AWS_V2, "inspector2", "update-filter", "--filter-arn", arn, "--filter-criteria",
            json.dumps({"severity": [{"comparison": "EQUALS", "value": "UNTRIAGED"}]}))
    assert statuses(data_dir) == {"TEST-0001": "SUPPRESSED", "TEST-0002": "ACTIVE"}
    assert receiver.wait_for(events_for("TEST-0002", "ACTIVE"))

    # A finding that appears later and matches the rule is born SUPPRESSED.
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0"),
                      osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR),
                      osv("TEST-0003", "left-pad", "1.2.0")])
    db_import(data_dir, feed)
    wait_for(lambda: "TEST-0003" in statuses(data_dir))
    assert statuses(data_dir) == {"TEST-0001": "SUPPRESSED", "TEST-0002": "ACTIVE",
                                  "TEST-0003": "SUPPRESSED"}
    assert receiver.wait_for(events_for("TEST-0003", "SUPPRESSED"))
    assert not events_for("TEST-0003", "ACTIVE")(receiver.bodies())

    # Action NONE: a saved filter, not a rule.
    ins.cli(AWS_V2, "inspector2", "update-filter", "--filter-arn", arn, "--action", "NONE")
    assert set(statuses(data_dir).values()) == {"ACTIVE"}
    ins.cli(AWS_V2, "inspector2", "update-filter", "--filter-arn", arn, "--action", "SUPPRESS")
    assert statuses(data_dir)["TEST-0001"] == "SUPPRESSED"

    # The advisory for TEST-0002 is withdrawn: CLOSED, and a rule matching it leaves it CLOSED.
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0"),
                      osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR,
                          withdrawn="2024-02-01T00:00:00Z"),
                      osv("TEST-0003", "left-pad", "1.2.0")])
    db_import(data_dir, feed)
    wait_for(lambda: statuses(data_dir)["TEST-0002"] == "CLOSED")
    second = ins.cli(AWS_V2, "inspector2", "create-filter", "--name", "everything-npm",
                     "--action", "SUPPRESS", "--filter-criteria", json.dumps(
                         {"vulnerablePackages": [{"name": {"comparison": "PREFIX",
                                                           "value": "m"}}]}))["arn"]
    assert statuses(data_dir) == {"TEST-0001": "SUPPRESSED", "TEST-0002": "CLOSED",
                                  "TEST-0003": "SUPPRESSED"}

    # Deleting the rules brings every open finding back.
    ins.cli(AWS_V2, "inspector2", "delete-filter", "--arn", arn)
    ins.cli(AWS_V2, "inspector2", "delete-filter", "--arn", second)
    assert statuses(data_dir) == {"TEST-0001": "ACTIVE", "TEST-0002": "CLOSED",
                                  "TEST-0003": "ACTIVE"}
    assert receiver.wait_for(events_for("TEST-0003", "ACTIVE"))
    listed = ins.cli(AWS_V2, "inspector2", "list-filters")["filters"]
    assert listed == []


def test_bad_rule_criteria_are_refused_and_change_nothing(tmp_path, env):
    ins, _ = env
    bad = ins.cli(AWS_V2, "inspector2", "create-filter", "--name", "bad", "--action", "SUPPRESS",
                  "--filter-criteria", json.dumps(
                      {"severity": [{"comparison": "LIKE", "value": "HIGH"}]}), ok=False)
    assert "ValidationException" in bad.stderr and "severity" in bad.stderr
    assert ins.cli(AWS_V2, "inspector2", "list-filters")["filters"] == []
