#include "events/envelope.h"

#include <gtest/gtest.h>

namespace surveyor::events {
namespace {

// 2021-12-03T18:02:30Z = 1638554550 (date -u -d @1638554550).
const TimePoint kT = TimePoint(std::chrono::seconds(1638554550));

TEST(Envelope, TimeFormats) {
  EXPECT_EQ(FormatEventTime(kT), "2021-12-03T18:02:30Z");
  EXPECT_EQ(FormatInspectorTime(kT), "Dec 3, 2021, 6:02:30 PM");
  EXPECT_EQ(FormatInspectorTime(TimePoint(std::chrono::seconds(1638489600))),
            "Dec 3, 2021, 12:00:00 AM");
  EXPECT_EQ(FormatInspectorTime(TimePoint(std::chrono::seconds(1638532800))),
            "Dec 3, 2021, 12:00:00 PM");
  EXPECT_EQ(FormatEventTime(TimePoint(std::chrono::seconds(951782400))), "2000-02-29T00:00:00Z");
}

TEST(Envelope, EventIdIsUuidV4) {
  std::array<uint8_t, 16> bytes;
  bytes.fill(0xFF);
  EXPECT_EQ(FormatEventId(bytes), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  bytes.fill(0);
  EXPECT_EQ(FormatEventId(bytes), "00000000-0000-4000-8000-000000000000");
}

TEST(Envelope, BuildsAwsShape) {
  EventEnvelope e;
  e.id = "13cde686-328b-6117-af20-0e5566167482";
  e.source = "aws.ecr";
  e.detail_type = "ECR Image Action";
  e.time = TimePoint(std::chrono::seconds(1573869274));  // 2019-11-16T01:54:34Z
  e.region = "us-west-2";
  e.account = "123456789012";
  e.detail = EcrImageActionDetail(
      "PUSH", "my-repository-name",
      "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234", "latest");
  ASSERT_TRUE(ValidateEnvelope(e).ok());
  // SPEC.md §8.1's ECR Image Action sample, member for member.
  const Json expected = Json::parse(
      R"({"version": "0", "id": "13cde686-328b-6117-af20-0e5566167482", "detail-type": "ECR Image Action",
 "source": "aws.ecr", "account": "123456789012", "time": "2019-11-16T01:54:34Z", "region": "us-west-2",
 "resources": [],
 "detail": {"result": "SUCCESS", "repository-name": "my-repository-name",
            "image-digest": "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234",
            "action-type": "PUSH", "image-tag": "latest"}})");
  const OrderedJson built = BuildEvent(e);
  EXPECT_EQ(Json::parse(built.dump()), expected);
  EXPECT_EQ(built.begin().key(), "version");
  EXPECT_EQ(std::next(built.begin()).key(), "id");

  EXPECT_EQ(SerializeEvent(e), DumpJson(built));

  e.account = "12345";
  EXPECT_FALSE(ValidateEnvelope(e).ok());
}

// The outbox stores SerializeEvent's text: byte for byte what BuildEvent dumps, for details with
// nesting, numbers, escapes and non-ASCII text, and for an empty detail and resource list.
TEST(Envelope, SerializeEventIsTheBuiltEventsDump) {
  EventEnvelope e;
  e.id = "6f1c0d2e-0000-4000-8000-000000000001";
  e.source = "aws.inspector2";
  e.detail_type = "Inspector2 Finding";
  e.time = FromEpochSeconds(1700000000);
  e.region = "us-east-1";
  e.account = "123456789012";
  e.resources = {"arn:aws:ecr:us-east-1:123456789012:repository/app/sha256:ab", "x\"y"};
  e.detail = Json::parse(R"({"title": "CVE-2024-0001 - zlib \u2603", "inspectorScore": 7.5,
      "epss": {"score": 0.00043}, "count": 3, "ok": true, "none": null,
      "packages": [{"name": "zlib", "epoch": 0, "path": "a\\b\n"}], "empty": {}, "list": []})");
  EXPECT_EQ(SerializeEvent(e), DumpJson(BuildEvent(e)));
  e.detail = Json::object();
  e.resources.clear();
  EXPECT_EQ(SerializeEvent(e), DumpJson(BuildEvent(e)));
}

TEST(Envelope, ScanDetails) {
  const Json ecr = EcrImageScanDetail("my-repository-name", "sha256:7f5b", {},
                                      {{"CRITICAL", 10}, {"MEDIUM", 9}, {"LOW", 0}});
  EXPECT_EQ(ecr["finding-severity-counts"], Json::parse(R"({"CRITICAL": 10, "MEDIUM": 9})"));
  EXPECT_EQ(ecr["scan-status"], "COMPLETE");
  const Json insp = Inspector2ScanDetail(
      "arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample", "sha256:36c7",
      {"latest"}, {{"CRITICAL", 7}, {"HIGH", 61}, {"MEDIUM", 62}, {"LOW", 28}, {"UNTRIAGED", 0}});
  EXPECT_EQ(insp["finding-severity-counts"],
            Json::parse(R"({"CRITICAL": 7, "HIGH": 61, "MEDIUM": 62, "LOW": 28, "TOTAL": 158})"));
  EXPECT_EQ(insp["scan-status"], "INITIAL_SCAN_COMPLETE");
  EXPECT_EQ(insp["repository-name"],
            "arn:aws:ecr:us-east-2:123456789012:repository/amazon/amazon-ecs-sample");
}

TEST(Envelope, ScanResourceChange) {
  // SPEC.md §8.1's sample detail, member for member.
  const Json expected = Json::parse(R"({"action-type": "SCAN_FREQUENCY_CHANGE",
            "repositories": [
              {"repository-name": "repository-1", "repository-arn": "arn:aws:ecr:us-east-1:123456789012:repository/repository-1",
               "scan-frequency": "SCAN_ON_PUSH", "previous-scan-frequency": "MANUAL"},
              {"repository-name": "repository-2", "repository-arn": "arn:aws:ecr:us-east-1:123456789012:repository/repository-2",
               "scan-frequency": "CONTINUOUS_SCAN", "previous-scan-frequency": "SCAN_ON_PUSH"}],
            "resource-type": "REPOSITORY", "scan-type": "ENHANCED"})");
  const Json built = EcrScanResourceChangeDetail(
      "SCAN_FREQUENCY_CHANGE",
      {{"repository-1", "arn:aws:ecr:us-east-1:123456789012:repository/repository-1",
        "SCAN_ON_PUSH", "MANUAL"},
       {"repository-2", "arn:aws:ecr:us-east-1:123456789012:repository/repository-2",
        "CONTINUOUS_SCAN", "SCAN_ON_PUSH"}});
  EXPECT_EQ(built, expected);
}

}  // namespace
}  // namespace surveyor::events
