#include "lifecycle/policy.h"

#include <gtest/gtest.h>

#include "lifecycle/test_blocks.h"

namespace surveyor::lifecycle {
namespace {

const std::string kDir = std::string(SURVEYOR_SOURCE_DIR) + "/src/lifecycle/testdata/";

TEST(Policy, ParsesScenarioPolicy) {
  auto p = ParseLifecyclePolicy(R"({"rules":[
 {"rulePriority":2,"description":"Keep only last 20 tagged images",
  "selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":20},
  "action":{"type":"expire"}},
 {"rulePriority":1,"description":"Remove untagged images after 7 days",
  "selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},
  "action":{"type":"expire"}}]})");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->rules.size(), 2u);
  EXPECT_EQ(p->rules[0].priority, 1);  // sorted by priority
  EXPECT_EQ(p->rules[0].tag_status, TagStatus::kUntagged);
  EXPECT_EQ(p->rules[0].count_type, CountType::kSinceImagePushed);
  EXPECT_EQ(p->rules[0].count_number, 7);
  EXPECT_EQ(p->rules[1].tag_prefixes, std::vector<std::string>{"v"});
  EXPECT_EQ(p->rules[1].count_number, 20);
  EXPECT_EQ(p->rules[1].description, "Keep only last 20 tagged images");
}

TEST(Policy, FourWildcardsAllowed) {
  // AWS's own example: ["*test*1*2*3", "test*1*2*3*"] is valid.
  auto p = ParseLifecyclePolicy(R"({"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged",
    "tagPatternList":["*test*1*2*3","test*1*2*3*"],"countType":"imageCountMoreThan","countNumber":1},
    "action":{"type":"expire"}}]})");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
}

TEST(Policy, InvalidPoliciesTable) {
  const auto table = LoadBlocksForTest(kDir + "invalid_policies.txt");
  ASSERT_GT(table.size(), 25u);
  for (const auto& row : table) {
    const std::string text = One(row, "policy");
    auto p = ParseLifecyclePolicy(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().domain_code(), kInvalidParameter);
    const std::string& m = p.status().message();
    EXPECT_EQ(m.rfind("Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: "
                      "'Lifecycle policy validation failure: ",
                      0),
              0u)
        << m;
    EXPECT_NE(m.find(One(row, "reason")), std::string::npos) << text << "\n" << m;
  }
}

TEST(Policy, TooLongAndTooDeep) {
  EXPECT_FALSE(ParseLifecyclePolicy(std::string(kMaxPolicyTextLength + 1, ' ')).ok());
  EXPECT_FALSE(ParseLifecyclePolicy(std::string(100, '[') + std::string(100, ']')).ok());
}

TEST(Policy, TagPatterns) {
  struct Case {
    const char* tag;
    const char* pattern;
    bool match;
  } cases[] = {
      {"prod", "prod*", true},
      {"prod1", "prod*", true},
      {"xprod", "prod*", false},
      {"prod", "prod", true},
      {"prod1", "prod", false},
      {"a-b-c", "*-*", true},
      {"", "*", true},
      {"abc", "a*c", true},
      {"ac", "a*c", true},
      {"ab", "a*c", false},
      {"mytest-1-2-3", "*test*1*2*3", true},
      {"test-3-2-1", "*test*1*2*3", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(TagMatchesPattern(c.tag, c.pattern), c.match) << c.tag << " ~ " << c.pattern;
  }
}

}  // namespace
}  // namespace surveyor::lifecycle
