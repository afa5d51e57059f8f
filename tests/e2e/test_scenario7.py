"""SCENARIOS.md §7 end to end: the EventBridge rule for new critical findings, created with the
real aws CLI, fires for a finding from a push and again for a finding that a later advisory
import adds to the unchanged image. The messages are worked out by hand from the §7 template."""

import json
import os

from conftest import Server, make_oci_layout, skopeo
from test_events import Receiver, aws
from test_scanning import CRITICAL_VECTOR, LOCK, db_import, osv, write_feed

PATTERN = {"source": ["aws.inspector2"], "detail-type": ["Inspector2 Finding"],
           "detail": {"severity": ["CRITICAL"], "status": ["ACTIVE"],
                      "resourceType": ["AWS_ECR_CONTAINER_IMAGE"]}}
TRANSFORMER = {
    "InputPathsMap": {
        "repo": "$.detail.resources[0].details.awsEcrContainerImage.repositoryName",
        "tag": "$.detail.resources[0].details.awsEcrContainerImage.imageTags[0]",
        "title": "$.detail.title", "severity": "$.detail.severity"},
    "InputTemplate": '"Critical vulnerability in <repo>:<tag> - <title>"'}


def test_alert_on_new_critical_findings(tmp_path):
    data_dir = str(tmp_path / "data")
    os.makedirs(data_dir)
    feed = str(tmp_path / "feed")
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR),
                      osv("TEST-0003", "left-pad", "1.2.0")])  # unscored: must not alert
    db_import(data_dir, feed)
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"app/package-lock.json": json.dumps(LOCK).encode()}])
    receiver = Receiver()
    s = Server(data_dir).start()
    try:
        aws(s, "events", "put-rule", "--name", "critical-findings",
            "--event-pattern", json.dumps(PATTERN))
        aws(s, "events", "put-targets", "--rule", "critical-findings", "--targets",
            json.dumps([{"Id": "pager", "Arn": receiver.url, "InputTransformer": TRANSFORMER}]))
        skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:v1",
               f"docker://{s.host}/prod-my-app:v1")
        first = '"Critical vulnerability in prod-my-app:v1 - TEST-0001 - left-pad"'
        assert receiver.wait_for(lambda b: first in b), receiver.bodies()

        # No push: an advisory import adds a critical finding to the same image.
        write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR),
                          osv("TEST-0003", "left-pad", "1.2.0"),
                          osv("TEST-0002", "minimist", "1.2.6", severity=CRITICAL_VECTOR)])
        db_import(data_dir, feed)
        second = '"Critical vulnerability in prod-my-app:v1 - TEST-0002 - minimist"'
        assert receiver.wait_for(lambda b: second in b), receiver.bodies()
        bodies = receiver.bodies()
        assert not any("TEST-0003" in b for b in bodies)  # not critical: no alert
        assert sum(first in b for b in bodies) >= 1
    finally:
        s.stop()
        receiver.close()
