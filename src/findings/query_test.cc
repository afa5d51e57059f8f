#include "findings/query.h"

#include <gtest/gtest.h>

#include "findings/store.h"

namespace surveyor::findings {
namespace {

FindingFacts Facts(std::string vuln, std::string package, std::string manager, std::string severity,
                   double score, std::string fix) {
  FindingFacts f;
  f.key = vuln + "|" + package;
  f.vulnerability_id = vuln;
  f.title = vuln + " - " + package;
  f.severity = severity;
  f.inspector_score = score;
  f.fix_available = fix;
  f.exploit_available = "NO";
  f.package_manager = manager;
  f.package_name = package;
  f.detail = {{"description", "d"},
              {"packageVulnerabilityDetails",
               {{"vulnerabilityId", vuln},
                {"source", manager == "OS" ? "DEBIAN_CVE" : "GITHUB"},
                {"relatedVulnerabilities", Json::array({"GHSA-" + vuln})},
                {"vulnerablePackages",
                 Json::array({{{"name", package}, {"version", "1.0"}, {"epoch", 0},
                               {"packageManager", manager}, {"arch", "amd64"}}})}}}};
  f.fingerprint = severity + fix;
  return f;
}

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*store::Database::Open(":memory:"));
    ASSERT_TRUE(Migrate(*db_).ok());
    ImageContext prod{"123456789012", "us-east-1", "prod-my-app", "sha256:" + std::string(64, 'a'),
                      {"v1", "stable"}, FromEpochSeconds(1000), "amd64", "DEBIAN_12"};
    ImageContext dev{"123456789012", "us-east-1", "dev-x", "sha256:" + std::string(64, 'b'),
                     {"latest"}, FromEpochSeconds(2000), "amd64", "DEBIAN_12"};
    ASSERT_TRUE(Reconcile(*db_, prod,
                          {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8, "YES"),
                           Facts("CVE-B", "lodash", "NODEPKG", "HIGH", 7.5, "NO")},
                          FromEpochSeconds(5000))
                    .ok());
    ASSERT_TRUE(Reconcile(*db_, dev,
                          {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8, "YES"),
                           Facts("CVE-C", "zlib", "OS", "LOW", 3.1, "PARTIAL")},
                          FromEpochSeconds(6000))
                    .ok());
    ASSERT_TRUE(Reconcile(*db_, dev, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8, "YES")},
                          FromEpochSeconds(7000))
                    .ok());  // CVE-C on dev-x is now CLOSED
  }
  std::vector<std::string> Titles(const std::string& criteria_json) {
    auto c = ParseFilterCriteria(*ParseJson(criteria_json));
    EXPECT_TRUE(c.ok()) << criteria_json << ": " << c.status().ToString();
    SortCriteria sort{"VULNERABILITY_ID", false};
    auto page = ListFindings(*db_, *c, sort, 100, "");
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<std::string> out;
    for (const auto& f : page->findings) {
      out.push_back(f["resources"][0]["details"]["awsEcrContainerImage"]["repositoryName"]
                        .get<std::string>() + ":" + f["title"].get<std::string>());
    }
    std::sort(out.begin(), out.end());  // ties are broken by ARN, a hash: compare as sets
    return out;
  }
  std::unique_ptr<store::Database> db_;
};

TEST_F(QueryTest, FilterCriteriaTable) {
  const struct {
    std::string criteria;
    std::vector<std::string> expected;
  } cases[] = {
      {"{}", {"dev-x:CVE-A - openssl", "prod-my-app:CVE-A - openssl", "prod-my-app:CVE-B - lodash",
              "dev-x:CVE-C - zlib"}},
      {R"({"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
       {"dev-x:CVE-A - openssl", "prod-my-app:CVE-A - openssl", "prod-my-app:CVE-B - lodash"}},
      {R"({"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"prod-my-app"}],
           "severity":[{"comparison":"EQUALS","value":"CRITICAL"}]})",
       {"prod-my-app:CVE-A - openssl"}},
      {R"({"ecrImageRepositoryName":[{"comparison":"PREFIX","value":"prod-"}]})",
       {"prod-my-app:CVE-A - openssl", "prod-my-app:CVE-B - lodash"}},
      // EQUALS entries of one field are ORed; NOT_EQUALS ANDed.
      {R"({"severity":[{"comparison":"EQUALS","value":"HIGH"},{"comparison":"EQUALS","value":"LOW"}]})",
       {"prod-my-app:CVE-B - lodash", "dev-x:CVE-C - zlib"}},
      {R"({"severity":[{"comparison":"NOT_EQUALS","value":"CRITICAL"},{"comparison":"NOT_EQUALS","value":"LOW"}]})",
       {"prod-my-app:CVE-B - lodash"}},
      {R"({"ecrImageTags":[{"comparison":"EQUALS","value":"stable"}]})",
       {"prod-my-app:CVE-A - openssl", "prod-my-app:CVE-B - lodash"}},
      {R"({"inspectorScore":[{"lowerInclusive":7.0,"upperInclusive":9.0}]})",
       {"prod-my-app:CVE-B - lodash"}},
      {R"({"firstObservedAt":[{"startInclusive":5500}]})", {"dev-x:CVE-A - openssl", "dev-x:CVE-C - zlib"}},
      {R"({"ecrImagePushedAt":[{"endInclusive":1500}]})",
       {"prod-my-app:CVE-A - openssl", "prod-my-app:CVE-B - lodash"}},
      {R"({"vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"lodash"},"epoch":{"upperInclusive":0}}]})",
       {"prod-my-app:CVE-B - lodash"}},
      {R"({"vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"lodash"},"architecture":{"comparison":"EQUALS","value":"arm64"}}]})",
       {}},
      {R"({"relatedVulnerabilities":[{"comparison":"EQUALS","value":"GHSA-CVE-B"}]})",
       {"prod-my-app:CVE-B - lodash"}},
      {R"({"vulnerabilitySource":[{"comparison":"EQUALS","value":"GITHUB"}]})",
       {"prod-my-app:CVE-B - lodash"}},
      {R"({"fixAvailable":[{"comparison":"EQUALS","value":"PARTIAL"}]})", {"dev-x:CVE-C - zlib"}},
      {R"({"resourceType":[{"comparison":"EQUALS","value":"AWS_ECR_CONTAINER_IMAGE"}],
           "ec2InstanceVpcId":[{"comparison":"EQUALS","value":"vpc-1"}]})",
       {}},
  };
  for (const auto& c : cases) {
    std::vector<std::string> expected = c.expected;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(Titles(c.criteria), expected) << c.criteria;
  }
}

TEST_F(QueryTest, ValidationNamesTheField) {
  const struct {
    std::string criteria;
    std::string message;
  } cases[] = {
      {R"({"severty":[{"comparison":"EQUALS","value":"HIGH"}]})", "filterCriteria.severty"},
      {R"({"severity":[{"comparison":"LIKE","value":"HIGH"}]})", "filterCriteria.severity[0].comparison"},
      {R"({"severity":[{"comparison":"EQUALS"}]})", "filterCriteria.severity[0].value"},
      {R"({"severity":[]})", "filterCriteria.severity must be a list of 1 to 10"},
      {R"({"inspectorScore":[{"lower":1}]})", "filterCriteria.inspectorScore[0]"},
      {R"({"vulnerablePackages":[{"flavour":{"comparison":"EQUALS","value":"x"}}]})",
       "filterCriteria.vulnerablePackages[0] has an unknown member 'flavour'"},
  };
  for (const auto& c : cases) {
    auto r = ParseFilterCriteria(*ParseJson(c.criteria));
    ASSERT_FALSE(r.ok()) << c.criteria;
    EXPECT_EQ(r.status().domain_code(), "ValidationException");
    EXPECT_NE(r.status().message().find(c.message), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(ParseSortCriteria(*ParseJson(R"({"field":"COLOUR","sortOrder":"ASC"})")).ok());
}

TEST_F(QueryTest, SortsBySeverityRankAndPaginatesReplayably) {
  auto all = ParseFilterCriteria(Json::object());
  SortCriteria sort{"SEVERITY", true};
  std::vector<std::string> seen;
  std::string token;
  std::string second_token;
  for (int page_no = 0; page_no < 10; ++page_no) {
    auto page = ListFindings(*db_, *all, sort, 1, token);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& f : page->findings) seen.push_back(f["severity"]);
    if (page_no == 1) second_token = token;
    if (!page->next_token) break;
    token = *page->next_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"CRITICAL", "CRITICAL", "HIGH", "LOW"}));
  // Replaying a token returns the same page.
  auto again = ListFindings(*db_, *all, sort, 1, second_token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->findings[0]["severity"], "CRITICAL");
  auto other = ParseFilterCriteria(*ParseJson(R"({"severity":[{"comparison":"EQUALS","value":"LOW"}]})"));
  EXPECT_EQ(ListFindings(*db_, *other, sort, 1, second_token).status().domain_code(),
            "ValidationException");
  EXPECT_FALSE(ListFindings(*db_, *all, sort, 1, "zz").ok());
  EXPECT_FALSE(ListFindings(*db_, *all, sort, 0, "").ok());
}

TEST_F(QueryTest, Aggregations) {
  auto all = ParseFilterCriteria(Json::object());
  auto repos = Aggregate(*db_, "REPOSITORY", *all, 10, "");
  ASSERT_TRUE(repos.ok()) << repos.status().ToString();
  // Active only: prod-my-app has CRITICAL + HIGH; dev-x has CRITICAL (its LOW closed).
  ASSERT_EQ((*repos)["responses"].size(), 2u);
  const Json& first = (*repos)["responses"][0]["repositoryAggregation"];
  EXPECT_EQ(first["repository"], "prod-my-app");
  EXPECT_EQ(first["severityCounts"], (Json{{"all", 2}, {"critical", 1}, {"high", 1}, {"medium", 0}}));
  auto titles = Aggregate(*db_, "TITLE", *all, 1, "");
  ASSERT_TRUE(titles->contains("nextToken"));
  EXPECT_EQ((*titles)["responses"][0]["titleAggregation"]["vulnerabilityId"], "CVE-A");
  EXPECT_EQ((*titles)["responses"][0]["titleAggregation"]["severityCounts"]["all"], 2);
  auto next = Aggregate(*db_, "TITLE", *all, 1, (*titles)["nextToken"]);
  EXPECT_EQ((*next)["responses"][0]["titleAggregation"]["vulnerabilityId"], "CVE-B");
  EXPECT_EQ(Aggregate(*db_, "COLOUR", *all, 1, "").status().domain_code(), "ValidationException");
  for (const char* type : {"AWS_ECR_CONTAINER", "PACKAGE", "IMAGE_LAYER", "FINDING_TYPE", "ACCOUNT"}) {
    auto r = Aggregate(*db_, type, *all, 10, "");
    ASSERT_TRUE(r.ok()) << type << r.status().ToString();
    EXPECT_FALSE((*r)["responses"].empty()) << type;
  }
}

}  // namespace
}  // namespace surveyor::findings
