#include "common/json.h"

#include <gtest/gtest.h>

namespace surveyor {
namespace {

TEST(JsonTest, ParsesAndReportsErrors) {
  auto ok = ParseJson(R"({"a":"x","n":3,"b":true,"o":{},"l":[]})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(GetString(*ok, "a"), "x");
  EXPECT_EQ(GetInt(*ok, "n"), 3);
  EXPECT_EQ(GetBool(*ok, "b"), true);
  EXPECT_NE(GetObject(*ok, "o"), nullptr);
  EXPECT_NE(GetArray(*ok, "l"), nullptr);
  EXPECT_EQ(GetString(*ok, "n"), std::nullopt);
  EXPECT_EQ(GetArray(*ok, "o"), nullptr);

  auto bad = ParseJson("{\"a\":");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("parse error"), std::string::npos);
}

TEST(JsonTest, RejectsDeepNesting) {
  std::string deep(1000, '[');
  deep += std::string(1000, ']');
  auto r = ParseJson(deep, 256);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nested deeper"), std::string::npos);
  EXPECT_TRUE(ParseJson("[[[]]]", 3).ok());
  EXPECT_FALSE(ParseJson("[[[[]]]]", 3).ok());
}

TEST(JsonTest, DumpReplacesInvalidUtf8) {
  Json j = std::string("a\xff");
  EXPECT_EQ(DumpJson(j), "\"a\xef\xbf\xbd\"");
}

}  // namespace
}  // namespace surveyor
