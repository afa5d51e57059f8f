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
