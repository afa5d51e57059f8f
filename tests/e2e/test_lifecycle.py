"""Lifecycle policies end to end (SCENARIOS.md §8): images pushed with skopeo, the §8 policy put
with the real aws CLI, `surveyor lifecycle preview` and `run` on the data directory of a running
server, then: the expired images are gone from `aws ecr describe-images`, a DELETE event reached
a JSON-lines file target, their findings are closed, and `surveyor gc` reclaims their blobs.

Pushed-at in the past: the CLI's hidden `--now` evaluates as of a later time (eight days ahead),
so nothing needs to rewrite push times. Expected expirations are worked out by hand below."""

import datetime
import json
import os
import subprocess
import time

from conftest import Server, make_oci_layout, skopeo, surveyor_bin
from test_ecr import read_credentials
from test_scanning import LOCK, db_import, osv, write_feed

REPO = "prod-my-app"
POLICY = {"rules": [
    {"rulePriority": 1, "description": "Remove untagged images after 7 days",
     "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                   "countNumber": 7},
     "action": {"type": "expire"}},
    {"rulePriority": 2, "description": "Keep only last 20 tagged images",
     "selection": {"tagStatus": "tagged", "tagPrefixList": ["v"],
                   "countType": "imageCountMoreThan", "countNumber": 20},
     "action": {"type": "expire"}}]}
DELETE_PATTERN = {"source": ["aws.ecr"], "detail-type": ["ECR Image Action"],
                  "detail": {"action-type": ["DELETE"]}}


class Aws:
    """The real aws CLI, signed with the server's bootstrap key."""

    def __init__(self, server):
        self.server = server
        self.key_id, self.secret = read_credentials(
            os.path.join(server.data_dir, "bootstrap-credentials"))

    def __call__(self, service, *args):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret,
                    "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
                    "AWS_MAX_ATTEMPTS": "1"})
        cmd = ["aws", service, *args, "--endpoint-url", f"http://{self.server.host}",
               "--output", "json"]
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
        assert r.returncode == 0, f"{' '.join(args)}: {r.stderr}"
        return json.loads(r.stdout) if r.stdout.strip() else {}


def surveyor(*args, expect=0):
    r = subprocess.run([surveyor_bin(), *args], capture_output=True, text=True, timeout=120)
    assert r.returncode == expect, r.stdout + r.stderr
    return r.stdout


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def image_findings(data_dir):
    """{image digest: {status: count}} over every finding (any status)."""
    out = {}
    for f in json.loads(surveyor("findings", "list", "--data", data_dir, "--status", "ALL",
                                 "--json"))["findings"]:
        digest = f["resources"][0]["details"]["awsEcrContainerImage"]["imageHash"]
        by_status = out.setdefault(digest, {})
        by_status[f["status"]] = by_status.get(f["status"], 0) + 1
    return out


def push_http(server, layout, manifest_digest, repo, tag):
    """Pushes an image of `layout` with plain registry calls (faster than a skopeo process)."""
    def read(digest):
        with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb") as f:
            return f.read()
    manifest = read(manifest_digest)
    m = json.loads(manifest)
    for d in [m["config"]] + m["layers"]:
        status, _, body = server.request("POST", f"/v2/{repo}/blobs/uploads/?digest={d['digest']}",
                                         body=read(d["digest"]))
        assert status == 201, body
    status, _, body = server.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                     headers={"Content-Type": m["mediaType"]})
    assert status == 201, body


def blob_path(data_dir, digest):
    hex_ = digest.split(":", 1)[1]
    return os.path.join(data_dir, "blobs", "sha256", hex_[:2], hex_)


def test_scenario8_expire_old_images(tmp_path):
    data_dir = str(tmp_path / "data")
    os.makedirs(data_dir)
    feed = str(tmp_path / "feed")
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0")])  # every image has left-pad 1.1.0
    db_import(data_dir, feed)
    events_file = tmp_path / "events.jsonl"
    config = tmp_path / "surveyor.yaml"
    config.write_text(json.dumps({"lifecycle": {"interval": "0"},
                                  "events": {"file_targets": {"log": str(events_file)}}}))
    # One layout, one image per tag: a shared lockfile layer and a layer of its own.
    layout = str(tmp_path / "layout")
    names = ["a", "b"] + [f"v{i}" for i in range(1, 22)]
    digests, unique_layer = {}, {}
    for name in names:
        digests[name] = make_oci_layout(layout, name, [
            {"app/package-lock.json": json.dumps(LOCK).encode()},
            {"id.txt": name.encode()}])
        with open(os.path.join(layout, "blobs", "sha256", digests[name][7:])) as f:
            unique_layer[name] = json.load(f)["layers"][1]["digest"]

    s = Server(data_dir, ["--config", str(config)]).start()
    try:
        aws = Aws(s)
        aws("ecr", "create-repository", "--repository-name", REPO)
        aws("events", "put-rule", "--name", "deletions", "--event-pattern",
            json.dumps(DELETE_PATTERN))
        aws("events", "put-targets", "--rule", "deletions", "--targets",
            json.dumps([{"Id": "file", "Arn": "arn:surveyor:events:local:file/log"}]))
        # a is pushed as :build, then b takes :build, so a is untagged; then v1 (oldest) .. v21.
        # skopeo pushes the images that matter; v2..v20 only fill the count, pushed directly.
        for name in names:
            tag = "build" if name in ("a", "b") else name
            if name in ("a", "b", "v1", "v21"):
                skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:{name}",
                       f"docker://{s.host}/{REPO}:{tag}")
            else:
                push_http(s, layout, digests[name], REPO, tag)
        aws("ecr", "put-lifecycle-policy", "--repository-name", REPO,
            "--lifecycle-policy-text", json.dumps(POLICY))
        wait_for(lambda: len(image_findings(data_dir)) == len(names), timeout=60)

        # Now (ECR's preview, real time): a is minutes old, so rule 1 expires nothing; rule 2
        # keeps v2..v21 (the 20 newest v images) and expires v1.
        aws("ecr", "start-lifecycle-policy-preview", "--repository-name", REPO)
        preview = aws("ecr", "get-lifecycle-policy-preview", "--repository-name", REPO)
        assert preview["status"] == "COMPLETE"
        assert [(r["imageDigest"], r["appliedRulePriority"]) for r in preview["previewResults"]] \
            == [(digests["v1"], 2)]

        # Eight days on: a (untagged, > 7 days) goes by rule 1, v1 by rule 2; b keeps :build.
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=8)
                 ).strftime("%Y-%m-%dT%H:%M:%SZ")
        expected = {digests["a"]: 1, digests["v1"]: 2}
        out = json.loads(surveyor("lifecycle", "preview", REPO, "--data", data_dir, "--json",
                                  "--now", later))
        assert {i["imageDigest"]: i["appliedRulePriority"] for i in out["images"]} == expected
        assert out["imageCount"] == len(names)
        table = surveyor("lifecycle", "preview", REPO, "--data", data_dir, "--now", later)
        assert "2 of 23 images would expire" in table and "<untagged>" in table
        dry = json.loads(surveyor("lifecycle", "run", REPO, "--data", data_dir, "--dry-run",
                                  "--json", "--now", later))
        assert {i["imageDigest"] for i in dry["repositories"][0]["images"]} == set(expected)
        described = aws("ecr", "describe-images", "--repository-name", REPO)["imageDetails"]
        assert len(described) == len(names)  # preview and dry run deleted nothing

        run = json.loads(surveyor("lifecycle", "run", REPO, "--data", data_dir, "--json",
                                  "--now", later))
        assert {i["imageDigest"]: i["appliedRulePriority"]
                for i in run["repositories"][0]["images"]} == expected

        described = aws("ecr", "describe-images", "--repository-name", REPO)["imageDetails"]
        remaining = {d["imageDigest"] for d in described}
        assert remaining == {digests[n] for n in names} - set(expected)
        policy = aws("ecr", "get-lifecycle-policy", "--repository-name", REPO)
        assert "lastEvaluatedAt" in policy

        # The server's dispatcher delivers the DELETE events the CLI wrote to the outbox.
        def deletes():
            if not events_file.exists():
                return None
            events = [json.loads(l) for l in events_file.read_text().splitlines()]
            return events if len(events) >= 2 else None
        events = wait_for(deletes)
        time.sleep(0.3)
        events = [json.loads(l) for l in events_file.read_text().splitlines()]
        assert len(events) == 2
        for e in events:
            assert e["detail-type"] == "ECR Image Action" and e["source"] == "aws.ecr"
            assert e["detail"]["action-type"] == "DELETE"
            assert e["detail"]["repository-name"] == REPO
        assert {e["detail"]["image-digest"] for e in events} == set(expected)

        # Findings: the expired images' are closed, the others' stay active.
        f = image_findings(data_dir)
        for name in names:
            want = {"CLOSED": 1} if digests[name] in expected else {"ACTIVE": 1}
            assert f[digests[name]] == want, name

        # Their own layers are reclaimed; the shared lockfile layer stays.
        for name in ("a", "v1"):
            assert os.path.exists(blob_path(data_dir, unique_layer[name]))
        gc = json.loads(surveyor("gc", "--data", data_dir, "--grace", "0", "--json"))
        assert gc["blobsDeleted"] >= 4  # two layers, two configs
        for name in ("a", "v1"):
            assert not os.path.exists(blob_path(data_dir, unique_layer[name])), name
        for name in ("b", "v2", "v21"):
            assert os.path.exists(blob_path(data_dir, unique_layer[name])), name
        fsck = subprocess.run([surveyor_bin(), "fsck", "--data", data_dir], capture_output=True,
                              text=True, timeout=120)
        assert fsck.returncode == 0, fsck.stdout
    finally:
        s.stop()


def test_scheduled_evaluation_in_serve(tmp_path):
    """lifecycle.interval: the server applies policies by itself (here every second)."""
    data_dir = str(tmp_path / "data")
    config = tmp_path / "surveyor.yaml"
    config.write_text(json.dumps({"lifecycle": {"interval": "1s"}, "housekeeping_seconds": 1,
                                  "scan": {"enabled": False}}))
    layout = str(tmp_path / "layout")
    first = make_oci_layout(layout, "v1", [{"id.txt": b"one"}])
    second = make_oci_layout(layout, "v2", [{"id.txt": b"two"}])
    s = Server(data_dir, ["--config", str(config)]).start()
    try:
        aws = Aws(s)
        for tag in ("v1", "v2"):
            skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:{tag}",
                   f"docker://{s.host}/{REPO}:{tag}")
        keep_one = {"rules": [{"rulePriority": 1, "selection": {
            "tagStatus": "tagged", "tagPrefixList": ["v"], "countType": "imageCountMoreThan",
            "countNumber": 1}, "action": {"type": "expire"}}]}
        aws("ecr", "put-lifecycle-policy", "--repository-name", REPO,
            "--lifecycle-policy-text", json.dumps(keep_one))

        def images():
            d = aws("ecr", "describe-images", "--repository-name", REPO)["imageDetails"]
            return {i["imageDigest"] for i in d}
        assert wait_for(lambda: images() == {second}, timeout=20)
        assert first not in images()
        _, _, metrics = s.request("GET", "/metrics")
        assert b"surveyor_lifecycle_expired_images_total 1" in metrics
    finally:
        s.stop()
