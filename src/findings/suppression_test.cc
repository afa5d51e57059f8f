#include "findings/suppression.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "findings/store.h"

namespace surveyor::findings {
namespace {

FindingFacts Facts(std::string vuln, std::string package, std::string manager, std::string severity,
                   double score) {
  FindingFacts f;
  f.key = vuln + "|" + package;
  f.vulnerability_id = vuln;
  f.title = vuln + " - " + package;
  f.severity = severity;
  f.inspector_score = score;
  f.fix_available = "YES";
  f.exploit_available = "NO";
  f.package_manager = manager;
  f.package_name = package;
  f.detail = {{"description", "d"},
              {"packageVulnerabilityDetails",
               {{"vulnerabilityId", vuln},
                {"vulnerablePackages",
                 Json::array({{{"name", package}, {"version", "1.0"}, {"epoch", 0},
                               {"packageManager", manager}}})}}}};
  f.fingerprint = severity + std::to_string(score);
  return f;
}

TimePoint T(int s) { return FromEpochSeconds(1700000000 + s); }

class SuppressionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*store::Database::Open(":memory:"));
    ASSERT_TRUE(Migrate(*db_).ok());
    prod_ = {"123456789012", "us-east-1", "prod-my-app", "sha256:" + std::string(64, 'a'),
             {"v1"}, T(0), "amd64", "DEBIAN_12"};
    dev_ = {"123456789012", "us-east-1", "dev-x", "sha256:" + std::string(64, 'b'),
            {"latest"}, T(0), "amd64", "DEBIAN_12"};
    ASSERT_TRUE(Reconcile(*db_, prod_, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8),
                                        Facts("CVE-B", "lodash", "NODEPKG", "HIGH", 7.5)},
                          T(10)).ok());
    ASSERT_TRUE(Reconcile(*db_, dev_, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8),
                                       Facts("CVE-C", "zlib", "OS", "LOW", 3.1)},
                          T(10)).ok());
    // CVE-C on dev-x closes.
    ASSERT_TRUE(Reconcile(*db_, dev_, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8)}, T(20))
                    .ok());
  }

  // Every finding as "repository:vulnerability=STATUS", sorted.
  std::vector<std::string> Statuses() {
    auto stmt = db_->Prepare("SELECT repository, vulnerability_id, status, "
                             "json_extract(finding, '$.status') FROM findings JOIN finding_bodies "
                             "USING (id) ORDER BY 1, 2");
    std::vector<std::string> out;
    while (*stmt->Step()) {
      // The status lives in its column only (row.h): no stale copy in the stored JSON.
      EXPECT_TRUE(stmt->ColumnIsNull(3)) << "stored JSON carries a status";
      out.push_back(stmt->ColumnText(0) + ":" + stmt->ColumnText(1) + "=" + stmt->ColumnText(2));
    }
    return out;
  }

  Json Filters(const std::vector<std::pair<std::string, std::string>>& action_criteria) {
    Json filters = Json::array();
    int n = 0;
    for (const auto& [action, criteria] : action_criteria) {
      filters.push_back({{"arn", "arn:aws:inspector2:us-east-1:123456789012:owner/123456789012/"
                                 "filter/f" + std::to_string(n++)},
                         {"action", action},
                         {"criteria", *ParseJson(criteria)}});
    }
    return filters;
  }

  std::unique_ptr<store::Database> db_;
  ImageContext prod_, dev_;
};

TEST_F(SuppressionTest, RuleSetsMoveFindingsBothWays) {
  // Each step replaces the whole rule set; expected statuses are worked out from the fixture:
  // prod-my-app has CVE-A (openssl, CRITICAL 9.8) and CVE-B (lodash, HIGH 7.5); dev-x has CVE-A
  // and a CLOSED CVE-C (zlib, LOW 3.1).
  const struct {
    std::vector<std::pair<std::string, std::string>> filters;
    size_t changes;
    std::vector<std::string> expected;
  } steps[] = {
      {{{"SUPPRESS", R"({"severity":[{"comparison":"EQUALS","value":"HIGH"}]})"}},
       1,
       {"dev-x:CVE-A=ACTIVE", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=ACTIVE",
        "prod-my-app:CVE-B=SUPPRESSED"}},
      // The CLOSED finding matches too, and stays CLOSED; CVE-B comes back.
      {{{"SUPPRESS", R"({"ecrImageRepositoryName":[{"comparison":"PREFIX","value":"dev"}]})"}},
       2,
       {"dev-x:CVE-A=SUPPRESSED", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=ACTIVE",
        "prod-my-app:CVE-B=ACTIVE"}},
      // Two rules: either suppresses.
      {{{"SUPPRESS", R"({"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-A"}]})"},
        {"SUPPRESS",
         R"({"vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"lodash"}}]})"}},
       2,
       {"dev-x:CVE-A=SUPPRESSED", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=SUPPRESSED",
        "prod-my-app:CVE-B=SUPPRESSED"}},
      // Within one rule, fields are ANDed.
      {{{"SUPPRESS", R"({"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-A"}],
                         "ecrImageRepositoryName":[{"comparison":"EQUALS","value":"prod-my-app"}]})"}},
       2,
       {"dev-x:CVE-A=ACTIVE", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=SUPPRESSED",
        "prod-my-app:CVE-B=ACTIVE"}},
      // A rule naming findingStatus ACTIVE keeps matching what it suppressed (no flapping).
      {{{"SUPPRESS", R"({"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}],
                         "severity":[{"comparison":"EQUALS","value":"CRITICAL"}]})"}},
       1,
       {"dev-x:CVE-A=SUPPRESSED", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=SUPPRESSED",
        "prod-my-app:CVE-B=ACTIVE"}},
      // Number range; a NONE filter beside it changes nothing.
      {{{"NONE", R"({"severity":[{"comparison":"EQUALS","value":"LOW"}]})"},
        {"SUPPRESS", R"({"inspectorScore":[{"lowerInclusive":7.0}]})"}},
       1,
       {"dev-x:CVE-A=SUPPRESSED", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=SUPPRESSED",
        "prod-my-app:CVE-B=SUPPRESSED"}},
      // Only NONE filters left: no rule, everything open is ACTIVE again.
      {{{"NONE", R"({"inspectorScore":[{"lowerInclusive":7.0}]})"}},
       3,
       {"dev-x:CVE-A=ACTIVE", "dev-x:CVE-C=CLOSED", "prod-my-app:CVE-A=ACTIVE",
        "prod-my-app:CVE-B=ACTIVE"}},
  };
  int second = 100;
  for (const auto& step : steps) {
    auto rules = SuppressionRulesFromFilters(Filters(step.filters));
    ASSERT_TRUE(rules.ok()) << rules.status().ToString();
    auto changes = ApplySuppressionRules(*db_, *rules, T(second));
    ASSERT_TRUE(changes.ok()) << changes.status().ToString();
    EXPECT_EQ(Statuses(), step.expected) << "after step at " << second;
    EXPECT_EQ(changes->size(), step.changes) << "after step at " << second;
    for (const auto& c : *changes) {
      EXPECT_EQ(c.change, Change::kUpdated);
      EXPECT_DOUBLE_EQ(c.finding["updatedAt"].get<double>(), ToEpochSeconds(T(second)));
    }
    // Applying the same rules again is a no-op, and so is re-evaluating one image.
    EXPECT_TRUE(ApplySuppressionRules(*db_, *rules, T(second + 1))->empty());
    EXPECT_TRUE(ApplyStoredSuppression(*db_, prod_.repository, prod_.digest, T(second + 2))->empty());
    second += 100;
  }
}

TEST_F(SuppressionTest, FindingsFromLaterScansAreBornSuppressed) {
  auto rules = SuppressionRulesFromFilters(
      Filters({{"SUPPRESS", R"({"severity":[{"comparison":"EQUALS","value":"LOW"}]})"}}));
  ASSERT_TRUE(rules.ok());
  ASSERT_TRUE(ApplySuppressionRules(*db_, *rules, T(100)).ok());
  // CVE-C recurs on dev-x (reopens) and a new LOW finding appears: both are SUPPRESSED at once,
  // and the reported changes say so (the events carry that status).
  auto r = Reconcile(*db_, dev_, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8),
                                  Facts("CVE-C", "zlib", "OS", "LOW", 3.1),
                                  Facts("CVE-D", "zlib", "OS", "LOW", 2.0)},
                     T(200));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> changes;
  for (const auto& c : r->changes) {
    changes.push_back(std::string(ChangeName(c.change)) + " " +
                      c.finding["packageVulnerabilityDetails"]["vulnerabilityId"].get<std::string>() +
                      " " + c.finding["status"].get<std::string>());
  }
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes, (std::vector<std::string>{"CREATED CVE-D SUPPRESSED",
                                               "REOPENED CVE-C SUPPRESSED"}));
  // CVE-C's severity rises: the rule no longer matches, it is ACTIVE again (one change).
  r = Reconcile(*db_, dev_, {Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8),
                             Facts("CVE-C", "zlib", "OS", "HIGH", 7.0),
                             Facts("CVE-D", "zlib", "OS", "LOW", 2.0)},
                T(300));
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(r->changes[0].change, Change::kUpdated);
  EXPECT_EQ(r->changes[0].finding["status"], "ACTIVE");
  EXPECT_EQ(Statuses(), (std::vector<std::string>{"dev-x:CVE-A=ACTIVE", "dev-x:CVE-C=ACTIVE",
                                                  "dev-x:CVE-D=SUPPRESSED",
                                                  "prod-my-app:CVE-A=ACTIVE",
                                                  "prod-my-app:CVE-B=ACTIVE"}));
  // The image goes away: suppressed or not, its findings close, and a later rule change leaves
  // them CLOSED.
  ASSERT_TRUE(CloseImage(*db_, dev_, T(400)).ok());
  auto none = SuppressionRulesFromFilters(Json::array());
  ASSERT_TRUE(ApplySuppressionRules(*db_, *none, T(500)).ok());
  EXPECT_EQ(Statuses(), (std::vector<std::string>{"dev-x:CVE-A=CLOSED", "dev-x:CVE-C=CLOSED",
                                                  "dev-x:CVE-D=CLOSED",
                                                  "prod-my-app:CVE-A=ACTIVE",
                                                  "prod-my-app:CVE-B=ACTIVE"}));
}

// A re-scored advisory reaches its findings without a match (store.h, Rescore): the live score
// row takes the new scores, every open finding of it is reported, and the rules judge them again.
// Findings that keep their scores (no live row) are left alone.
TEST_F(SuppressionTest, RescoredVulnerabilityIsJudgedAgain) {
  FindingFacts low = Facts("CVE-R", "zlib", "OS", "LOW", 3.0);
  low.score_key = "CVE-R|DEBIAN_CVE";
  const ReconcileOptions live{.live_scores = true};
  const FindingFacts a = Facts("CVE-A", "openssl", "OS", "CRITICAL", 9.8);
  ASSERT_TRUE(Reconcile(*db_, prod_, {a, Facts("CVE-B", "lodash", "NODEPKG", "HIGH", 7.5), low},
                        T(30), live).ok());
  ASSERT_TRUE(Reconcile(*db_, dev_, {a, low}, T(30)).ok());  // scanned on push: frozen
  auto rules = SuppressionRulesFromFilters(
      Filters({{"SUPPRESS", R"({"severity":[{"comparison":"EQUALS","value":"LOW"}]})"}}));
  ASSERT_TRUE(ApplySuppressionRules(*db_, *rules, T(40)).ok());
  EXPECT_EQ(*VulnerabilitySources(*db_, "CVE-R"), std::vector<std::string>{"DEBIAN_CVE"});
  EXPECT_TRUE(VulnerabilitySources(*db_, "CVE-RX")->empty());  // a prefix is not the id

  VulnerabilityScore high{"CVE-R|DEBIAN_CVE", "HIGH", 7.5, nullptr};
  auto r = Rescore(*db_, high, T(50), /*describe_changes=*/true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(r->changes[0].change, Change::kUpdated);
  EXPECT_EQ(r->changes[0].finding["severity"], "HIGH");
  EXPECT_EQ(r->changes[0].finding["inspectorScore"], 7.5);
  EXPECT_EQ(r->changes[0].finding["status"], "ACTIVE");  // the LOW rule no longer holds
  EXPECT_EQ(r->changes[0].finding["updatedAt"], 1700000050.0);
  EXPECT_EQ(Statuses(), (std::vector<std::string>{"dev-x:CVE-A=ACTIVE", "dev-x:CVE-C=CLOSED",
                                                  "dev-x:CVE-R=SUPPRESSED",
                                                  "prod-my-app:CVE-A=ACTIVE",
                                                  "prod-my-app:CVE-B=ACTIVE",
                                                  "prod-my-app:CVE-R=ACTIVE"}));
  // The same scores again: nothing changes; an unknown vulnerability: nothing to do.
  EXPECT_TRUE(Rescore(*db_, high, T(60), true)->changes.empty());
  EXPECT_TRUE(Rescore(*db_, {"CVE-Q|NVD", "HIGH", 7.5, nullptr}, T(60), true)->changes.empty());
}

TEST(SuppressionRulesFromFiltersTest, BadCriteriaNameTheFilterAndField) {
  const struct {
    std::string filters;
    std::string error;  // "" = valid
    size_t rules;
  } cases[] = {
      {R"([])", "", 0},
      {R"([{"arn":"a1","action":"NONE","criteria":{"bogus":[]}}])", "", 0},
      {R"([{"arn":"a1","action":"SUPPRESS","criteria":{}}])", "", 1},
      {R"([{"arn":"a1","action":"SUPPRESS","criteria":{"severity":[{"comparison":"LIKE","value":"x"}]}}])",
       "filter a1: Value 'LIKE' at 'filterCriteria.severity[0].comparison'", 0},
      {R"([{"arn":"a2","action":"SUPPRESS","criteria":{"nope":[{"comparison":"EQUALS","value":"x"}]}}])",
       "filter a2: Unknown member filterCriteria.nope", 0},
      {R"([{"action":"SUPPRESS","criteria":{}}])", "a SUPPRESS filter has no arn", 0},
      {R"({"not":"a list"})", "the filter list is not an array", 0},
      // Members of the wrong type are input like any other (the fuzzer found these threw).
      {R"([{"arn":"a1","action":{"severity":[]}}])", "", 0},
      {R"([{"arn":7,"action":"SUPPRESS","criteria":{}}])", "a SUPPRESS filter has no arn", 0},
  };
  for (const auto& c : cases) {
    auto rules = SuppressionRulesFromFilters(*ParseJson(c.filters));
    if (c.error.empty()) {
      ASSERT_TRUE(rules.ok()) << c.filters << ": " << rules.status().ToString();
      EXPECT_EQ(rules->size(), c.rules) << c.filters;
    } else {
      ASSERT_FALSE(rules.ok()) << c.filters;
      EXPECT_EQ(rules.status().message().rfind(c.error, 0), 0u)
          << c.filters << " gave " << rules.status().message();
      EXPECT_EQ(rules.status().domain_code(), "ValidationException");
    }
  }
}

}  // namespace
}  // namespace surveyor::findings
