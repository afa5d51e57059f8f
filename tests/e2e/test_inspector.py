"""Inspector2 API end to end (restJson1): account enablement, configuration, filters and tags
with awscli v2, awscli v1 and boto3. Expected values come from SCENARIOS.md and SPEC.md."""

import json

import pytest

from test_ecr import AWS_V1, AWS_V2, CLIS, ACCOUNT, REGION, Ecr


@pytest.fixture
def ins(tmp_path):
    e = Ecr(tmp_path)
    yield e
    e.stop()


SCENARIO5 = {"resourceType": [{"comparison": "EQUALS", "value": "AWS_ECR_CONTAINER_IMAGE"}],
             "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]}


@pytest.mark.parametrize("aws", CLIS)
def test_enable_and_status(ins, aws):
    # SCENARIOS §1.
    before = ins.cli(aws, "inspector2", "batch-get-account-status", "--query",
                     "accounts[0].resourceState.ecr.status")
    assert before == "DISABLED"
    out = ins.cli(aws, "inspector2", "enable", "--resource-types", "ECR")
    assert out["accounts"][0]["accountId"] == ACCOUNT
    assert out["accounts"][0]["resourceStatus"]["ecr"] == "ENABLED"
    assert out["accounts"][0]["resourceStatus"]["ec2"] == "DISABLED"
    status = ins.cli(aws, "inspector2", "batch-get-account-status", "--query",
                     "accounts[0].resourceState.ecr.status")
    assert status == "ENABLED"
    ins.cli(aws, "inspector2", "disable", "--resource-types", "ECR")
    assert ins.cli(aws, "inspector2", "batch-get-account-status", "--query",
                   "accounts[0].resourceState.ecr.status") == "DISABLED"
    bad = ins.cli(aws, "inspector2", "batch-get-account-status", "--account-ids", "12345678901x", ok=False)
    assert "ValidationException" in bad.stderr


@pytest.mark.parametrize("aws", CLIS)
def test_configuration_rescan_duration(ins, aws):
    got = ins.cli(aws, "inspector2", "get-configuration")
    assert got["ecrConfiguration"]["rescanDurationState"]["rescanDuration"] == "LIFETIME"
    ins.cli(aws, "inspector2", "update-configuration", "--ecr-configuration", "rescanDuration=DAYS_180")
    got = ins.cli(aws, "inspector2", "get-configuration")
    state = got["ecrConfiguration"]["rescanDurationState"]
    assert state["rescanDuration"] == "DAYS_180" and state["status"] == "SUCCESS"
    bad = ins.cli(aws, "inspector2", "update-configuration", "--ecr-configuration",
                  "rescanDuration=FOREVER", ok=False)
    assert "ValidationException" in bad.stderr and "ecrConfiguration.rescanDuration" in bad.stderr


@pytest.mark.parametrize("aws", CLIS)
def test_filters_crud_and_tags(ins, aws):
    arn = ins.cli(aws, "inspector2", "create-filter", "--name", "ecr-active", "--action", "NONE",
                  "--filter-criteria", json.dumps(SCENARIO5), "--tags", "team=sec")["arn"]
    assert arn.startswith(f"arn:aws:inspector2:{REGION}:{ACCOUNT}:owner/{ACCOUNT}/filter/")
    dup = ins.cli(aws, "inspector2", "create-filter", "--name", "ecr-active", "--action", "NONE",
                  "--filter-criteria", json.dumps(SCENARIO5), ok=False)
    assert "BadRequestException" in dup.stderr
    listed = ins.cli(aws, "inspector2", "list-filters")["filters"]
    assert len(listed) == 1
    f = listed[0]
    assert f["name"] == "ecr-active" and f["action"] == "NONE" and f["ownerId"] == ACCOUNT
    assert f["criteria"] == SCENARIO5
    ins.cli(aws, "inspector2", "update-filter", "--filter-arn", arn, "--action", "SUPPRESS",
            "--reason", "accepted risk")
    f = ins.cli(aws, "inspector2", "list-filters", "--action", "SUPPRESS")["filters"][0]
    assert f["action"] == "SUPPRESS" and f["reason"] == "accepted risk"
    assert ins.cli(aws, "inspector2", "list-filters", "--action", "NONE")["filters"] == []
    # Tags under /tags/{resourceArn}: the ARN arrives percent-encoded (and the path double
    # encoded in the signature).
    assert ins.cli(aws, "inspector2", "list-tags-for-resource", "--resource-arn", arn)["tags"] == {"team": "sec"}
    ins.cli(aws, "inspector2", "tag-resource", "--resource-arn", arn, "--tags", json.dumps({"k 1": "v/1", "env": "prod"}))
    ins.cli(aws, "inspector2", "untag-resource", "--resource-arn", arn, "--tag-keys", "env", "team")
    assert ins.cli(aws, "inspector2", "list-tags-for-resource", "--resource-arn", arn)["tags"] == {"k 1": "v/1"}
    ins.cli(aws, "inspector2", "delete-filter", "--arn", arn)
    gone = ins.cli(aws, "inspector2", "delete-filter", "--arn", arn, ok=False)
    assert "ResourceNotFoundException" in gone.stderr


@pytest.mark.parametrize("criteria,field", [
    ({"severity": [{"comparison": "LIKE", "value": "HIGH"}]}, "filterCriteria.severity.1.member.comparison"),
    ({"colour": [{"comparison": "EQUALS", "value": "red"}]}, "filterCriteria.colour"),
    ({"portRange": [{"beginInclusive": 70000}]}, "filterCriteria.portRange.1.member.beginInclusive"),
])
def test_filter_criteria_validation_names_the_field(ins, criteria, field):
    import botocore.exceptions
    c = ins.boto3("inspector2")
    # boto3 validates known members client-side; send the raw JSON through the CLI's
    # --cli-input-json to reach the server with unknown members too.
    if "colour" in criteria:
        r = ins.cli(AWS_V2, "inspector2", "create-filter", "--name", "f", "--action", "NONE",
                    "--filter-criteria", json.dumps({"severity": [{"comparison": "EQUALS", "value": "HIGH"}]}),
                    ok=True)
        ins.cli(AWS_V2, "inspector2", "delete-filter", "--arn", r["arn"])
        status, headers, body = raw_rest(ins, "/filters/create",
                                         {"name": "f", "action": "NONE", "filterCriteria": criteria})
        assert status == 400 and headers["x-amzn-errortype"] == "ValidationException"
        assert json.loads(body)["fields"][0]["name"] == field
        return
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.create_filter(name="f", action="NONE", filterCriteria=criteria)
    err = e.value.response
    assert err["Error"]["Code"] == "ValidationException"
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert field in err["Error"]["Message"]


def raw_rest(ins, path, payload):
    """A request signed by botocore's own SigV4 signer, with a body boto3 would refuse to send."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps(payload).encode()
    req = AWSRequest(method="POST", url=f"{ins.endpoint}{path}", data=body,
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(ins.key_id, ins.secret), "inspector2", REGION).add_auth(req)
    headers = dict(req.headers.items())
    return ins.server.request("POST", path, body=body, headers=headers)


def test_signature_errors_use_rest_json_shape(ins):
    status, headers, body = ins.server.request("POST", "/filters/list", body=b"{}",
                                               headers={"Content-Type": "application/json"})
    assert status == 403
    assert headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"
    assert json.loads(body)["__type"] == "MissingAuthenticationTokenException"
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ins.boto3("inspector2", secret="q" * 40).list_filters()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_list_filters_pagination(ins):
    for i in range(5):
        ins.cli(AWS_V2, "inspector2", "create-filter", "--name", f"f{i}", "--action", "NONE",
                "--filter-criteria", json.dumps(SCENARIO5))
    first = ins.cli(AWS_V2, "inspector2", "list-filters", "--max-items", "2", "--page-size", "2")
    names = [f["name"] for f in first["filters"]]
    second = ins.cli(AWS_V2, "inspector2", "list-filters", "--max-items", "3", "--page-size", "2",
                     "--starting-token", first["NextToken"])
    names += [f["name"] for f in second["filters"]]
    assert names == ["f0", "f1", "f2", "f3", "f4"]


# --- Findings, aggregations, coverage, reports (SCENARIOS §5, SPEC §7.2-§7.7) ------------------
#
# The advisory set and the images are written here. Expected findings, worked out by hand:
#   prod-my-app:v1 holds npm left-pad 1.1.0, minimist 1.2.0, lodash 4.17.20, ms 2.0.0;
#   prod-other:v1 holds left-pad 1.1.0 and minimist 1.2.0.
#   TEST-0001 left-pad < 1.3.0, no score          → UNTRIAGED, in both images
#   TEST-0002 minimist < 1.2.6, C:H/I:H/A:H = 9.8 → CRITICAL, in both images
#   TEST-0003 lodash < 4.17.21, C:H/I:N/A:N = 7.5 → HIGH, prod-my-app only
#   TEST-0004 ms < 2.1.0, C:L/I:N/A:N = 5.3       → MEDIUM, prod-my-app only
# so 6 ACTIVE findings: prod-my-app {CRITICAL 1, HIGH 1, MEDIUM 1, UNTRIAGED 1}, prod-other
# {CRITICAL 1, UNTRIAGED 1}. (CVSS 3.1 base scores computed by hand from the spec's formula.)

import os
import subprocess
import time

from conftest import make_oci_layout, surveyor_bin

V_CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  # 9.8
V_HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"      # 7.5
V_MEDIUM = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"    # 5.3

ADVISORIES = [("TEST-0001", "left-pad", "1.3.0", None), ("TEST-0002", "minimist", "1.2.6", V_CRITICAL),
              ("TEST-0003", "lodash", "4.17.21", V_HIGH), ("TEST-0004", "ms", "2.1.0", V_MEDIUM)]


def osv_record(id_, package, fixed, vector):
    r = {"schema_version": "1.6.0", "id": id_, "modified": "2024-01-01T00:00:00Z",
         "published": "2024-01-01T00:00:00Z", "summary": f"{package} is vulnerable",
         "details": f"Versions of {package} before {fixed} are vulnerable.",
         "references": [{"type": "ADVISORY", "url": f"https://advisories.example.invalid/{id_}"}],
         "affected": [{"package": {"ecosystem": "npm", "name": package},
                       "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": fixed}]}]}]}
    if vector:
        r["severity"] = [{"type": "CVSS_V3", "score": vector}]
    return r


def import_advisories(data_dir, feed_dir, advisories=ADVISORIES):
    os.makedirs(feed_dir, exist_ok=True)
    for a in advisories:
        with open(os.path.join(feed_dir, a[0] + ".json"), "w") as f:
            json.dump(osv_record(*a), f)
    r = subprocess.run([surveyor_bin(), "db", "--db", os.path.join(data_dir, "vulndb"), "import",
                        "--source", "test-feed", feed_dir], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr


def npm_layout(path, tag, packages):
    """An OCI layout whose one layer holds a package-lock.json with `packages` {name: version}."""
    lock = {"name": "demo", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
            "packages": {"": {"name": "demo", "version": "1.0.0", "dependencies": dict(packages)}}}
    for name, version in packages.items():
        lock["packages"][f"node_modules/{name}"] = {
            "version": version, "resolved": f"https://registry.example.invalid/{name}-{version}.tgz"}
    return make_oci_layout(path, tag, [{"etc/os-release": b'ID=debian\nVERSION_ID="12"\n',
                                        "app/package-lock.json": json.dumps(lock).encode()}])


MY_APP = {"left-pad": "1.1.0", "minimist": "1.2.0", "lodash": "4.17.20", "ms": "2.0.0"}
OTHER = {"left-pad": "1.1.0", "minimist": "1.2.0"}


def wait_scan(e, repo, tag, timeout=60):
    """SCENARIOS §6's poll: describe-image-scan-findings until COMPLETE or FAILED."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run(
            [AWS_V2, "--endpoint-url", e.endpoint, "--output", "text", "ecr",
             "describe-image-scan-findings", "--repository-name", repo, "--image-id",
             f"imageTag={tag}", "--query", "imageScanStatus.status"],
            capture_output=True, text=True, timeout=60, env=e.env())
        if r.returncode == 0 and r.stdout.strip() in ("COMPLETE", "FAILED"):
            return r.stdout.strip()
        time.sleep(0.3)
    raise AssertionError(f"scan of {repo}:{tag} did not finish")


def push_image(e, tmp, repo, tag, packages):
    from test_ecr import push
    layout = str(tmp / f"layout-{repo}-{tag}")
    digest = npm_layout(layout, tag, packages)
    authfile = str(tmp / "auth.json")
    if not os.path.exists(authfile):
        e.login(authfile)
    push(e, authfile, layout, tag, repo)
    return digest


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scanned")
    e = Ecr(tmp)
    import_advisories(e.server.data_dir, str(tmp / "feed"))
    e.digests = {"prod-my-app": push_image(e, tmp, "prod-my-app", "v1", MY_APP),
                 "prod-other": push_image(e, tmp, "prod-other", "v1", OTHER)}
    for repo in e.digests:
        assert wait_scan(e, repo, "v1") == "COMPLETE"
    yield e
    e.stop()


SEVERITY_ORDER = ["CRITICAL", "CRITICAL", "HIGH", "MEDIUM", "UNTRIAGED", "UNTRIAGED"]


@pytest.mark.parametrize("aws", CLIS)
def test_scenario5_list_findings(scanned, aws):
    # Command 1, verbatim: every ACTIVE image finding, most severe first.
    out = scanned.cli(aws, "inspector2", "list-findings", "--filter-criteria", json.dumps(SCENARIO5),
                      "--sort-criteria", '{"field":"SEVERITY","sortOrder":"DESC"}', "--max-results", "20")
    assert [f["severity"] for f in out["findings"]] == SEVERITY_ORDER
    assert "nextToken" not in out
    f = next(x for x in out["findings"] if x["packageVulnerabilityDetails"]["vulnerabilityId"] == "TEST-0003")
    assert f["title"] == "TEST-0003 - lodash" and f["status"] == "ACTIVE" and f["type"] == "PACKAGE_VULNERABILITY"
    assert f["inspectorScore"] == pytest.approx(7.5)
    assert f["awsAccountId"] == ACCOUNT and f["fixAvailable"] == "YES"
    assert f["findingArn"].startswith(f"arn:aws:inspector2:{REGION}:{ACCOUNT}:finding/")
    res = f["resources"][0]
    assert res["type"] == "AWS_ECR_CONTAINER_IMAGE"
    assert res["id"] == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/prod-my-app/{scanned.digests['prod-my-app']}"
    assert res["details"]["awsEcrContainerImage"]["imageTags"] == ["v1"]
    pkg = f["packageVulnerabilityDetails"]["vulnerablePackages"][0]
    assert (pkg["name"], pkg["version"], pkg["fixedInVersion"]) == ("lodash", "4.17.20", "4.17.21")
    # Command 2, verbatim: one repository.
    out = scanned.cli(aws, "inspector2", "list-findings", "--filter-criteria", json.dumps({
        "ecrImageRepositoryName": [{"comparison": "EQUALS", "value": "prod-my-app"}],
        "findingStatus": [{"comparison": "EQUALS", "value": "ACTIVE"}]}))
    assert sorted(f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in out["findings"]) == [
        "TEST-0001", "TEST-0002", "TEST-0003", "TEST-0004"]
    assert {f["resources"][0]["details"]["awsEcrContainerImage"]["repositoryName"]
            for f in out["findings"]} == {"prod-my-app"}


@pytest.mark.parametrize("aws", CLIS)
def test_scenario5_aggregations(scanned, aws):
    # Command 3, verbatim. Its --query reads severityCounts beside repositoryAggregation, but the
    # model (and so the CLI's output) nests severityCounts inside repositoryAggregation: AWS would
    # print null there too. The corrected path gives the counts.
    q = ("responses[*].{Repository:repositoryAggregation.repository,Critical:severityCounts.critical,"
         "High:severityCounts.high,Medium:severityCounts.medium}")
    out = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "REPOSITORY",
                      "--query", q)
    assert out == [{"Repository": "prod-my-app", "Critical": None, "High": None, "Medium": None},
                   {"Repository": "prod-other", "Critical": None, "High": None, "Medium": None}]
    fixed = q.replace("severityCounts.", "repositoryAggregation.severityCounts.")
    out = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "REPOSITORY",
                      "--query", fixed)
    assert out == [{"Repository": "prod-my-app", "Critical": 1, "High": 1, "Medium": 1},
                   {"Repository": "prod-other", "Critical": 1, "High": 0, "Medium": 0}]
    full = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "REPOSITORY")
    r = full["responses"][0]["repositoryAggregation"]
    assert r["severityCounts"] == {"all": 4, "critical": 1, "high": 1, "medium": 1}
    assert r["affectedImages"] == 1 and r["accountId"] == ACCOUNT
    # sortBy ALL ascending: prod-other (2) before prod-my-app (4).
    asc = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "REPOSITORY",
                      "--aggregation-request", json.dumps({"repositoryAggregation": {"sortBy": "ALL", "sortOrder": "ASC"}}),
                      "--query", "responses[*].repositoryAggregation.repository")
    assert asc == ["prod-other", "prod-my-app"]
    # Other types the store groups by.
    pkgs = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "PACKAGE",
                       "--query", "responses[*].packageAggregation.[packageName,severityCounts.all]")
    assert sorted(pkgs) == [["left-pad", 2], ["lodash", 1], ["minimist", 2], ["ms", 1]]
    assert pkgs[0] == ["minimist", 2]  # most critical first
    titles = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "TITLE",
                         "--aggregation-request", json.dumps({"titleAggregation": {
                             "vulnerabilityIds": [{"comparison": "EQUALS", "value": "TEST-0002"}]}}))
    assert [x["titleAggregation"]["title"] for x in titles["responses"]] == ["TEST-0002 - minimist"]
    images = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "AWS_ECR_CONTAINER",
                         "--query", "responses[*].awsEcrContainerAggregation.[repository,resourceId,severityCounts.all]")
    assert sorted(images) == sorted([
        [repo, f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repo}/{d}", n]
        for (repo, d), n in zip(scanned.digests.items(), [4, 2])])
    account = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "ACCOUNT")
    assert account["responses"] == [{"accountAggregation": {
        "accountId": ACCOUNT, "severityCounts": {"all": 6, "critical": 2, "high": 1, "medium": 1}}}]
    assert scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type",
                       "AWS_EC2_INSTANCE")["responses"] == []
    bad = scanned.cli(aws, "inspector2", "list-finding-aggregations", "--aggregation-type", "REPOSITORY",
                      "--aggregation-request", json.dumps({"repositoryAggregation": {"sortBy": "LOW"}}), ok=False)
    assert "ValidationException" in bad.stderr


@pytest.mark.parametrize("aws", CLIS)
def test_list_findings_paginates_with_max_items(scanned, aws):
    base = ["inspector2", "list-findings", "--filter-criteria", json.dumps(SCENARIO5),
            "--sort-criteria", '{"field":"SEVERITY","sortOrder":"DESC"}']
    everything = [f["findingArn"] for f in scanned.cli(aws, *base)["findings"]]
    assert len(everything) == 6 and len(set(everything)) == 6
    # Pages of 3, at most 4 items per command: the second server page is cut after one item, so
    # the CLI's token carries boto_truncate_amount and the next command replays that page.
    first = scanned.cli(aws, *base, "--max-items", "4", "--page-size", "3")
    token = first["NextToken"]
    second = scanned.cli(aws, *base, "--max-items", "4", "--page-size", "3", "--starting-token", token)
    again = scanned.cli(aws, *base, "--max-items", "4", "--page-size", "3", "--starting-token", token)
    assert again["findings"] == second["findings"]  # the same token, the same page
    assert "NextToken" not in second
    got = [f["findingArn"] for f in first["findings"] + second["findings"]]
    assert got == everything
    # --output text applies the query per page: 6 findings in pages of 4 → 4, 2.
    text = scanned.cli(aws, *base, "--page-size", "4", "--query", "length(findings)", output="text")
    assert text.split() == ["4", "2"]
    # Raw --max-results/--next-token: one call each, the server's token printed.
    one = scanned.cli(aws, *base, "--max-results", "5")
    rest = scanned.cli(aws, *base, "--max-results", "5", "--next-token", one["nextToken"])
    assert [f["findingArn"] for f in one["findings"] + rest["findings"]] == everything
    # A token of another query is refused.
    other = scanned.cli(aws, "inspector2", "list-findings", "--max-results", "5",
                        "--next-token", one["nextToken"], ok=False)
    assert "ValidationException" in other.stderr


def test_list_findings_boto3_paginator_and_validation(scanned):
    c = scanned.boto3("inspector2")
    pages = list(c.get_paginator("list_findings").paginate(
        filterCriteria=SCENARIO5, sortCriteria={"field": "SEVERITY", "sortOrder": "DESC"},
        PaginationConfig={"PageSize": 2}))
    assert [len(p["findings"]) for p in pages] == [2, 2, 2]
    assert [f["severity"] for p in pages for f in p["findings"]] == SEVERITY_ORDER
    import botocore.exceptions
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.list_findings(maxResults=101)
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "maxResults" in e.value.response["Error"]["Message"]
    # Criteria the server rejects name the field (boto3 does not check enums).
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.list_findings(filterCriteria={"severity": [{"comparison": "LIKE", "value": "HIGH"}]})
    assert "filterCriteria.severity.1.member.comparison" in e.value.response["Error"]["Message"]
    # Filters that hold for nothing in a registry, and a score range.
    assert c.list_findings(filterCriteria={"lambdaFunctionName": [
        {"comparison": "EQUALS", "value": "f"}]})["findings"] == []
    high_up = c.list_findings(filterCriteria={"inspectorScore": [{"lowerInclusive": 7.0}]})["findings"]
    assert sorted(f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in high_up) == [
        "TEST-0002", "TEST-0002", "TEST-0003"]


@pytest.mark.parametrize("aws", CLIS)
def test_list_coverage(scanned, aws):
    out = scanned.cli(aws, "inspector2", "list-coverage")
    by_id = {r["resourceId"]: r for r in out["coveredResources"]}
    repo_arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/prod-my-app"
    image_arn = f"{repo_arn}/{scanned.digests['prod-my-app']}"
    assert len(by_id) == 4
    assert by_id[repo_arn]["resourceType"] == "AWS_ECR_REPOSITORY"
    assert by_id[repo_arn]["resourceMetadata"]["ecrRepository"] == {"name": "prod-my-app",
                                                                    "scanFrequency": "CONTINUOUS_SCAN"}
    img = by_id[image_arn]
    assert img["resourceType"] == "AWS_ECR_CONTAINER_IMAGE" and img["scanType"] == "PACKAGE"
    assert img["scanStatus"] == {"statusCode": "ACTIVE", "reason": "SUCCESSFUL"}
    assert img["resourceMetadata"]["ecrImage"]["tags"] == ["v1"] and img["accountId"] == ACCOUNT
    only = scanned.cli(aws, "inspector2", "list-coverage", "--filter-criteria", json.dumps({
        "resourceType": [{"comparison": "EQUALS", "value": "AWS_ECR_CONTAINER_IMAGE"}],
        "ecrRepositoryName": [{"comparison": "EQUALS", "value": "prod-other"}]}),
        "--query", "coveredResources[*].resourceId")
    assert only == [f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/prod-other/{scanned.digests['prod-other']}"]
    paged = scanned.cli(aws, "inspector2", "list-coverage", "--max-items", "3", "--page-size", "2")
    rest = scanned.cli(aws, "inspector2", "list-coverage", "--starting-token", paged["NextToken"])
    assert [r["resourceId"] for r in paged["coveredResources"] + rest["coveredResources"]] == [
        r["resourceId"] for r in out["coveredResources"]]
    stats = scanned.cli(aws, "inspector2", "list-coverage-statistics", "--group-by", "RESOURCE_TYPE")
    assert stats["totalCounts"] == 4
    assert sorted((g["groupKey"], g["count"]) for g in stats["countsByGroup"]) == [
        ("AWS_ECR_CONTAINER_IMAGE", 2), ("AWS_ECR_REPOSITORY", 2)]
    bad = scanned.cli(aws, "inspector2", "list-coverage", "--filter-criteria", json.dumps({
        "ecrRepositoryName": [{"comparison": "PREFIX", "value": "prod"}]}), ok=False)
    assert "ValidationException" in bad.stderr


def wait_report(e, aws, *args):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        out = e.cli(aws, "inspector2", *args)
        if out["status"] != "IN_PROGRESS":
            return out
        time.sleep(0.2)
    raise AssertionError("report did not finish")


KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"


def test_findings_reports_json_and_csv(scanned):
    expected = sorted(f["findingArn"] for f in scanned.cli(
        AWS_V2, "inspector2", "list-findings", "--filter-criteria", json.dumps(SCENARIO5))["findings"])
    report_id = scanned.cli(AWS_V2, "inspector2", "create-findings-report", "--report-format", "JSON",
                            "--filter-criteria", json.dumps(SCENARIO5), "--s3-destination",
                            f"bucketName=reports,keyPrefix=ci/nightly,kmsKeyArn={KMS}")["reportId"]
    status = wait_report(scanned, AWS_V2, "get-findings-report-status", "--report-id", report_id)
    assert status["status"] == "SUCCEEDED", status
    assert status["destination"] == {"bucketName": "reports", "keyPrefix": "ci/nightly", "kmsKeyArn": KMS}
    path = os.path.join(scanned.server.data_dir, "exports", "reports", "ci", "nightly", report_id + ".json")
    with open(path) as f:
        doc = json.load(f)
    assert sorted(x["findingArn"] for x in doc["findings"]) == expected
    # CSV of the critical ones: a header and one line per finding.
    report_id = scanned.cli(AWS_V2, "inspector2", "create-findings-report", "--report-format", "CSV",
                            "--filter-criteria", json.dumps({"severity": [{"comparison": "EQUALS", "value": "CRITICAL"}]}),
                            "--s3-destination", f"bucketName=reports,kmsKeyArn={KMS}")["reportId"]
    assert wait_report(scanned, AWS_V2, "get-findings-report-status", "--report-id", report_id)["status"] == "SUCCEEDED"
    import csv
    with open(os.path.join(scanned.server.data_dir, "exports", "reports", report_id + ".csv")) as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["Repository"] for r in rows) == ["prod-my-app", "prod-other"]
    assert {r["Severity"] for r in rows} == {"CRITICAL"} and {r["Vulnerability Id"] for r in rows} == {"TEST-0002"}
    # No findings: FAILED with NO_FINDINGS_FOUND. A climbing prefix: ValidationException.
    report_id = scanned.cli(AWS_V2, "inspector2", "create-findings-report", "--report-format", "CSV",
                            "--filter-criteria", json.dumps({"vulnerabilityId": [{"comparison": "EQUALS", "value": "CVE-0000-0000"}]}),
                            "--s3-destination", f"bucketName=reports,kmsKeyArn={KMS}")["reportId"]
    failed = wait_report(scanned, AWS_V2, "get-findings-report-status", "--report-id", report_id)
    assert failed["status"] == "FAILED" and failed["errorCode"] == "NO_FINDINGS_FOUND"
    bad = scanned.cli(AWS_V2, "inspector2", "create-findings-report", "--report-format", "CSV",
                      "--s3-destination", f"bucketName=reports,keyPrefix=../../etc,kmsKeyArn={KMS}", ok=False)
    assert "ValidationException" in bad.stderr and "s3Destination.keyPrefix" in bad.stderr
    missing = scanned.cli(AWS_V2, "inspector2", "get-findings-report-status", "--report-id",
                          "0f8fad5b-d9cb-469f-a165-70867728950e", ok=False)
    assert "ResourceNotFoundException" in missing.stderr


@pytest.mark.skipif(not AWS_V1, reason="needs the machine Python's awscli v1 (newer model)")
def test_sbom_export_and_finding_details(scanned):
    # Neither operation is in the Debian awscli 2.9.19 model (SPEC §1): the v1 CLI has them.
    report_id = scanned.cli(AWS_V1, "inspector2", "create-sbom-export", "--report-format", "CYCLONEDX_1_4",
                            "--resource-filter-criteria", json.dumps({"ecrRepositoryName": [
                                {"comparison": "EQUALS", "value": "prod-my-app"}]}),
                            "--s3-destination", f"bucketName=sboms,keyPrefix=x,kmsKeyArn={KMS}")["reportId"]
    got = wait_report(scanned, AWS_V1, "get-sbom-export", "--report-id", report_id)
    assert got["status"] == "SUCCEEDED" and got["format"] == "CYCLONEDX_1_4", got
    hexdigest = scanned.digests["prod-my-app"].split(":")[1]
    path = os.path.join(scanned.server.data_dir, "exports", "sboms", "x", f"SBOM_EXPORT_{report_id}",
                        "prod-my-app", hexdigest + ".json")
    with open(path) as f:
        bom = json.load(f)
    assert bom["bomFormat"] == "CycloneDX"
    names = {c["name"] for c in bom["components"]}
    assert set(MY_APP) <= names
    assert not os.path.exists(os.path.join(os.path.dirname(os.path.dirname(path)), "prod-other"))
    # Finding details: one known ARN, one well-formed unknown one.
    arn = scanned.cli(AWS_V1, "inspector2", "list-findings", "--filter-criteria", json.dumps({
        "vulnerabilityId": [{"comparison": "EQUALS", "value": "TEST-0003"}]}),
        "--query", "findings[0].findingArn")
    unknown = f"arn:aws:inspector2:{REGION}:{ACCOUNT}:finding/{'0' * 32}"
    out = scanned.cli(AWS_V1, "inspector2", "batch-get-finding-details", "--finding-arns", arn, unknown)
    assert [d["findingArn"] for d in out["findingDetails"]] == [arn]
    assert out["findingDetails"][0]["referenceUrls"] == ["https://advisories.example.invalid/TEST-0003"]
    assert out["errors"] == [{"findingArn": unknown, "errorCode": "FINDING_DETAILS_NOT_FOUND",
                              "errorMessage": "no finding with this ARN"}]
    bad = scanned.cli(AWS_V1, "inspector2", "batch-get-finding-details", "--finding-arns", "arn:nope", ok=False)
    assert "ValidationException" in bad.stderr and "findingArns.1.member" in bad.stderr


# --- ECR's scanning operations (SPEC §6.4) -----------------------------------------------------

@pytest.mark.parametrize("aws", CLIS)
def test_ecr_describe_images_and_scan_findings(scanned, aws):
    detail = scanned.cli(aws, "ecr", "describe-images", "--repository-name", "prod-my-app")["imageDetails"][0]
    assert detail["imageScanStatus"]["status"] == "COMPLETE"
    assert detail["imageScanFindingsSummary"]["findingSeverityCounts"] == {
        "CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "UNDEFINED": 1}
    assert "imageScanCompletedAt" in detail["imageScanFindingsSummary"]
    # Enhanced scanning (the default): Inspector's findings in ECR's spelling.
    out = scanned.cli(aws, "ecr", "describe-image-scan-findings", "--repository-name", "prod-my-app",
                      "--image-id", "imageTag=v1")
    assert out["imageId"] == {"imageDigest": scanned.digests["prod-my-app"], "imageTag": "v1"}
    found = out["imageScanFindings"]
    assert found["findingSeverityCounts"] == {"CRITICAL": 1, "HIGH": 1, "MEDIUM": 1, "UNDEFINED": 1}
    assert "findings" not in found
    enhanced = {f["packageVulnerabilityDetails"]["vulnerabilityId"]: f for f in found["enhancedFindings"]}
    assert set(enhanced) == {"TEST-0001", "TEST-0002", "TEST-0003", "TEST-0004"}
    crit = enhanced["TEST-0002"]
    assert crit["severity"] == "CRITICAL" and crit["score"] == pytest.approx(9.8)
    assert crit["scoreDetails"]["cvss"]["scoringVector"] == V_CRITICAL
    assert crit["remediation"]["recommendation"]["url"] == "https://advisories.example.invalid/TEST-0002"
    assert enhanced["TEST-0001"]["severity"] == "UNDEFINED"
    # The CLI merges enhancedFindings across pages of 1.
    paged = scanned.cli(aws, "ecr", "describe-image-scan-findings", "--repository-name", "prod-my-app",
                        "--image-id", "imageTag=v1", "--page-size", "1",
                        "--query", "imageScanFindings.enhancedFindings[*].findingArn")
    assert sorted(paged) == sorted(f["findingArn"] for f in found["enhancedFindings"])
    # The §6 query, verbatim.
    assert scanned.cli(aws, "ecr", "describe-image-scan-findings", "--repository-name", "prod-my-app",
                       "--image-id", "imageTag=v1", "--query", "imageScanStatus.status",
                       output="text").strip() == "COMPLETE"
    missing = scanned.cli(aws, "ecr", "describe-image-scan-findings", "--repository-name", "prod-my-app",
                          "--image-id", "imageTag=v9", ok=False)
    assert "ImageNotFoundException" in missing.stderr
    missing = scanned.cli(aws, "ecr", "describe-image-scan-findings", "--repository-name", "nope",
                          "--image-id", "imageTag=v1", ok=False)
    assert "RepositoryNotFoundException" in missing.stderr
    missing = scanned.cli(aws, "ecr", "start-image-scan", "--repository-name", "prod-my-app",
                          "--image-id", "imageTag=v9", ok=False)
    assert "ImageNotFoundException" in missing.stderr


def test_ecr_basic_scanning_start_image_scan(tmp_path):
    """BASIC, no rule, scanOnPush false: a pushed image waits for StartImageScan, which then runs
    at most once per 24 hours (LimitExceededException). BASIC covers OS packages only, and this
    image has only npm ones, so the scan completes with no findings."""
    e = Ecr(tmp_path)
    try:
        import_advisories(e.server.data_dir, str(tmp_path / "feed"))
        e.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC")
        e.cli(AWS_V2, "ecr", "create-repository", "--repository-name", "manual-app")
        digest = push_image(e, tmp_path, "manual-app", "v1", MY_APP)
        never = e.cli(AWS_V2, "ecr", "describe-image-scan-findings", "--repository-name", "manual-app",
                      "--image-id", "imageTag=v1", ok=False)
        assert "ScanNotFoundException" in never.stderr
        detail = e.cli(AWS_V2, "ecr", "describe-images", "--repository-name", "manual-app")["imageDetails"][0]
        assert "imageScanStatus" not in detail
        started = e.boto3().start_image_scan(repositoryName="manual-app", imageId={"imageTag": "v1"})
        assert started["imageScanStatus"]["status"] == "IN_PROGRESS"
        assert started["imageId"] == {"imageDigest": digest, "imageTag": "v1"}
        assert wait_scan(e, "manual-app", "v1") == "COMPLETE"
        out = e.cli(AWS_V2, "ecr", "describe-image-scan-findings", "--repository-name", "manual-app",
                    "--image-id", f"imageDigest={digest}")
        assert out["imageScanFindings"]["findings"] == []
        assert out["imageScanFindings"]["findingSeverityCounts"] == {}
        assert "enhancedFindings" not in out["imageScanFindings"]
        again = e.cli(AWS_V2, "ecr", "start-image-scan", "--repository-name", "manual-app",
                      "--image-id", "imageTag=v1", ok=False)
        assert "LimitExceededException" in again.stderr
        assert "The scan quota per image has been exceeded. Wait and try again." in again.stderr
    finally:
        e.stop()


def test_ecr_basic_findings_shape(tmp_path):
    """Findings made under ENHANCED, then shown after a switch to BASIC: ECR's basic shape."""
    e = Ecr(tmp_path)
    try:
        import_advisories(e.server.data_dir, str(tmp_path / "feed"))
        push_image(e, tmp_path, "app", "v1", {"lodash": "4.17.20"})
        assert wait_scan(e, "app", "v1") == "COMPLETE"
        e.cli(AWS_V2, "ecr", "put-registry-scanning-configuration", "--scan-type", "BASIC")
        out = e.cli(AWS_V2, "ecr", "describe-image-scan-findings", "--repository-name", "app",
                    "--image-id", "imageTag=v1")
        [f] = out["imageScanFindings"]["findings"]
        assert f["name"] == "TEST-0003" and f["severity"] == "HIGH"
        assert f["uri"] == "https://advisories.example.invalid/TEST-0003"
        attrs = {a["key"]: a["value"] for a in f["attributes"]}
        assert attrs["package_name"] == "lodash" and attrs["package_version"] == "4.17.20"
        assert attrs["CVSS3_SCORE"] == "7.5" and attrs["CVSS3_VECTOR"] == V_HIGH
    finally:
        e.stop()
