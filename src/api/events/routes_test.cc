// Request classification and form decoding for the EventBridge and SNS routes.
#include "api/events/routes.h"

#include <gtest/gtest.h>

namespace surveyor::api::events {
namespace {

http::Request Post(std::vector<std::pair<std::string, std::string>> headers) {
  http::Request r;
  r.method = http::Method::kPost;
  r.path = "/";
  for (auto& [k, v] : headers) r.headers.Add(k, v);
  return r;
}

TEST(RoutesTest, EventBridgeClaimsOnlyItsTargetPrefix) {
  EXPECT_TRUE(IsEventBridgeRequest(Post({{"X-Amz-Target", "AWSEvents.PutRule"}})));
  EXPECT_FALSE(IsEventBridgeRequest(
      Post({{"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.ListImages"}})));
  EXPECT_FALSE(IsEventBridgeRequest(Post({})));
  EXPECT_FALSE(IsSnsRequest(Post({{"X-Amz-Target", "AWSEvents.PutRule"},
                                  {"Content-Type", "application/x-www-form-urlencoded"}})));
}

TEST(RoutesTest, SnsClaimsFormPostsScopedToSns) {
  const std::string form = "application/x-www-form-urlencoded; charset=utf-8";
  EXPECT_TRUE(IsSnsRequest(Post({{"Content-Type", form}})));
  EXPECT_TRUE(IsSnsRequest(Post(
      {{"Content-Type", form},
       {"Authorization", "AWS4-HMAC-SHA256 Credential=x/20261201/us-east-1/sns/aws4_request, ..."}})));
  EXPECT_FALSE(IsSnsRequest(Post(
      {{"Content-Type", form},
       {"Authorization", "AWS4-HMAC-SHA256 Credential=x/20261201/us-east-1/sts/aws4_request, ..."}})));
  EXPECT_FALSE(IsSnsRequest(Post({{"Content-Type", "application/json"}})));
  http::Request get;
  get.method = http::Method::kGet;
  get.path = "/";
  get.query = "Action=ConfirmSubscription&TopicArn=a&Token=b";
  EXPECT_TRUE(IsSnsRequest(get));
  get.query = "Action=Publish";
  EXPECT_FALSE(IsSnsRequest(get));
}

TEST(RoutesTest, ParseFormDecodesPlusAndPercent) {
  auto form = ParseForm("Action=Publish&Message=a+b%2Bc%26d&Empty=&Flag&&TopicArn=arn%3Aaws");
  ASSERT_EQ(form.size(), 5u);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"Action", "Publish"}));
  EXPECT_EQ(form[1].second, "a b+c&d");
  EXPECT_EQ(form[2], (std::pair<std::string, std::string>{"Empty", ""}));
  EXPECT_EQ(form[3], (std::pair<std::string, std::string>{"Flag", ""}));
  EXPECT_EQ(form[4].second, "arn:aws");
}

}  // namespace
}  // namespace surveyor::api::events
