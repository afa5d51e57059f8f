#include "registry/scanning_config.h"

#include <gtest/gtest.h>

namespace surveyor::registry {
namespace {

// The filter table of SPEC §6.3 (from ECR's documentation), worked by hand.
TEST(ScanningFilter, DocumentationTable) {
  const std::vector<std::string> repos = {"prod", "repo-prod", "prod-repo", "repo-prod-repo",
                                          "prodrepo"};
  struct Row {
    std::string filter;
    std::vector<bool> expected;
  };
  const std::vector<Row> rows = {
      {"prod", {true, true, true, true, true}},
      {"*prod", {true, true, false, false, false}},
      {"prod*", {true, false, true, false, true}},
      {"*prod*", {true, true, true, true, true}},
      {"prod*repo", {false, false, true, false, true}},
  };
  for (const auto& row : rows) {
    for (size_t i = 0; i < repos.size(); ++i) {
      EXPECT_EQ(ScanningFilterMatches(repos[i], row.filter), row.expected[i])
          << row.filter << " vs " << repos[i];
    }
  }
}

ScanningConfiguration Parse(const char* text) {
  auto j = ParseJson(text);
  EXPECT_TRUE(j.ok());
  auto c = ParseScanningConfiguration(*j);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : ScanningConfiguration{};
}

TEST(EffectiveScanning, ContinuousWinsAndUnmatchedIsOff) {
  auto c = Parse(R"({"scanType":"ENHANCED","rules":[
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"*app","filterType":"WILDCARD"}]},
      {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prod-*","filterType":"WILDCARD"}]}]})");
  EXPECT_EQ(EffectiveScanningFor(c, "prod-my-app", false).scan_frequency, "CONTINUOUS_SCAN");
  EXPECT_EQ(EffectiveScanningFor(c, "prod-my-app", false).applied_filters,
            std::vector<std::string>{"prod-*"});
  EXPECT_EQ(EffectiveScanningFor(c, "dev-app", false).scan_frequency, "SCAN_ON_PUSH");
  EXPECT_EQ(EffectiveScanningFor(c, "my-prod-lib", false).scan_frequency, "");
}

TEST(EffectiveScanning, BasicDefaults) {
  ScanningConfiguration basic;
  EXPECT_EQ(EffectiveScanningFor(basic, "x", false).scan_frequency, "MANUAL");
  EXPECT_EQ(EffectiveScanningFor(basic, "x", true).scan_frequency, "SCAN_ON_PUSH");
  auto enhanced_all = Parse(R"({"scanType":"ENHANCED"})");
  EXPECT_EQ(EffectiveScanningFor(enhanced_all, "x", false).scan_frequency, "CONTINUOUS_SCAN");
}

TEST(ScanningConfiguration, ValidationNamesTheField) {
  struct Case {
    const char* json;
    const char* field;
  };
  const Case cases[] = {
      {R"({"scanType":"FULL"})", "'scanType'"},
      {R"({"scanType":"BASIC","rules":[{"scanFrequency":"HOURLY","repositoryFilters":[]}]})",
       "'rules.1.member.scanFrequency'"},
      {R"({"scanType":"BASIC","rules":[{"scanFrequency":"MANUAL","repositoryFilters":[{"filter":"Bad","filterType":"WILDCARD"}]}]})",
       "'rules.1.member.repositoryFilters.1.member.filter'"},
      {R"({"scanType":"BASIC","rules":[{"scanFrequency":"MANUAL","repositoryFilters":[{"filter":"a--b","filterType":"WILDCARD"}]}]})",
       "'rules.1.member.repositoryFilters.1.member.filter'"},
      {R"({"scanType":"BASIC","rules":[{"scanFrequency":"MANUAL","repositoryFilters":[{"filter":"a","filterType":"PREFIX"}]}]})",
       "'rules.1.member.repositoryFilters.1.member.filterType'"},
  };
  for (const auto& c : cases) {
    auto j = ParseJson(c.json);
    ASSERT_TRUE(j.ok());
    auto r = ParseScanningConfiguration(*j);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().domain_code(), "ValidationException");
    EXPECT_NE(r.status().message().find(c.field), std::string::npos) << r.status().message();
  }
}

TEST(ScanningConfiguration, StoredAndLoaded) {
  auto db = store::Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE registry_settings (name TEXT PRIMARY KEY, value TEXT)").ok());
  auto loaded = LoadScanningConfiguration(**db);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->scan_type, "BASIC");
  auto c = Parse(R"({"scanType":"ENHANCED","rules":[{"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"dev-*","filterType":"WILDCARD"}]}]})");
  ASSERT_TRUE(SaveScanningConfiguration(**db, c).ok());
  loaded = LoadScanningConfiguration(**db);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->scan_type, "ENHANCED");
  ASSERT_EQ(loaded->rules.size(), 1u);
  EXPECT_EQ(loaded->rules[0].repository_filters, std::vector<std::string>{"dev-*"});
}

}  // namespace
}  // namespace surveyor::registry
