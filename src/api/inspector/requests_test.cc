#include "api/inspector/requests.h"

#include <gtest/gtest.h>

namespace surveyor::api::inspector {
namespace {

Json J(const char* text) { return *ParseJson(text); }

// Each destination either maps to the relative directory shown or fails naming the member.
TEST(DestinationTest, Table) {
  struct Case {
    const char* body;
    const char* dir;    // expected RelativeDir, or nullptr
    const char* field;  // expected field in the error
  } cases[] = {
      {R"({"d":{"bucketName":"reports","kmsKeyArn":"k"}})", "reports", nullptr},
      {R"({"d":{"bucketName":"my.bucket-1","keyPrefix":"a/b/","kmsKeyArn":"k"}})", "my.bucket-1/a/b", nullptr},
      {R"({"d":{"bucketName":"ab","kmsKeyArn":"k"}})", nullptr, "d.bucketName"},           // too short
      {R"({"d":{"bucketName":"Upper","kmsKeyArn":"k"}})", nullptr, "d.bucketName"},        // capitals
      {R"({"d":{"bucketName":"a..b","kmsKeyArn":"k"}})", nullptr, "d.bucketName"},
      {R"({"d":{"bucketName":"../etc","kmsKeyArn":"k"}})", nullptr, "d.bucketName"},
      {R"({"d":{"bucketName":"good","keyPrefix":"../up","kmsKeyArn":"k"}})", nullptr, "d.keyPrefix"},
      {R"({"d":{"bucketName":"good","keyPrefix":"a/../../up","kmsKeyArn":"k"}})", nullptr, "d.keyPrefix"},
      {R"({"d":{"bucketName":"good","keyPrefix":"/abs","kmsKeyArn":"k"}})", nullptr, "d.keyPrefix"},
      {R"({"d":{"bucketName":"good","keyPrefix":"a//b","kmsKeyArn":"k"}})", nullptr, "d.keyPrefix"},
      {R"({"d":{"bucketName":"good","keyPrefix":"sp ace","kmsKeyArn":"k"}})", nullptr, "d.keyPrefix"},
      {R"({"d":{"bucketName":"good"}})", nullptr, "d.kmsKeyArn"},
      {R"({"d":{"kmsKeyArn":"k"}})", nullptr, "d.bucketName"},
      {R"({})", nullptr, "'d'"},
  };
  for (const auto& c : cases) {
    auto d = ParseDestination(J(c.body), "d");
    if (c.dir) {
      ASSERT_TRUE(d.ok()) << c.body << ": " << d.status().message();
      EXPECT_EQ(d->RelativeDir(), c.dir) << c.body;
    } else {
      ASSERT_FALSE(d.ok()) << c.body;
      EXPECT_EQ(d.status().domain_code(), "ValidationException");
      EXPECT_NE(d.status().message().find(c.field), std::string::npos)
          << c.body << ": " << d.status().message();
    }
  }
}

TEST(AggregationRequestTest, FiltersBecomeFindingCriteria) {
  bool supported = false;
  auto q = ParseAggregationRequest(
      J(R"({"aggregationType":"AWS_ECR_CONTAINER",
            "accountIds":[{"comparison":"EQUALS","value":"123456789012"}],
            "aggregationRequest":{"awsEcrContainerAggregation":{
               "repositories":[{"comparison":"PREFIX","value":"prod-"}],
               "imageTags":[{"comparison":"EQUALS","value":"v1"}],
               "sortBy":"HIGH","sortOrder":"ASC"}}})"),
      supported);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_TRUE(supported);
  EXPECT_EQ(q->criteria, J(R"({"awsAccountId":[{"comparison":"EQUALS","value":"123456789012"}],
                              "ecrImageRepositoryName":[{"comparison":"PREFIX","value":"prod-"}],
                              "ecrImageTags":[{"comparison":"EQUALS","value":"v1"}]})"));
  EXPECT_EQ(q->sort_by, "HIGH");
  EXPECT_FALSE(q->descending);
  EXPECT_FALSE(q->default_order());

  q = ParseAggregationRequest(
      J(R"({"aggregationType":"PACKAGE","aggregationRequest":{"packageAggregation":{
             "packageNames":[{"comparison":"EQUALS","value":"openssl"}]}}})"),
      supported);
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->criteria, J(R"({"vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"openssl"}}]})"));
  EXPECT_TRUE(q->default_order());

  q = ParseAggregationRequest(J(R"({"aggregationType":"AMI"})"), supported);
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(supported);
}

TEST(AggregationRequestTest, ErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({})", "'aggregationType'"},
      {R"({"aggregationType":"COLOUR"})", "'aggregationType'"},
      {R"({"aggregationType":"REPOSITORY","aggregationRequest":{"titleAggregation":{}}})",
       "'aggregationRequest'"},
      {R"({"aggregationType":"REPOSITORY","aggregationRequest":{"repositoryAggregation":{"sortBy":"LOW"}}})",
       "aggregationRequest.repositoryAggregation.sortBy"},
      {R"({"aggregationType":"REPOSITORY","aggregationRequest":{"repositoryAggregation":{
           "repositories":[{"comparison":"LIKE","value":"x"}]}}})",
       "aggregationRequest.repositoryAggregation.repositories.1.member.comparison"},
      {R"({"aggregationType":"REPOSITORY","aggregationRequest":{"repositoryAggregation":{
           "repositories":[]}}})",
       "aggregationRequest.repositoryAggregation.repositories"},
      {R"({"aggregationType":"TITLE","accountIds":[{"comparison":"EQUALS","value":""}]})",
       "accountIds.1.member.value"},
      {R"({"aggregationType":"REPOSITORY","aggregationRequest":{"repositoryAggregation":{"colour":1}}})",
       "aggregationRequest.repositoryAggregation.colour"},
  };
  for (const auto& c : cases) {
    bool supported = false;
    auto q = ParseAggregationRequest(J(c.body), supported);
    ASSERT_FALSE(q.ok()) << c.body;
    EXPECT_EQ(q.status().domain_code(), "ValidationException");
    EXPECT_NE(q.status().message().find(c.field), std::string::npos)
        << c.body << ": " << q.status().message();
  }
}

CoverageRecord Image(std::string repo, std::vector<std::string> tags, std::string code) {
  CoverageRecord r;
  r.resource_type = "AWS_ECR_CONTAINER_IMAGE";
  r.resource_id = "arn:aws:ecr:us-east-1:123456789012:repository/" + repo + "/sha256:00";
  r.account_id = "123456789012";
  r.repository = std::move(repo);
  r.tags = std::move(tags);
  r.status_code = std::move(code);
  r.reason = r.status_code == "ACTIVE" ? "SUCCESSFUL" : "SCAN_FREQUENCY_MANUAL";
  return r;
}

TEST(CoverageTest, MatchTable) {
  const CoverageRecord app = Image("prod-my-app", {"v1", "latest"}, "ACTIVE");
  struct Case {
    const char* criteria;
    bool match;
  } cases[] = {
      {R"({})", true},
      {R"({"ecrRepositoryName":[{"comparison":"EQUALS","value":"prod-my-app"}]})", true},
      {R"({"ecrRepositoryName":[{"comparison":"EQUALS","value":"other"}]})", false},
      {R"({"ecrRepositoryName":[{"comparison":"EQUALS","value":"other"},{"comparison":"EQUALS","value":"prod-my-app"}]})", true},
      {R"({"ecrRepositoryName":[{"comparison":"NOT_EQUALS","value":"prod-my-app"}]})", false},
      {R"({"ecrImageTags":[{"comparison":"EQUALS","value":"latest"}]})", true},
      {R"({"ecrImageTags":[{"comparison":"NOT_EQUALS","value":"latest"}]})", false},
      {R"({"scanStatusCode":[{"comparison":"EQUALS","value":"ACTIVE"}],"resourceType":[{"comparison":"EQUALS","value":"AWS_ECR_CONTAINER_IMAGE"}]})", true},
      {R"({"scanStatusCode":[{"comparison":"EQUALS","value":"INACTIVE"}]})", false},
      {R"({"lambdaFunctionName":[{"comparison":"EQUALS","value":"f"}]})", false},
  };
  for (const auto& c : cases) {
    const Json criteria = J(c.criteria);
    ASSERT_TRUE(ValidateCoverageCriteria(criteria, "filterCriteria").ok()) << c.criteria;
    EXPECT_EQ(CoverageMatches(criteria, app), c.match) << c.criteria;
  }
  // PREFIX is not a coverage comparison.
  auto bad = ValidateCoverageCriteria(J(R"({"ecrRepositoryName":[{"comparison":"PREFIX","value":"p"}]})"),
                                      "filterCriteria");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("filterCriteria.ecrRepositoryName.1.member.comparison"), std::string::npos);
}

TEST(ResourceCriteriaTest, SbomSelection) {
  const CoverageRecord app = Image("prod-my-app", {"v1"}, "ACTIVE");
  EXPECT_TRUE(ResourceMatches(J(R"({"ecrRepositoryName":[{"comparison":"EQUALS","value":"prod-my-app"}]})"), app));
  EXPECT_FALSE(ResourceMatches(J(R"({"ecrImageTags":[{"comparison":"EQUALS","value":"v2"}]})"), app));
  EXPECT_FALSE(ValidateResourceCriteria(J(R"({"ecrImageTags":[{"comparison":"PREFIX","value":"v"}]})"), "r").ok());
  EXPECT_TRUE(ValidateResourceCriteria(J(R"({"ec2InstanceTags":[{"comparison":"EQUALS","key":"k"}]})"), "r").ok());
}

TEST(RequestsTest, MaxResultsAndReportIds) {
  EXPECT_EQ(*ParseMaxResults(J("{}"), 1, 100, 25), 25);
  EXPECT_EQ(*ParseMaxResults(J(R"({"maxResults":100})"), 1, 100, 25), 100);
  EXPECT_FALSE(ParseMaxResults(J(R"({"maxResults":101})"), 1, 100, 25).ok());
  EXPECT_FALSE(ParseMaxResults(J(R"({"maxResults":"5"})"), 1, 100, 25).ok());
  EXPECT_TRUE(LooksLikeReportId("0f8fad5b-d9cb-469f-a165-70867728950e"));
  EXPECT_FALSE(LooksLikeReportId("0f8fad5b-d9cb-469f-a165"));
  EXPECT_FALSE(LooksLikeReportId("../../etc/passwd"));
}

}  // namespace
}  // namespace surveyor::api::inspector
