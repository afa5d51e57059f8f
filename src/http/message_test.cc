#include "http/message.h"

#include <gtest/gtest.h>

namespace surveyor::http {
namespace {

TEST(MessageTest, HeadersAreCaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "a");
  h.Add("X-Two", "1");
  EXPECT_EQ(h.Get("content-type"), "a");
  h.Set("CONTENT-TYPE", "b");
  EXPECT_EQ(h.Get("Content-Type"), "b");
  EXPECT_EQ(h.entries().size(), 2u);
  EXPECT_FALSE(h.Get("missing").has_value());
}

TEST(MessageTest, QueryParamsDecode) {
  Request r;
  r.query = "digest=sha256%3Aabc&n=10&empty&last=a+b";
  EXPECT_EQ(r.QueryParam("digest"), "sha256:abc");
  EXPECT_EQ(r.QueryParam("n"), "10");
  EXPECT_EQ(r.QueryParam("empty"), "");
  EXPECT_EQ(r.QueryParam("last"), "a b");
  EXPECT_FALSE(r.QueryParam("mount").has_value());
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("%zz"), "%zz");
  EXPECT_EQ(PercentEncode("a/b:c"), "a%2Fb%3Ac");
}

}  // namespace
}  // namespace surveyor::http
