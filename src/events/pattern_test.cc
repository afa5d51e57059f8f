// Data-driven tests of the event-pattern engine. The tables live in testdata/*.json; each row's
// expectation was worked out by hand from AWS's EventBridge documentation and SPEC.md §9.
#include "events/pattern.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <vector>

namespace surveyor::events {
namespace {

// Reads "key: value" blocks separated by blank lines; '#' lines are comments.
std::vector<std::map<std::string, std::string>> LoadBlocks(const std::string& name) {
  const std::string path = std::string(SURVEYOR_SOURCE_DIR) + "/src/events/testdata/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  std::vector<std::map<std::string, std::string>> blocks(1);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    const auto colon = line.find(": ");
    EXPECT_NE(colon, std::string::npos) << line;
    if (colon == std::string::npos) continue;
    blocks.back()[line.substr(0, colon)] = line.substr(colon + 2);
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

TEST(PatternTable, MatchCases) {
  const auto table = LoadBlocks("pattern_cases.txt");
  ASSERT_GT(table.size(), 100u);
  size_t matches = 0;
  for (const auto& row : table) {
    const std::string& name = row.at("name");
    ASSERT_TRUE(row.count("pattern") && row.count("event") && row.count("match")) << name;
    auto pattern = CompiledPattern::Compile(row.at("pattern"));
    ASSERT_TRUE(pattern.ok()) << name << ": " << pattern.status().ToString();
    auto event = FlatEvent::FromText(row.at("event"));
    ASSERT_TRUE(event.ok()) << name << ": " << event.status().ToString();
    ASSERT_TRUE(row.at("match") == "true" || row.at("match") == "false") << name;
    const bool expected = row.at("match") == "true";
    EXPECT_EQ(pattern->Matches(*event), expected) << name;
    if (expected) ++matches;
  }
  // Guard against a table that only ever expects one answer.
  EXPECT_GT(matches, 30u);
  EXPECT_LT(matches, table.size() - 30);
}

TEST(PatternTable, InvalidPatterns) {
  const auto table = LoadBlocks("pattern_errors.txt");
  ASSERT_GT(table.size(), 30u);
  for (const auto& row : table) {
    const std::string& pattern_text = row.at("pattern");
    auto pattern = CompiledPattern::Compile(pattern_text);
    ASSERT_FALSE(pattern.ok()) << pattern_text;
    EXPECT_EQ(pattern.status().domain_code(), kInvalidEventPattern);
    EXPECT_EQ(pattern.status().message(), "Event pattern is not valid. Reason: " + row.at("reason"))
        << pattern_text;
  }
}

TEST(Pattern, MalformedJson) {
  auto p = CompiledPattern::Compile(R"({"a":["x")");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().domain_code(), kInvalidEventPattern);
  EXPECT_NE(p.status().message().find("invalid JSON"), std::string::npos);
}

TEST(Pattern, OrExpansionLimit) {
  // Three $or arrays of 10 branches give 1000 combinations (allowed); a fourth of 2 gives 2000.
  auto branches = [](const std::string& field) {
    std::string s = "[";
    for (int i = 0; i < 10; ++i)
      s += std::string(i ? "," : "") + "{\"" + field + "\":[" + std::to_string(i) + "]}";
    return s + "]";
  };
  const std::string ok = "{\"a\":{\"$or\":" + branches("x") + "},\"b\":{\"$or\":" + branches("y") +
                         "},\"c\":{\"$or\":" + branches("z") + "}}";
  auto p = CompiledPattern::Compile(ok, 1 << 16);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->alternatives(), 1000u);
  const std::string too_many =
      ok.substr(0, ok.size() - 1) + ",\"d\":{\"$or\":[{\"w\":[1]},{\"w\":[2]}]}}";
  auto q = CompiledPattern::Compile(too_many, 1 << 16);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().domain_code(), kInvalidEventPattern);
}

TEST(Pattern, TooLongRejected) {
  std::string long_pattern = "{\"a\":[\"" + std::string(5000, 'x') + "\"]}";
  EXPECT_FALSE(CompiledPattern::Compile(long_pattern).ok());
  EXPECT_TRUE(CompiledPattern::Compile(long_pattern, 8192).ok());
}

TEST(Pattern, FromParsedJsonEvent) {
  auto pattern = CompiledPattern::Compile(R"({"detail":{"n":[{"numeric":[">",1]}],"s":["x"]}})");
  ASSERT_TRUE(pattern.ok());
  auto yes = FlatEvent::FromJson(Json::parse(R"({"detail":{"n":2,"s":"x"}})"));
  auto no = FlatEvent::FromJson(Json::parse(R"({"detail":{"n":1,"s":"x"}})"));
  ASSERT_TRUE(yes.ok() && no.ok());
  EXPECT_TRUE(pattern->Matches(*yes));
  EXPECT_FALSE(pattern->Matches(*no));
  EXPECT_FALSE(FlatEvent::FromJson(Json::array()).ok());
}

TEST(TestEventPattern, RequiresEnvelopeFields) {
  const std::string event = R"({"id":"1","account":"123456789012","source":"aws.ecr",
    "time":"2024-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail-type":"ECR Image Action",
    "detail":{"action-type":"PUSH"}})";
  auto r = TestEventPattern(R"({"detail":{"action-type":["PUSH"]}})", event);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r);
  r = TestEventPattern(R"({"detail":{"action-type":["DELETE"]}})", event);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_FALSE(TestEventPattern(R"({"source":["x"]})", R"({"source":"x"})").ok());
  EXPECT_FALSE(TestEventPattern(R"({"source":"x"})", event).ok());
  EXPECT_FALSE(TestEventPattern(R"({"source":["x"]})", "not json").ok());
}

TEST(Pattern, HostileInputIsBounded) {
  // Deep nesting in the pattern.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"a\":";
  deep += "[1]";
  for (int i = 0; i < 200; ++i) deep += "}";
  EXPECT_FALSE(CompiledPattern::Compile(deep, 1 << 16).ok());
  // Deep event.
  std::string deep_event;
  for (int i = 0; i < 1000; ++i) deep_event += "[";
  for (int i = 0; i < 1000; ++i) deep_event += "]";
  EXPECT_FALSE(FlatEvent::FromText("{\"a\":" + deep_event + "}").ok());
  // Deeply nested arrays around many values: bounded flattening.
  std::string nested = "{\"a\":" + std::string(60, '[');
  for (int i = 0; i < 40000; ++i) nested += (i ? ",1" : "1");
  nested += std::string(60, ']') + "}";
  auto big = FlatEvent::FromText(nested);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("too many values"), std::string::npos);
  // Many array elements under many fields: the consistency search stays bounded.
  std::string pattern = "{\"e\":{";
  std::string elements;
  for (int f = 0; f < 8; ++f)
    pattern += std::string(f ? "," : "") + "\"f" + std::to_string(f) + "\":[{\"exists\":true}]";
  pattern += ",\"g\":[\"x\"]}}";
  for (int i = 0; i < 200; ++i) {
    elements += std::string(i ? "," : "") + "{";
    for (int f = 0; f < 8; ++f)
      elements += std::string(f ? "," : "") + "\"f" + std::to_string(f) + "\":" + std::to_string(i);
    elements += "}";
  }
  auto p = CompiledPattern::Compile(pattern);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto e = FlatEvent::FromText("{\"e\":[" + elements + ",{\"g\":\"x\"}]}");
  ASSERT_TRUE(e.ok());
  EXPECT_FALSE(p->Matches(*e));
}

}  // namespace
}  // namespace surveyor::events
