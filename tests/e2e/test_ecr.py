"""ECR API end to end: Debian's awscli v2 (/usr/bin/aws 2.9.19), the machine Python's awscli v1
(`aws` on PATH, 1.45) and boto3 (Debian's, in this interpreter) against a real `surveyor serve`
with authentication on (anonymous: none). Expected values are worked out by hand from the
scenario text and SPEC.md, never copied from the server's output."""

import base64
import datetime
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import time
import urllib.parse

import pytest

from conftest import Server, make_oci_layout, run, sha256

AWS_V2 = "/usr/bin/aws"
ACCOUNT = "123456789012"
REGION = "us-east-1"


def aws_v1_path():
    path = shutil.which("aws")
    if not path:
        return None
    out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout + \
        subprocess.run([path, "--version"], capture_output=True, text=True).stderr
    return path if out.startswith("aws-cli/1.") else None


AWS_V1 = aws_v1_path()
CLIS = [pytest.param(AWS_V2, id="v2")] + ([pytest.param(AWS_V1, id="v1")] if AWS_V1 else [])


def read_credentials(path):
    creds = {}
    with open(path) as f:
        for line in f:
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                creds[k.strip()] = v.strip()
    return creds["aws_access_key_id"], creds["aws_secret_access_key"]


class Ecr:
    """A secured server plus helpers to call it with each client."""

    def __init__(self, tmp_path):
        self.tmp = tmp_path
        self.server = Server(str(tmp_path / "data"), anonymous="none").start()
        self.creds_file = os.path.join(self.server.data_dir, "bootstrap-credentials")
        st = os.stat(self.creds_file)
        assert st.st_mode & 0o077 == 0, "bootstrap credentials must be private (0600)"
        self.key_id, self.secret = read_credentials(self.creds_file)
        self.endpoint = f"http://{self.server.host}"

    def env(self, key_id=None, secret=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": key_id or self.key_id,
                    "AWS_SECRET_ACCESS_KEY": secret or self.secret,
                    "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
                    "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                    "AWS_PAGER": "", "AWS_MAX_ATTEMPTS": "1"})
        return env

    def cli(self, aws, *args, ok=True, key_id=None, secret=None, output="json"):
        cmd = [aws, "--endpoint-url", self.endpoint, "--output", output, *args]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                           env=self.env(key_id, secret))
        if ok and r.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({r.returncode}): {r.stderr}")
        if not ok:
            assert r.returncode != 0, f"{' '.join(args)} unexpectedly succeeded: {r.stdout}"
            return r
        if output == "json" and r.stdout.strip():
            return json.loads(r.stdout)
        return r.stdout

    def boto3(self, service="ecr", key_id=None, secret=None):
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id=key_id or self.key_id,
                            aws_secret_access_key=secret or self.secret,
                            config=Config(retries={"max_attempts": 1}))

    def login(self, authfile):
        password = self.cli(AWS_V2, "ecr", "get-login-password", output="text").strip()
        r = subprocess.run(["skopeo", "login", "--tls-verify=false", "--authfile", authfile,
                            "-u", "AWS", "--password-stdin", self.server.host],
                           input=password, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return password

    def stop(self):
        self.server.stop()


@pytest.fixture
def ecr(tmp_path):
    e = Ecr(tmp_path)
    yield e
    e.stop()


def sign_ecr(key_id, secret, host, target, body, amz_date, region=REGION, service="ecr"):
    """An independent SigV4 signer (AWS's documented algorithm) for hand-made requests."""
    headers = {"content-type": "application/x-amz-json-1.1", "host": host,
               "x-amz-date": amz_date, "x-amz-target": target}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", ""] + [f"{k}:{headers[k]}" for k in sorted(headers)] +
                          ["", signed, hashlib.sha256(body).hexdigest()])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    k = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(k, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
                                f"SignedHeaders={signed}, Signature={sig}")
    return headers


def raw_call(ecr, headers, body):
    status, _, data = ecr.server.request("POST", "/", body=body, headers=headers)
    return status, json.loads(data) if data else {}


def push(ecr, authfile, layout, tag, repo, ok=True):
    r = subprocess.run(["skopeo", "copy", "--dest-tls-verify=false", "--authfile", authfile,
                        f"oci:{layout}:{tag}", f"docker://{ecr.server.host}/{repo}:{tag}"],
                       capture_output=True, text=True, timeout=120)
    if ok:
        assert r.returncode == 0, r.stderr
    return r


# --- 1. identity and the /v2 gate -------------------------------------------------------------

def test_bootstrap_key_printed_and_private(ecr):
    with open(ecr.server.log_path) as f:
        log = f.read()
    assert "bootstrap-credentials" in log and ecr.key_id in log
    assert ecr.secret not in log, "the secret must never be logged"


@pytest.mark.parametrize("aws", CLIS)
def test_login_push_pull_with_token(ecr, tmp_path, aws):
    ecr.cli(aws, "ecr", "create-repository", "--repository-name", "prod-my-app")
    layout = str(tmp_path / "layout")
    digest = make_oci_layout(layout, "v1", [{"a.txt": b"hello\n"}])
    # Anonymous push is refused with the OCI error and ECR's Basic challenge.
    status, headers, body = ecr.server.request("GET", "/v2/")
    assert status == 401
    assert headers["www-authenticate"].startswith("Basic realm=")
    assert json.loads(body)["errors"][0]["code"] == "UNAUTHORIZED"
    anon = push(ecr, str(tmp_path / "none.json"), layout, "v1", "prod-my-app", ok=False)
    assert anon.returncode != 0
    authfile = str(tmp_path / "auth.json")
    password = ecr.login(authfile)
    assert ":" not in password
    push(ecr, authfile, layout, "v1", "prod-my-app")
    out = str(tmp_path / "pulled")
    run(["skopeo", "copy", "--src-tls-verify=false", "--authfile", authfile,
         f"docker://{ecr.server.host}/prod-my-app:v1", f"oci:{out}:v1"])
    with open(os.path.join(out, "index.json")) as f:
        assert json.load(f)["manifests"][0]["digest"] == digest
    ids = ecr.cli(aws, "ecr", "list-images", "--repository-name", "prod-my-app")["imageIds"]
    assert ids == [{"imageDigest": digest, "imageTag": "v1"}]


def test_expired_and_forged_registry_tokens(ecr):
    with open(os.path.join(ecr.server.data_dir, "registry-token.key")) as f:
        key = bytes.fromhex(f.read().strip())
    expiry = str(int(time.time()) - 60)
    nonce = "00112233445566aa"
    msg = f"surveyor-registry-token-v1\n{ecr.key_id}\n{expiry}\n{nonce}".encode()
    mac = hmac.new(key, msg, hashlib.sha256).hexdigest()
    expired = f"v1.{ecr.key_id}.{expiry}.{nonce}.{mac}"
    basic = base64.b64encode(f"AWS:{expired}".encode()).decode()
    status, headers, body = ecr.server.request("GET", "/v2/", headers={"Authorization": f"Basic {basic}"})
    assert status == 401
    err = json.loads(body)["errors"][0]
    assert err["code"] == "UNAUTHORIZED"
    assert "Your authorization token has expired. Reauthenticate and try again." in err["message"]
    forged = base64.b64encode(f"AWS:v1.{ecr.key_id}.{int(time.time()) + 600}.{nonce}.{'0' * 64}".encode()).decode()
    status, _, body = ecr.server.request("GET", "/v2/", headers={"Authorization": f"Basic {forged}"})
    assert status == 401 and json.loads(body)["errors"][0]["code"] == "UNAUTHORIZED"
    good = ecr.boto3().get_authorization_token()["authorizationData"][0]["authorizationToken"]
    status, _, _ = ecr.server.request("GET", "/v2/", headers={"Authorization": f"Basic {good}"})
    assert status == 200


def test_anonymous_pull_only_where_configured(tmp_path):
    s = Server(str(tmp_path / "data"), anonymous="pull").start()
    try:
        status, _, _ = s.request("GET", "/v2/public/tags/list")
        assert status == 404  # past the gate: the repository simply does not exist
        status, _, body = s.request("POST", "/v2/public/blobs/uploads/")
        assert status == 401 and json.loads(body)["errors"][0]["code"] == "UNAUTHORIZED"
    finally:
        s.stop()


# --- 2. signature failures: the exact AWS error names --------------------------------------------

def now_amz(delta=0):
    t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=delta)
    return t.strftime("%Y%m%dT%H%M%SZ")


TARGET = "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"


def test_hand_signed_request_is_accepted(ecr):
    body = b"{}"
    status, out = raw_call(ecr, sign_ecr(ecr.key_id, ecr.secret, ecr.server.host, TARGET, body, now_amz()), body)
    assert status == 200 and out == {"repositories": []}


@pytest.mark.parametrize("case,expected", [
    ("wrong_secret", "InvalidSignatureException"),
    ("skewed_date", "InvalidSignatureException"),
    ("tampered_body", "InvalidSignatureException"),
    ("tampered_header", "InvalidSignatureException"),
    ("missing_signature", "MissingAuthenticationTokenException"),
    ("unknown_key", "UnrecognizedClientException"),
    ("wrong_region", "InvalidSignatureException"),
    ("wrong_service", "InvalidSignatureException"),
])
def test_signature_failures(ecr, case, expected):
    body = b'{"maxResults": 5}'
    key, secret, date, region, service = ecr.key_id, ecr.secret, now_amz(), REGION, "ecr"
    if case == "wrong_secret":
        secret = "x" * 40
    if case == "skewed_date":
        date = now_amz(-20 * 60)
    if case == "unknown_key":
        key = "AKIAUNKNOWNKEY000000"
    if case == "wrong_region":
        region = "eu-west-1"
    if case == "wrong_service":
        service = "inspector2"
    headers = sign_ecr(key, secret, ecr.server.host, TARGET, body, date, region, service)
    sent = body
    if case == "tampered_body":
        sent = b'{"maxResults": 6}'
    if case == "tampered_header":
        headers["x-amz-target"] = "AmazonEC2ContainerRegistry_V20150921.DescribeRegistry"
    if case == "missing_signature":
        del headers["authorization"]
    status, out = raw_call(ecr, headers, sent)
    assert status == 400
    assert out["__type"] == expected, out
    if case == "skewed_date":
        assert "Signature expired" in out["message"]


def test_wrong_secret_through_boto3_and_cli(ecr):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as e:
        ecr.boto3(secret="y" * 40).describe_repositories()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    r = ecr.cli(AWS_V2, "ecr", "describe-repositories", ok=False, secret="z" * 40)
    assert r.returncode == 254 and "InvalidSignatureException" in r.stderr


# --- 3. repositories, scenarios 1-4 ------------------------------------------------------------

@pytest.mark.parametrize("aws", CLIS)
def test_repository_lifecycle_and_queries(ecr, aws):
    out = ecr.cli(aws, "ecr", "create-repository", "--repository-name", "prod-my-app",
                  "--image-tag-mutability", "IMMUTABLE",
                  "--image-scanning-configuration", "scanOnPush=true",
                  "--encryption-configuration", "encryptionType=KMS,kmsKey=arn:aws:kms:us-east-1:123456789012:key/k1",
                  "--tags", "Key=team,Value=sec")
    repo = out["repository"]
    assert repo["repositoryArn"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/prod-my-app"
    assert repo["registryId"] == ACCOUNT
    assert repo["imageTagMutability"] == "IMMUTABLE"
    assert repo["imageScanningConfiguration"] == {"scanOnPush": True}
    assert repo["encryptionConfiguration"] == {"encryptionType": "KMS",
                                               "kmsKey": "arn:aws:kms:us-east-1:123456789012:key/k1"}
    dup = ecr.cli(aws, "ecr", "create-repository", "--repository-name", "prod-my-app", ok=False)
    assert "RepositoryAlreadyExistsException" in dup.stderr
    names = ecr.cli(aws, "ecr", "describe-repositories", "--query", "repositories[].repositoryName")
    assert names == ["prod-my-app"]
    tags = ecr.cli(aws, "ecr", "list-tags-for-resource", "--resource-arn", repo["repositoryArn"])
    assert tags["tags"] == [{"Key": "team", "Value": "sec"}]
    ecr.cli(aws, "ecr", "tag-resource", "--resource-arn", repo["repositoryArn"],
            "--tags", "Key=env,Value=prod", "Key=team,Value=platform")
    ecr.cli(aws, "ecr", "untag-resource", "--resource-arn", repo["repositoryArn"], "--tag-keys", "env")
    tags = ecr.cli(aws, "ecr", "list-tags-for-resource", "--resource-arn", repo["repositoryArn"])
    assert tags["tags"] == [{"Key": "team", "Value": "platform"}]
    mut = ecr.cli(aws, "ecr", "put-image-tag-mutability", "--repository-name", "prod-my-app",
                  "--image-tag-mutability", "MUTABLE")
    assert mut["imageTagMutability"] == "MUTABLE"
    scan = ecr.cli(aws, "ecr", "put-image-scanning-configuration", "--repository-name", "prod-my-app",
                   "--image-scanning-configuration", "scanOnPush=false")
    assert scan["imageScanningConfiguration"] == {"scanOnPush": False}
    reg = ecr.cli(aws, "ecr", "describe-registry")
    assert reg["registryId"] == ACCOUNT
    missing = ecr.cli(aws, "ecr", "describe-repositories", "--repository-names", "missing-repo", ok=False)
    assert "RepositoryNotFoundException" in missing.stderr
    assert f"The repository with name 'missing-repo' does not exist in the registry with id '{ACCOUNT}'" in missing.stderr
    ecr.cli(aws, "ecr", "delete-repository", "--repository-name", "prod-my-app")
    assert ecr.cli(aws, "ecr", "describe-repositories")["repositories"] == []


def test_registry_scanning_scenarios(ecr):
    # SCENARIOS §1 and §2, checked against the rules of SPEC §6.3 worked by hand.
    for name in ["prod-my-app", "dev-tool", "my-prod-app"]:
        ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", name)
    ecr.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
            "--rules", '[{"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"*","filterType":"WILDCARD"}]}]')
    got = ecr.cli(AWS_V2, "ecr", "get-registry-scanning-configuration")
    assert got["scanningConfiguration"]["scanType"] == "ENHANCED"
    ecr.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED", "--rules", '''[
      {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]},
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"dev-*","filterType":"WILDCARD"}]}]''')
    out = ecr.cli(AWS_V2, "ecr", "batch-get-repository-scanning-configuration",
                  "--repository-names", "prod-my-app", "dev-tool", "my-prod-app", "absent-repo")
    by_name = {c["repositoryName"]: c for c in out["scanningConfigurations"]}
    assert by_name["prod-my-app"]["scanFrequency"] == "CONTINUOUS_SCAN"
    assert by_name["prod-my-app"]["appliedScanFilters"] == [{"filter": "prod-*", "filterType": "WILDCARD"}]
    assert by_name["dev-tool"]["scanFrequency"] == "SCAN_ON_PUSH"
    assert "scanFrequency" not in by_name["my-prod-app"]  # matches no rule: not scanned
    assert out["failures"][0]["repositoryName"] == "absent-repo"
    assert out["failures"][0]["failureCode"] == "REPOSITORY_NOT_FOUND"
    bad = ecr.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "ENHANCED",
                  "--rules", '[{"scanFrequency":"HOURLY","repositoryFilters":[{"filter":"x","filterType":"WILDCARD"}]}]', ok=False)
    assert "ValidationException" in bad.stderr and "rules.1.member.scanFrequency" in bad.stderr


# --- 4. validation: the server checks max, patterns and enums ---------------------------------

@pytest.mark.parametrize("args,code,field", [
    (["create-repository", "--repository-name", "UpperCase"], "InvalidParameterException", "repositoryName"),
    (["create-repository", "--repository-name", "a" * 257], "ValidationException", "repositoryName"),
    (["create-repository", "--repository-name", "okname", "--image-tag-mutability", "SOMETIMES"],
     "ValidationException", "imageTagMutability"),
    (["describe-repositories", "--max-results", "1001"], "ValidationException", "maxResults"),
    (["create-repository", "--repository-name", "okname2", "--encryption-configuration", "encryptionType=ROT13"],
     "ValidationException", "encryptionConfiguration.encryptionType"),
])
def test_validation_names_the_field(ecr, args, code, field):
    r = ecr.cli(AWS_V2, "ecr", *args, ok=False)
    assert r.returncode == 254, r.stderr
    assert f"({code})" in r.stderr and field in r.stderr, r.stderr


# --- 5. pagination with --max-items / --starting-token ------------------------------------------

@pytest.mark.parametrize("aws", CLIS)
def test_pagination_is_replayable(ecr, aws):
    names = [f"repo-{i:02d}" for i in range(7)]
    for n in names:
        ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", n)
    seen = []
    first = ecr.cli(aws, "ecr", "describe-repositories", "--max-items", "3", "--page-size", "2")
    seen += [r["repositoryName"] for r in first["repositories"]]
    token = first["NextToken"]
    second = ecr.cli(aws, "ecr", "describe-repositories", "--max-items", "3", "--page-size", "2",
                     "--starting-token", token)
    seen += [r["repositoryName"] for r in second["repositories"]]
    # The same token again gives the same page (replayable).
    again = ecr.cli(aws, "ecr", "describe-repositories", "--max-items", "3", "--page-size", "2",
                    "--starting-token", token)
    assert again["repositories"] == second["repositories"]
    third = ecr.cli(aws, "ecr", "describe-repositories", "--max-items", "3", "--page-size", "2",
                    "--starting-token", second["NextToken"])
    seen += [r["repositoryName"] for r in third["repositories"]]
    assert "NextToken" not in third
    assert seen == names
    # --output text applies --query per page: 7 repositories in pages of 3 → 3, 3, 1.
    text = ecr.cli(aws, "ecr", "describe-repositories", "--page-size", "3", "--query",
                   "length(repositories)", output="text")
    assert text.split() == ["3", "3", "1"]
    assert ecr.cli(aws, "ecr", "describe-repositories", "--page-size", "3", "--query",
                   "length(repositories)") == 7


# --- 6. images, immutability, PutImage -------------------------------------------------------

def test_tag_immutability_on_every_path(ecr, tmp_path):
    ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", "prod-my-app",
            "--image-tag-mutability", "IMMUTABLE")
    authfile = str(tmp_path / "auth.json")
    ecr.login(authfile)
    a = str(tmp_path / "a")
    b = str(tmp_path / "b")
    da = make_oci_layout(a, "v1", [{"a.txt": b"first\n"}])
    db = make_oci_layout(b, "v1", [{"b.txt": b"second\n"}])
    push(ecr, authfile, a, "v1", "prod-my-app")
    r = push(ecr, authfile, b, "v1", "prod-my-app", ok=False)
    assert r.returncode != 0
    assert "cannot be overwritten because the repository is immutable" in r.stderr, r.stderr
    # The first v1 stays.
    ids = ecr.cli(AWS_V2, "ecr", "list-images", "--repository-name", "prod-my-app")["imageIds"]
    assert {"imageDigest": da, "imageTag": "v1"} in ids
    assert all(i.get("imageDigest") != db or i.get("imageTag") != "v1" for i in ids)
    # PutImage of the second manifest under v1 → ImageTagAlreadyExistsException.
    with open(os.path.join(b, "blobs", "sha256", db[7:])) as f:
        manifest_b = f.read()
    client = ecr.boto3()
    # Its blobs were uploaded by the refused push (only the tag was refused), so the manifest is
    # complete; the failure must be the tag, not the layers.
    with pytest.raises(client.exceptions.ImageTagAlreadyExistsException):
        client.put_image(repositoryName="prod-my-app", imageManifest=manifest_b, imageTag="v1")
    # Same manifest, same tag → ImageAlreadyExistsException.
    with open(os.path.join(a, "blobs", "sha256", da[7:])) as f:
        manifest_a = f.read()
    with pytest.raises(client.exceptions.ImageAlreadyExistsException):
        client.put_image(repositoryName="prod-my-app", imageManifest=manifest_a, imageTag="v1")
    # A new tag for an existing manifest works (a retag), and moving it later does not.
    put = client.put_image(repositoryName="prod-my-app", imageManifest=manifest_a, imageTag="v2")
    assert put["image"]["imageId"] == {"imageDigest": da, "imageTag": "v2"}
    with pytest.raises(client.exceptions.ImageTagAlreadyExistsException):
        client.put_image(repositoryName="prod-my-app", imageManifest=manifest_b, imageTag="v2")
    got = client.batch_get_image(repositoryName="prod-my-app", imageIds=[{"imageTag": "v2"}])
    assert got["images"][0]["imageId"]["imageDigest"] == da


@pytest.mark.skipif(AWS_V1 is None, reason="needs awscli v1 (newer model with exclusion filters)")
def test_immutable_with_exclusion(ecr, tmp_path):
    ecr.cli(AWS_V1, "ecr", "create-repository", "--repository-name", "app")
    out = ecr.cli(AWS_V1, "ecr", "put-image-tag-mutability", "--repository-name", "app",
                  "--image-tag-mutability", "IMMUTABLE_WITH_EXCLUSION",
                  "--image-tag-mutability-exclusion-filters", "filterType=WILDCARD,filter=latest",
                  "filterType=WILDCARD,filter=dev-*")
    assert out["imageTagMutability"] == "IMMUTABLE_WITH_EXCLUSION"
    assert out["imageTagMutabilityExclusionFilters"] == [
        {"filter": "latest", "filterType": "WILDCARD"}, {"filter": "dev-*", "filterType": "WILDCARD"}]
    authfile = str(tmp_path / "auth.json")
    ecr.login(authfile)
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    for tag in ["latest", "dev-1", "v1"]:
        make_oci_layout(a, tag, [{"a.txt": b"first\n"}])
        make_oci_layout(b, tag, [{"b.txt": b"second\n"}])
    for tag in ["latest", "dev-1", "v1"]:
        push(ecr, authfile, a, tag, "app")
    push(ecr, authfile, b, "latest", "app")   # excluded: moves
    push(ecr, authfile, b, "dev-1", "app")    # excluded: moves
    assert push(ecr, authfile, b, "v1", "app", ok=False).returncode != 0
    missing = ecr.cli(AWS_V1, "ecr", "put-image-tag-mutability", "--repository-name", "app",
                      "--image-tag-mutability", "MUTABLE_WITH_EXCLUSION", ok=False)
    assert "InvalidParameterException" in missing.stderr


def test_describe_list_delete_images(ecr, tmp_path):
    ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", "app")
    authfile = str(tmp_path / "auth.json")
    ecr.login(authfile)
    layout = str(tmp_path / "l")
    d1 = make_oci_layout(layout, "v1", [{"x": b"1"}])
    d2 = make_oci_layout(layout, "v2", [{"x": b"22"}])
    push(ecr, authfile, layout, "v1", "app")
    push(ecr, authfile, layout, "v2", "app")
    c = ecr.boto3()
    c.put_image(repositoryName="app", imageManifest=open(os.path.join(layout, "blobs", "sha256", d1[7:])).read(),
                imageTag="stable")
    details = c.describe_images(repositoryName="app")["imageDetails"]
    by_digest = {d["imageDigest"]: d for d in details}
    assert sorted(by_digest[d1]["imageTags"]) == ["stable", "v1"]
    assert by_digest[d2]["imageTags"] == ["v2"]
    assert by_digest[d1]["imageManifestMediaType"] == "application/vnd.oci.image.manifest.v1+json"
    assert by_digest[d1]["imageSizeInBytes"] > 0
    with pytest.raises(c.exceptions.ImageNotFoundException):
        c.describe_images(repositoryName="app", imageIds=[{"imageTag": "nope"}])
    bad = c.batch_get_image(repositoryName="app", imageIds=[{"imageTag": "nope"}, {"imageDigest": d2}])
    assert bad["failures"][0]["failureCode"] == "ImageNotFound"
    assert bad["images"][0]["imageId"]["imageDigest"] == d2
    # Delete by tag removes only that tag while others remain; the last tag removes the image.
    r = c.batch_delete_image(repositoryName="app", imageIds=[{"imageTag": "stable"}, {"imageTag": "v2"}])
    assert len(r["imageIds"]) == 2 and r["failures"] == []
    ids = c.list_images(repositoryName="app")["imageIds"]
    assert ids == [{"imageDigest": d1, "imageTag": "v1"}]
    untagged = c.list_images(repositoryName="app", filter={"tagStatus": "UNTAGGED"})["imageIds"]
    assert untagged == []
    with pytest.raises(c.exceptions.RepositoryNotEmptyException):
        c.delete_repository(repositoryName="app")
    c.delete_repository(repositoryName="app", force=True)


# --- 7. lifecycle policies (SCENARIOS §8) ------------------------------------------------------

SCENARIO_POLICY = '''{"rules":[
 {"rulePriority":1,"description":"Remove untagged images after 7 days",
  "selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},
  "action":{"type":"expire"}},
 {"rulePriority":2,"description":"Keep only last 20 tagged images",
  "selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":20},
  "action":{"type":"expire"}}]}'''


@pytest.mark.parametrize("aws", CLIS)
def test_lifecycle_policy_and_preview(ecr, tmp_path, aws):
    ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", "prod-my-app")
    out = ecr.cli(aws, "ecr", "put-lifecycle-policy", "--repository-name", "prod-my-app",
                  "--lifecycle-policy-text", SCENARIO_POLICY)
    assert json.loads(out["lifecyclePolicyText"]) == json.loads(SCENARIO_POLICY)
    got = ecr.cli(aws, "ecr", "get-lifecycle-policy", "--repository-name", "prod-my-app")
    assert got["lifecyclePolicyText"] == out["lifecyclePolicyText"]
    bad = SCENARIO_POLICY.replace('"countNumber":7', '"countNumber":0')
    r = ecr.cli(aws, "ecr", "put-lifecycle-policy", "--repository-name", "prod-my-app",
                "--lifecycle-policy-text", bad, ok=False)
    assert "InvalidParameterException" in r.stderr
    # Preview: keep one image of three tagged v* → the two oldest expire (worked by hand).
    authfile = str(tmp_path / "auth.json")
    ecr.login(authfile)
    layout = str(tmp_path / "l")
    digests = []
    for i in range(3):
        digests.append(make_oci_layout(layout, f"v{i}", [{"x": str(i).encode()}]))
        push(ecr, authfile, layout, f"v{i}", "prod-my-app")
        time.sleep(0.05)
    keep_one = ('{"rules":[{"rulePriority":1,"description":"keep one",'
                '"selection":{"tagStatus":"tagged","tagPrefixList":["v"],'
                '"countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}')
    started = ecr.cli(aws, "ecr", "start-lifecycle-policy-preview", "--repository-name", "prod-my-app",
                      "--lifecycle-policy-text", keep_one)
    assert started["status"] == "IN_PROGRESS"
    preview = ecr.cli(aws, "ecr", "get-lifecycle-policy-preview", "--repository-name", "prod-my-app")
    assert preview["status"] == "COMPLETE"
    expired = sorted(p["imageDigest"] for p in preview["previewResults"])
    assert expired == sorted(digests[:2])
    assert all(p["action"]["type"] == "EXPIRE" and p["appliedRulePriority"] == 1
               for p in preview["previewResults"])
    assert preview["summary"]["expiringImageTotalCount"] == 2
    ecr.cli(aws, "ecr", "delete-lifecycle-policy", "--repository-name", "prod-my-app")
    r = ecr.cli(aws, "ecr", "get-lifecycle-policy", "--repository-name", "prod-my-app", ok=False)
    assert "LifecyclePolicyNotFoundException" in r.stderr


# --- 8. repository policies, enforced against the calling key -----------------------------------

def test_repository_policy_enforced(ecr, tmp_path):
    created = subprocess.run([os.environ.get("SURVEYOR_BIN", os.path.join(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
        "build", "src", "cli", "surveyor")), "admin", "create-access-key", "--data",
        ecr.server.data_dir, "--user-name", "bob"], capture_output=True, text=True, check=True)
    bob = json.loads(created.stdout)["AccessKey"]
    bob_id, bob_secret = bob["AccessKeyId"], bob["SecretAccessKey"]
    ecr.cli(AWS_V2, "ecr", "create-repository", "--repository-name", "locked")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "nobob", "Effect": "Deny",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
        "Action": ["ecr:DescribeImages", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]})
    ecr.cli(AWS_V2, "ecr", "set-repository-policy", "--repository-name", "locked", "--policy-text", policy)
    got = ecr.cli(AWS_V2, "ecr", "get-repository-policy", "--repository-name", "locked")
    assert json.loads(got["policyText"]) == json.loads(policy)
    # Bob is denied DescribeImages; the admin key is not.
    r = ecr.cli(AWS_V2, "ecr", "describe-images", "--repository-name", "locked", ok=False,
                key_id=bob_id, secret=bob_secret)
    assert "AccessDeniedException" in r.stderr
    assert ecr.cli(AWS_V2, "ecr", "describe-images", "--repository-name", "locked")["imageDetails"] == []
    # ListImages is not denied for bob.
    ecr.cli(AWS_V2, "ecr", "list-images", "--repository-name", "locked", key_id=bob_id, secret=bob_secret)
    # Registry pulls with bob's token get the OCI DENIED error.
    c = ecr.boto3(key_id=bob_id, secret=bob_secret)
    token = c.get_authorization_token()["authorizationData"][0]["authorizationToken"]
    status, _, body = ecr.server.request("GET", "/v2/locked/manifests/v1",
                                         headers={"Authorization": f"Basic {token}"})
    assert status == 403 and json.loads(body)["errors"][0]["code"] == "DENIED"
    bad = ecr.cli(AWS_V2, "ecr", "set-repository-policy", "--repository-name", "locked",
                  "--policy-text", "{not json", ok=False)
    assert "InvalidParameterException" in bad.stderr
    ecr.cli(AWS_V2, "ecr", "delete-repository-policy", "--repository-name", "locked")
    r = ecr.cli(AWS_V2, "ecr", "get-repository-policy", "--repository-name", "locked", ok=False)
    assert "RepositoryPolicyNotFoundException" in r.stderr
    ecr.cli(AWS_V2, "ecr", "describe-images", "--repository-name", "locked", key_id=bob_id, secret=bob_secret)


@pytest.mark.skipif(shutil.which("podman") is None, reason="podman not installed")
def test_podman_login_with_get_login_password(ecr, tmp_path):
    # SCENARIOS §4: aws ecr get-login-password | podman login --username AWS --password-stdin.
    from conftest import podman_args
    password = ecr.cli(AWS_V2, "ecr", "get-login-password", output="text").strip()
    base = ["podman", *podman_args(tmp_path), "login", "--tls-verify=false", "--username", "AWS",
            "--password-stdin"]
    ok = subprocess.run([*base, "--authfile", str(tmp_path / "a.json"), ecr.server.host],
                        input=password, capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "Login Succeeded" in ok.stdout, ok.stderr
    bad = subprocess.run([*base, "--authfile", str(tmp_path / "b.json"), ecr.server.host],
                         input="not-a-token", capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "invalid username/password" in bad.stderr
