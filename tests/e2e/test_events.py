"""Events end to end: rules and targets managed with the real `aws events` / `aws sns` CLI (SigV4
signed with the server's bootstrap key; unsigned and wrongly signed calls are refused), image
pushes with skopeo, scanning-configuration changes with `aws ecr` / `aws inspector2`, and real
HTTP receivers on 127.0.0.1 (SCENARIOS.md §7 with findings is test_scenario7.py). Expected
payloads are worked out by hand from the templates and SPEC.md §6.3 / §8."""

import hashlib
import hmac
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.request

import pytest

from conftest import Server, run, skopeo

TLS = "--dest-tls-verify=false"
PUSH_PATTERN = '{"source":["aws.ecr"],"detail-type":["ECR Image Action"],"detail":{"action-type":["PUSH"]}}'
TRANSFORMER = json.dumps({
    "InputPathsMap": {"repo": "$.detail.repository-name", "tag": "$.detail.image-tag"},
    "InputTemplate": '"Pushed <repo>:<tag>"'})
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"


class Receiver:
    """An HTTP receiver thread. `status` is what it answers; `delay` seconds per request;
    `confirm` makes it visit an SNS SubscribeURL."""

    def __init__(self, port=0):
        self.requests = []  # (headers dict lower-cased, body str)
        self.status = 200
        self.delay = 0.0
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                time.sleep(outer.delay)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if headers.get("x-amz-sns-message-type") == "SubscriptionConfirmation":
                    url = json.loads(body)["SubscribeURL"]
                    threading.Thread(target=lambda: urllib.request.urlopen(url, timeout=10).read(),
                                     daemon=True).start()
                with outer.lock:
                    status = outer.status
                    if status == 200:
                        outer.requests.append((headers, body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hook"

    def bodies(self):
        with self.lock:
            return [b for _, b in self.requests]

    def wait_for(self, predicate, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self.bodies()):
                return True
            time.sleep(0.05)
        return False

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def credentials(server):
    """The server's first-start access key (every AWS call is SigV4-signed with it)."""
    from test_ecr import read_credentials
    return read_credentials(os.path.join(server.data_dir, "bootstrap-credentials"))


def aws(server, service, *args, check=True, key_id=None, secret=None):
    """Runs the aws CLI against `server`, signed with its bootstrap key unless told otherwise."""
    own_id, own_secret = credentials(server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": key_id or own_id, "AWS_SECRET_ACCESS_KEY": secret or own_secret,
                "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"})
    cmd = ["aws", service, *args, "--endpoint-url", f"http://{server.host}", "--region", "us-east-1",
           "--output", "json"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed: {r.stderr}")
    return r if not check else (json.loads(r.stdout) if r.stdout.strip() else {})


def start_server(tmp_path, config=None):
    args = []
    if config is not None:
        path = tmp_path / "surveyor.yaml"
        path.write_text(json.dumps(config))  # JSON is YAML
        args = ["--config", str(path)]
    return Server(str(tmp_path / "data"), args).start()


def add_push_rule(server, target):
    aws(server, "events", "put-rule", "--name", "pushes", "--event-pattern", PUSH_PATTERN)
    aws(server, "events", "put-targets", "--rule", "pushes", "--targets", json.dumps([target]))


def push(server, small_image, repo, tag):
    layout, src_tag = small_image
    skopeo("copy", TLS, f"oci:{layout}:{src_tag}", f"docker://{server.host}/{repo}:{tag}")


def retag(server, repo, src_tag, tags):
    """PUTs the manifest of repo:src_tag again under each of `tags` (one PUSH event each)."""
    status, headers, manifest = server.request("GET", f"/v2/{repo}/manifests/{src_tag}",
                                               headers={"Accept": OCI_MANIFEST})
    assert status == 200
    for tag in tags:
        status, _, _ = server.request("PUT", f"/v2/{repo}/manifests/{tag}", body=manifest,
                                      headers={"Content-Type": headers["content-type"]})
        assert status == 201, status


def wait_metrics(server, path, lines, timeout=10):
    """Polls `path` until it contains every line (counters move just after a receiver answers)."""
    deadline = time.time() + timeout
    text = ""
    while time.time() < deadline:
        status, _, body = server.request("GET", path)
        text = body.decode()
        if status == 200 and all(line in text for line in lines):
            return text
        time.sleep(0.1)
    raise AssertionError(f"{path} lacks {lines}:\n{text}")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_push_reaches_webhook_transformed_and_signed(tmp_path, small_image, receiver):
    server = start_server(tmp_path)
    try:
        target = {"Id": "hook", "Arn": receiver.url,
                  "HttpParameters": {"HeaderParameters": {"X-Team": "platform",
                                                          "X-Surveyor-Signing-Secret": "s3cret"}},
                  "InputTransformer": json.loads(TRANSFORMER)}
        add_push_rule(server, target)
        rule = aws(server, "events", "describe-rule", "--name", "pushes")
        assert rule["State"] == "ENABLED"
        assert rule["Arn"] == "arn:aws:events:us-east-1:123456789012:rule/pushes"
        assert json.loads(rule["EventPattern"]) == json.loads(PUSH_PATTERN)
        listed = aws(server, "events", "list-targets-by-rule", "--rule", "pushes")["Targets"]
        assert listed[0]["Arn"] == receiver.url
        assert listed[0]["HttpParameters"]["HeaderParameters"]["X-Surveyor-Signing-Secret"] == "********"
        assert [r["Name"] for r in aws(server, "events", "list-rules")["Rules"]] == ["pushes"]

        push(server, small_image, "prod-my-app", "v1")
        assert receiver.wait_for(lambda b: '"Pushed prod-my-app:v1"' in b), receiver.bodies()
        headers, body = receiver.requests[0]
        assert headers["x-team"] == "platform"
        assert "x-surveyor-signing-secret" not in headers
        expected = hmac.new(b"s3cret", body.encode(), hashlib.sha256).hexdigest()
        assert headers["x-surveyor-signature"] == "sha256=" + expected

        # A disabled rule delivers nothing; enabling it again resumes.
        aws(server, "events", "disable-rule", "--name", "pushes")
        assert aws(server, "events", "describe-rule", "--name", "pushes")["State"] == "DISABLED"
        push(server, small_image, "prod-my-app", "v2")
        time.sleep(1.0)
        assert '"Pushed prod-my-app:v2"' not in receiver.bodies()
        aws(server, "events", "enable-rule", "--name", "pushes")
        push(server, small_image, "prod-my-app", "v3")
        assert receiver.wait_for(lambda b: '"Pushed prod-my-app:v3"' in b)

        wait_metrics(server, "/metrics/events",
                     ['surveyor_events_target_delivered_total{rule="pushes",target="hook"} 2'])
        wait_metrics(server, "/metrics", ["surveyor_events_delivered_total 2"])

        r = aws(server, "events", "delete-rule", "--name", "pushes", check=False)
        assert r.returncode != 0 and "ValidationException" in r.stderr  # still has targets
        aws(server, "events", "remove-targets", "--rule", "pushes", "--ids", "hook")
        aws(server, "events", "delete-rule", "--name", "pushes")
        assert aws(server, "events", "list-rules")["Rules"] == []
    finally:
        server.stop()


def test_invalid_patterns_and_templates_are_rejected(tmp_path):
    server = start_server(tmp_path)
    try:
        r = aws(server, "events", "put-rule", "--name", "bad", "--event-pattern",
                '{"source":"aws.ecr"}', check=False)
        assert r.returncode != 0 and "InvalidEventPatternException" in r.stderr, r.stderr
        r = aws(server, "events", "put-rule", "--name", "bad", "--event-pattern",
                '{"detail":{"n":[{"numeric":[">",1,">",2]}]}}', check=False)
        assert r.returncode != 0 and "InvalidEventPatternException" in r.stderr, r.stderr
        aws(server, "events", "put-rule", "--name", "ok", "--event-pattern", PUSH_PATTERN)
        bad_template = {"Id": "t", "Arn": "http://127.0.0.1:9/x",
                        "InputTransformer": {"InputPathsMap": {"a": "$.detail"},
                                             "InputTemplate": '{"x": <a> <a>}'}}
        r = aws(server, "events", "put-targets", "--rule", "ok", "--targets",
                json.dumps([bad_template]), check=False)
        assert r.returncode != 0 and "ValidationException" in r.stderr, r.stderr
        r = aws(server, "events", "put-targets", "--rule", "missing", "--targets",
                json.dumps([{"Id": "t", "Arn": "http://127.0.0.1:9/x"}]), check=False)
        assert r.returncode != 0 and "ResourceNotFoundException" in r.stderr, r.stderr
        assert aws(server, "events", "list-targets-by-rule", "--rule", "ok")["Targets"] == []
        r = aws(server, "events", "describe-rule", "--name", "nope", check=False)
        assert r.returncode != 0 and "ResourceNotFoundException" in r.stderr

        event = {"id": "1", "account": "123456789012", "source": "aws.ecr", "time": "2021-01-01T00:00:00Z",
                 "region": "us-east-1", "resources": [], "detail-type": "ECR Image Action",
                 "detail": {"action-type": "PUSH"}}
        res = aws(server, "events", "test-event-pattern", "--event-pattern", PUSH_PATTERN,
                  "--event", json.dumps(event))
        assert res["Result"] is True
        event["detail"]["action-type"] = "DELETE"
        res = aws(server, "events", "test-event-pattern", "--event-pattern", PUSH_PATTERN,
                  "--event", json.dumps(event))
        assert res["Result"] is False
    finally:
        server.stop()


def test_receiver_down_for_a_while_gets_everything(tmp_path, small_image, receiver):
    server = start_server(tmp_path, {"events": {"base_backoff_ms": 100, "max_backoff_ms": 400,
                                                "max_attempts": 1000}})
    try:
        add_push_rule(server, {"Id": "hook", "Arn": receiver.url,
                               "InputTransformer": json.loads(TRANSFORMER)})
        receiver.status = 503
        push(server, small_image, "app", "v0")
        retag(server, "app", "v0", [f"t{i}" for i in range(10)])
        time.sleep(2.0)
        assert receiver.bodies() == []
        receiver.status = 200
        want = ['"Pushed app:v0"'] + [f'"Pushed app:t{i}"' for i in range(10)]
        assert receiver.wait_for(lambda b: len(b) >= len(want)), receiver.bodies()
        assert receiver.bodies() == want  # in order, no loss
    finally:
        server.stop()


def test_kill9_mid_delivery_then_restart_delivers_everything(tmp_path, small_image, receiver):
    server = start_server(tmp_path, {"events": {"base_backoff_ms": 100, "max_backoff_ms": 400}})
    try:
        add_push_rule(server, {"Id": "hook", "Arn": receiver.url,
                               "InputTransformer": json.loads(TRANSFORMER)})
        receiver.delay = 0.1
        push(server, small_image, "app", "v0")
        tags = [f"t{i}" for i in range(30)]
        retag(server, "app", "v0", tags)
        assert receiver.wait_for(lambda b: len(b) >= 5)
        server.kill9()
        got_before = len(receiver.bodies())
        assert got_before < 31, "kill came too late to interrupt delivery"
        server.start(0)
        want = ['"Pushed app:v0"'] + [f'"Pushed app:{t}"' for t in tags]
        assert receiver.wait_for(lambda b: set(want) <= set(b), timeout=60), receiver.bodies()
        bodies = receiver.bodies()
        # At least once: only the delivery in flight at the kill may repeat.
        assert len(bodies) - len(want) <= 2, bodies
        # Order kept: first occurrences follow push order.
        firsts = sorted(set(bodies), key=bodies.index)
        assert firsts == want
    finally:
        server.stop()


def test_dead_letters_list_and_replay(tmp_path, small_image):
    server = start_server(tmp_path, {"events": {"base_backoff_ms": 50, "max_backoff_ms": 100,
                                                "max_attempts": 3}})
    receiver = Receiver()
    port = receiver.port
    receiver.close()  # nothing listens: every attempt fails
    try:
        add_push_rule(server, {"Id": "hook", "Arn": f"http://127.0.0.1:{port}/hook",
                               "InputTransformer": json.loads(TRANSFORMER)})
        push(server, small_image, "app", "v1")
        data = str(tmp_path / "data")
        dead = []
        for _ in range(100):
            dead = json.loads(run([server_bin(), "events", "dead-letters", "list", "--data", data]))
            if dead:
                break
            time.sleep(0.1)
        assert len(dead) == 1, dead
        assert dead[0]["attempts"] == 3 and dead[0]["payload"] == '"Pushed app:v1"'
        assert dead[0]["rule"] == "pushes" and dead[0]["target"] == "hook"
        back = Receiver(port)
        try:
            out = run([server_bin(), "events", "dead-letters", "replay", "--data", data])
            assert "replayed 1" in out
            assert back.wait_for(lambda b: b == ['"Pushed app:v1"'])
            assert json.loads(run([server_bin(), "events", "dead-letters", "list", "--data", data])) == []
        finally:
            back.close()
    finally:
        server.stop()


def server_bin():
    from conftest import surveyor_bin
    return surveyor_bin()


def test_sns_topic_with_confirmed_http_subscription(tmp_path, small_image, receiver):
    server = start_server(tmp_path)
    try:
        topic = aws(server, "sns", "create-topic", "--name", "alerts")["TopicArn"]
        assert topic == "arn:aws:sns:us-east-1:123456789012:alerts"
        aws(server, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
            "--notification-endpoint", receiver.url)
        subs = []
        for _ in range(100):
            subs = aws(server, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)["Subscriptions"]
            if subs and subs[0]["SubscriptionArn"].startswith(topic + ":"):
                break
            time.sleep(0.1)
        assert subs[0]["SubscriptionArn"].startswith(topic + ":"), subs  # confirmed
        assert subs[0]["Endpoint"] == receiver.url and subs[0]["Protocol"] == "http"

        add_push_rule(server, {"Id": "topic", "Arn": topic, "InputTransformer": json.loads(TRANSFORMER)})
        push(server, small_image, "prod-my-app", "v1")

        def notified(_):
            return any(h.get("x-amz-sns-message-type") == "Notification" for h, _ in receiver.requests)
        assert receiver.wait_for(notified), receiver.requests
        note = [json.loads(b) for h, b in receiver.requests
                if h.get("x-amz-sns-message-type") == "Notification"][0]
        assert note["Type"] == "Notification" and note["TopicArn"] == topic
        assert note["Message"] == "Pushed prod-my-app:v1"

        aws(server, "sns", "publish", "--topic-arn", topic, "--message", "hello there")
        assert receiver.wait_for(lambda b: any('"hello there"' in x for x in b))
    finally:
        server.stop()


def test_file_and_command_targets(tmp_path, small_image):
    jsonl = tmp_path / "events.jsonl"
    cmd_out = tmp_path / "cmd.txt"
    server = start_server(tmp_path, {"events": {
        "file_targets": {"log": str(jsonl)},
        "command_targets": {"sink": f"cat >> '{cmd_out}'; echo >> '{cmd_out}'"}}})
    try:
        aws(server, "events", "put-rule", "--name", "pushes", "--event-pattern", PUSH_PATTERN)
        aws(server, "events", "put-targets", "--rule", "pushes", "--targets", json.dumps([
            {"Id": "file", "Arn": "arn:surveyor:events:local:file/log"},
            {"Id": "cmd", "Arn": "arn:surveyor:events:local:command/sink",
             "InputPath": "$.detail"}]))
        push(server, small_image, "team/app", "v7")
        deadline = time.time() + 30
        while time.time() < deadline and not (jsonl.exists() and cmd_out.exists()):
            time.sleep(0.05)
        time.sleep(0.3)
        lines = jsonl.read_text().splitlines()
        assert len(lines) == 1
        event = json.loads(lines[0])
        assert event["detail-type"] == "ECR Image Action" and event["source"] == "aws.ecr"
        assert event["detail"]["repository-name"] == "team/app"
        assert event["detail"]["image-tag"] == "v7"
        assert event["detail"]["action-type"] == "PUSH"
        assert event["account"] == "123456789012" and event["region"] == "us-east-1"
        detail = json.loads(cmd_out.read_text())
        assert detail == event["detail"]
    finally:
        server.stop()


class GarbageServer:
    """Accepts connections, reads a little, answers bytes that are not HTTP, closes."""

    def __init__(self):
        import socket
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            try:
                conn.recv(65536)
                conn.sendall(b"\x00\xffgarbage, not a status line\r\n\r\n")
            except OSError:
                pass
            conn.close()

    def close(self):
        self.sock.close()


def test_hanging_and_garbage_targets_delay_only_their_own_queue(tmp_path, small_image, receiver):
    server = start_server(tmp_path, {"events": {"target_timeout_ms": 2000, "base_backoff_ms": 100,
                                                "max_backoff_ms": 200, "max_attempts": 1000}})
    hanging = Receiver()
    hanging.delay = 30
    garbage = GarbageServer()
    try:
        aws(server, "events", "put-rule", "--name", "pushes", "--event-pattern", PUSH_PATTERN)
        aws(server, "events", "put-targets", "--rule", "pushes", "--targets", json.dumps([
            {"Id": "hangs", "Arn": hanging.url, "InputTransformer": json.loads(TRANSFORMER)},
            {"Id": "garbage", "Arn": f"http://127.0.0.1:{garbage.port}/x",
             "InputTransformer": json.loads(TRANSFORMER)},
            {"Id": "good", "Arn": receiver.url, "InputTransformer": json.loads(TRANSFORMER)}]))
        push(server, small_image, "app", "v0")
        retag(server, "app", "v0", [f"t{i}" for i in range(5)])
        start = time.time()
        want = ['"Pushed app:v0"'] + [f'"Pushed app:t{i}"' for i in range(5)]
        assert receiver.wait_for(lambda b: b == want, timeout=10), receiver.bodies()
        assert time.time() - start < 5  # not held up by the 2 s timeouts of the other queues
        assert garbage.hits >= 1
        assert hanging.bodies() == []
        wait_metrics(server, "/metrics/events", [
            'surveyor_events_target_delivered_total{rule="pushes",target="good"} 6',
            'surveyor_events_target_delivered_total{rule="pushes",target="garbage"} 0',
            'surveyor_events_target_retrying{rule="pushes",target="garbage"} 1'])
    finally:
        server.stop(timeout=60)
        hanging.close()
        garbage.close()


def raw_post(server, headers, body):
    status, resp_headers, data = server.request("POST", "/", body=body, headers=headers)
    return status, resp_headers, data.decode()


def test_events_and_sns_calls_must_be_signed(tmp_path, receiver):
    server = start_server(tmp_path)
    try:
        own_id, own_secret = credentials(server)
        # EventBridge (awsJson1_1): unsigned → 400 {"__type": "MissingAuthenticationTokenException"}.
        status, headers, body = raw_post(server, {"X-Amz-Target": "AWSEvents.PutRule",
                                                  "Content-Type": "application/x-amz-json-1.1"},
                                         json.dumps({"Name": "sneaky", "EventPattern": PUSH_PATTERN}))
        assert status == 400, body
        assert headers["content-type"].startswith("application/x-amz-json-1.1")
        assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"
        assert aws(server, "events", "list-rules")["Rules"] == []  # nothing was created
        r = aws(server, "events", "put-rule", "--name", "x", "--event-pattern", PUSH_PATTERN,
                check=False, secret=own_secret[:-1] + ("A" if own_secret[-1] != "A" else "B"))
        assert r.returncode != 0 and "InvalidSignatureException" in r.stderr, r.stderr
        r = aws(server, "events", "list-rules", check=False, key_id="AKIAUNKNOWNKEY000000")
        assert r.returncode != 0 and "UnrecognizedClientException" in r.stderr, r.stderr
        assert aws(server, "events", "list-rules")["Rules"] == []

        # SNS (query protocol): unsigned → 403 XML ErrorResponse, Code MissingAuthenticationToken.
        form = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        status, headers, body = raw_post(server, form, "Action=CreateTopic&Name=sneaky&Version=2010-03-31")
        assert status == 403, body
        assert "<ErrorResponse" in body and "<Type>Sender</Type>" in body
        assert "<Code>MissingAuthenticationToken</Code>" in body
        r = aws(server, "sns", "list-subscriptions-by-topic", "--topic-arn",
                "arn:aws:sns:us-east-1:123456789012:sneaky", check=False)
        assert r.returncode != 0 and "NotFound" in r.stderr, r.stderr  # never created
        r = aws(server, "sns", "create-topic", "--name", "alerts", check=False, secret="wrong" + own_secret)
        assert r.returncode != 0 and "SignatureDoesNotMatch" in r.stderr, r.stderr
        r = aws(server, "sns", "create-topic", "--name", "alerts", check=False, key_id="AKIAUNKNOWNKEY000000")
        assert r.returncode != 0 and "InvalidClientTokenId" in r.stderr, r.stderr
        topic = aws(server, "sns", "create-topic", "--name", "alerts")["TopicArn"]

        # ConfirmSubscription stays open to unsigned callers (the SubscribeURL GET carries only the
        # token): a wrong token is refused for the token, not for the missing signature...
        status, _, body = raw_post(server, form, f"Action=ConfirmSubscription&TopicArn={topic}&Token=00")
        assert status == 400 and "<Code>InvalidParameter</Code>" in body, body
        status, _, data = server.request("GET", f"/?Action=ConfirmSubscription&TopicArn={topic}&Token=00")
        assert status == 400 and b"InvalidParameter" in data
        # ... but a signed one must carry a good signature.
        r = aws(server, "sns", "confirm-subscription", "--topic-arn", topic, "--token", "00",
                check=False, secret="wrong" + own_secret)
        assert r.returncode != 0 and "SignatureDoesNotMatch" in r.stderr, r.stderr
        # The receiver confirms by visiting the unsigned SubscribeURL.
        aws(server, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http",
            "--notification-endpoint", receiver.url)
        for _ in range(100):
            subs = aws(server, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)["Subscriptions"]
            if subs and subs[0]["SubscriptionArn"].startswith(topic + ":"):
                break
            time.sleep(0.1)
        assert subs[0]["SubscriptionArn"].startswith(topic + ":"), subs
        # Publish is not open: unsigned is refused and nothing reaches the subscriber.
        status, _, body = raw_post(server, form, f"Action=Publish&TopicArn={topic}&Message=forged")
        assert status == 403 and "MissingAuthenticationToken" in body, body
        time.sleep(0.3)
        assert not any("forged" in b for b in receiver.bodies())
    finally:
        server.stop()


SCAN_CHANGE_PATTERN = '{"source":["aws.ecr"],"detail-type":["ECR Scan Resource Change"]}'


def repo_change(name, now, before):
    return {"repository-name": name,
            "repository-arn": f"arn:aws:ecr:us-east-1:123456789012:repository/{name}",
            "scan-frequency": now, "previous-scan-frequency": before}


def test_scan_resource_change_events_from_scanning_configuration(tmp_path):
    jsonl = tmp_path / "changes.jsonl"
    server = start_server(tmp_path, {"events": {"file_targets": {"changes": str(jsonl)}}})

    def events(n):
        deadline = time.time() + 20
        while time.time() < deadline:
            lines = jsonl.read_text().splitlines() if jsonl.exists() else []
            if len(lines) >= n:
                return [json.loads(line) for line in lines]
            time.sleep(0.05)
        raise AssertionError(f"expected {n} events in {jsonl}")

    try:
        aws(server, "events", "put-rule", "--name", "scan-changes", "--event-pattern", SCAN_CHANGE_PATTERN)
        aws(server, "events", "put-targets", "--rule", "scan-changes", "--targets",
            json.dumps([{"Id": "file", "Arn": "arn:surveyor:events:local:file/changes"}]))
        for name in ("prod-app", "dev-app"):
            aws(server, "ecr", "create-repository", "--repository-name", name)
        # Never configured: Surveyor scans everything continuously (ENHANCED). This rule keeps
        # scan on push for prod* only; dev-app matches no rule and is no longer scanned.
        aws(server, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules",
            json.dumps([{"scanFrequency": "SCAN_ON_PUSH",
                         "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]}]))
        first = events(1)[0]
        assert first["source"] == "aws.ecr" and first["detail-type"] == "ECR Scan Resource Change"
        assert first["resources"] == [] and first["account"] == "123456789012"
        assert first["detail"] == {
            "action-type": "SCAN_FREQUENCY_CHANGE", "resource-type": "REPOSITORY", "scan-type": "ENHANCED",
            "repositories": [repo_change("dev-app", "MANUAL", "CONTINUOUS_SCAN"),
                             repo_change("prod-app", "SCAN_ON_PUSH", "CONTINUOUS_SCAN")]}
        # The same configuration again moves nothing; a repository's legacy scanOnPush does not
        # matter under ENHANCED: no events.
        aws(server, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules",
            json.dumps([{"scanFrequency": "SCAN_ON_PUSH",
                         "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]}]))
        aws(server, "ecr", "put-image-scanning-configuration", "--repository-name", "dev-app",
            "--image-scanning-configuration", "scanOnPush=true")
        # Deactivating Inspector's ECR scanning makes the registry BASIC (no rules): prod-app drops
        # to MANUAL; dev-app was MANUAL... but under BASIC its scanOnPush=true now applies.
        aws(server, "inspector2", "disable", "--resource-types", "ECR")
        second = events(2)[1]
        assert second["detail"]["scan-type"] == "BASIC"
        assert second["detail"]["repositories"] == [repo_change("dev-app", "SCAN_ON_PUSH", "MANUAL"),
                                                    repo_change("prod-app", "MANUAL", "SCAN_ON_PUSH")]
        assert aws(server, "ecr", "get-registry-scanning-configuration")["scanningConfiguration"] == {
            "scanType": "BASIC", "rules": []}
        # Activating it again: ENHANCED with no rules scans every repository continuously.
        aws(server, "inspector2", "enable", "--resource-types", "ECR")
        third = events(3)[2]
        assert third["detail"]["scan-type"] == "ENHANCED"
        assert third["detail"]["repositories"] == [repo_change("dev-app", "CONTINUOUS_SCAN", "SCAN_ON_PUSH"),
                                                   repo_change("prod-app", "CONTINUOUS_SCAN", "MANUAL")]
        time.sleep(0.3)
        assert len(events(3)) == 3  # nothing else was emitted
    finally:
        server.stop()


def test_scan_and_finding_events_commit_with_the_findings(tmp_path):
    from conftest import make_oci_layout
    from test_scanning import CRITICAL_VECTOR, LOCK, db_import, osv, write_feed
    data_dir = str(tmp_path / "data")
    os.makedirs(data_dir)
    feed = str(tmp_path / "feed")
    write_feed(feed, [osv("TEST-0001", "left-pad", "1.3.0", severity=CRITICAL_VECTOR)])
    db_import(data_dir, feed)
    layout = str(tmp_path / "layout")
    make_oci_layout(layout, "v1", [{"app/package-lock.json": json.dumps(LOCK).encode()}])
    jsonl = tmp_path / "scan.jsonl"
    server = start_server(tmp_path, {"events": {"file_targets": {"scan": str(jsonl)}}})

    def wait(predicate, what):
        deadline = time.time() + 60
        while time.time() < deadline:
            lines = jsonl.read_text().splitlines() if jsonl.exists() else []
            got = [json.loads(line) for line in lines]
            if predicate(got):
                return got
            time.sleep(0.05)
        raise AssertionError(f"no {what} in {jsonl}")

    try:
        aws(server, "events", "put-rule", "--name", "scans", "--event-pattern", json.dumps(
            {"detail-type": ["Inspector2 Finding", "Inspector2 Scan", "ECR Image Scan"]}))
        aws(server, "events", "put-targets", "--rule", "scans", "--targets",
            json.dumps([{"Id": "file", "Arn": "arn:surveyor:events:local:file/scan"}]))
        skopeo("copy", TLS, f"oci:{layout}:v1", f"docker://{server.host}/prod-my-app:v1")
        got = wait(lambda g: any(e["detail-type"] == "ECR Image Scan" for e in g), "ECR Image Scan")
        # The scan's status was committed with the event: it is COMPLETE the moment it arrives.
        scan = next(e for e in got if e["detail-type"] == "ECR Image Scan")
        digest = scan["detail"]["image-digest"]
        # (Read from the metadata database: the ECR API does not serve scan status yet.)
        import sqlite3
        con = sqlite3.connect(f"file:{data_dir}/metadata.db?mode=ro", uri=True)
        try:
            status = con.execute("SELECT status FROM scan_images WHERE repository = ? AND digest = ?",
                                 ("prod-my-app", digest)).fetchone()
        finally:
            con.close()
        assert status == ("COMPLETE",), status
        assert scan["detail"]["scan-status"] == "COMPLETE"
        assert scan["detail"]["finding-severity-counts"] == {"CRITICAL": 1}
        assert scan["resources"] == ["arn:aws:ecr:us-east-1:123456789012:repository/prod-my-app"]
        got = wait(lambda g: sum(e["detail-type"] != "ECR Image Scan" for e in g) >= 2, "Inspector2 events")
        inspector_scan = next(e for e in got if e["detail-type"] == "Inspector2 Scan")
        assert inspector_scan["detail"]["scan-status"] == "INITIAL_SCAN_COMPLETE"
        assert inspector_scan["detail"]["finding-severity-counts"] == {"CRITICAL": 1, "TOTAL": 1}
        active = [e for e in got if e["detail-type"] == "Inspector2 Finding"]
        assert len(active) == 1 and active[0]["detail"]["status"] == "ACTIVE"
        assert active[0]["detail"]["title"] == "TEST-0001 - left-pad"
        arn = active[0]["detail"]["findingArn"]

        # Deleting the image closes its finding, and the CLOSED event commits with the closing.
        aws(server, "ecr", "batch-delete-image", "--repository-name", "prod-my-app",
            "--image-ids", f"imageDigest={digest}")
        got = wait(lambda g: any(e["detail-type"] == "Inspector2 Finding" and
                                 e["detail"]["status"] == "CLOSED" for e in g), "CLOSED finding")
        closed = [e for e in got if e["detail-type"] == "Inspector2 Finding" and e["detail"]["status"] == "CLOSED"]
        assert len(closed) == 1 and closed[0]["detail"]["findingArn"] == arn
    finally:
        server.stop()
