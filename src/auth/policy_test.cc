#include "auth/policy.h"

#include <gtest/gtest.h>

namespace surveyor::auth {
namespace {

constexpr char kAlice[] = "arn:aws:iam::123456789012:user/alice";
constexpr char kBob[] = "arn:aws:iam::123456789012:user/bob";
constexpr char kMallory[] = "arn:aws:iam::999999999999:user/mallory";

Policy MustParse(const std::string& text) {
  auto p = ParseRepositoryPolicy(text);
  EXPECT_TRUE(p.ok()) << p.status().ToString() << "\n" << text;
  return p.ok() ? *p : Policy{};
}

TEST(PolicyTest, CapturedCliPolicy) {
  // The policy `aws ecr set-repository-policy` sent in captures/raw/140.
  Policy p = MustParse(
      R"({"Version":"2012-10-17","Statement":[{"Sid":"pull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage"]}]})");
  EXPECT_EQ(Decide(p, kAlice, "ecr:BatchGetImage"), Decision::kAllow);
  EXPECT_EQ(Decide(p, "", "ecr:BatchGetImage"), Decision::kAllow);  // "*" includes anonymous
  EXPECT_EQ(Decide(p, kAlice, "ecr:PutImage"), Decision::kNoOpinion);
}

struct DecideCase {
  const char* name;
  const char* principal;
  const char* action;
  Decision want;
};

TEST(PolicyTest, DecisionTable) {
  Policy p = MustParse(R"({
    "Version": "2012-10-17",
    "Statement": [
      {"Sid": "ReadForAccount", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
       "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:Describe*"]},
      {"Sid": "AlicePushes", "Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:user/alice"]},
       "Action": "ecr:*"},
      {"Sid": "NobodyDeletes", "Effect": "Deny", "Principal": "*", "Action": "ecr:BatchDeleteImage"},
      {"Sid": "BobNeverPushes", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::123456789012:user/bob"},
       "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"]},
      {"Sid": "OtherAccountPullsViaId", "Effect": "Allow", "Principal": {"AWS": "999999999999"},
       "Action": "ecr:BatchGetImage"}
    ]})");
  const DecideCase kCases[] = {
      {"account root covers alice", kAlice, "ecr:BatchGetImage", Decision::kAllow},
      {"account root covers bob", kBob, "ecr:GetDownloadUrlForLayer", Decision::kAllow},
      {"wildcard action prefix", kBob, "ecr:DescribeImages", Decision::kAllow},
      {"actions are case-insensitive", kBob, "ECR:describeimages", Decision::kAllow},
      {"alice may push", kAlice, "ecr:PutImage", Decision::kAllow},
      {"explicit deny beats ecr:*", kAlice, "ecr:BatchDeleteImage", Decision::kDeny},
      {"bob denied push", kBob, "ecr:PutImage", Decision::kDeny},
      {"bob has no opinion on tags", kBob, "ecr:TagResource", Decision::kNoOpinion},
      {"other account by bare id", kMallory, "ecr:BatchGetImage", Decision::kAllow},
      {"other account cannot describe", kMallory, "ecr:DescribeImages", Decision::kNoOpinion},
      {"anonymous only hits the * deny", "", "ecr:BatchDeleteImage", Decision::kDeny},
      {"anonymous pull has no opinion", "", "ecr:BatchGetImage", Decision::kNoOpinion},
      {"role in the account is covered by root", "arn:aws:iam::123456789012:role/ci",
       "ecr:BatchGetImage", Decision::kAllow},
      {"malformed principal ARN matches only *", "arn:aws:iam::12", "ecr:BatchGetImage",
       Decision::kNoOpinion},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(DecisionName(Decide(p, c.principal, c.action)), DecisionName(c.want)) << c.name;
  }
}

TEST(PolicyTest, SingleStatementObjectAndQuestionMark) {
  Policy p = MustParse(
      R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:Get?ownloadUrlForLayer"}})");
  EXPECT_EQ(Decide(p, kAlice, "ecr:GetDownloadUrlForLayer"), Decision::kAllow);
  EXPECT_EQ(Decide(p, kAlice, "ecr:GetDDownloadUrlForLayer"), Decision::kNoOpinion);
}

TEST(PolicyTest, ResourcePatterns) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":"*","Action":"ecr:*",
       "Resource":"arn:aws:ecr:us-east-1:123456789012:repository/team-a/*"}]})");
  AccessRequest r{kAlice, "ecr:PutImage",
                  "arn:aws:ecr:us-east-1:123456789012:repository/team-a/app"};
  EXPECT_EQ(Decide(p, r), Decision::kAllow);
  r.resource_arn = "arn:aws:ecr:us-east-1:123456789012:repository/team-b/app";
  EXPECT_EQ(Decide(p, r), Decision::kNoOpinion);
  r.resource_arn = "arn:aws:ecr:us-east-1:123456789012:repository/TEAM-A/app";
  EXPECT_EQ(Decide(p, r), Decision::kNoOpinion);  // resource matching is case-sensitive
}

TEST(PolicyTest, Conditions) {
  Policy p = MustParse(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"ci","Effect":"Allow","Principal":"*","Action":"ecr:*",
       "Condition":{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::123456789012:user/ci-*"}}},
      {"Sid":"notfromlab","Effect":"Deny","Principal":"*","Action":"ecr:PutImage",
       "Condition":{"StringNotEquals":{"aws:username":["ci-main","ci-release"]}}},
      {"Sid":"team","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage",
       "Condition":{"StringEqualsIgnoreCase":{"surveyor:team":"Blue"}, "Bool":{"surveyor:mfa":true}}}]})");
  const std::string ci_main = "arn:aws:iam::123456789012:user/ci-main";
  const std::string ci_lab = "arn:aws:iam::123456789012:user/ci-lab";
  EXPECT_EQ(Decide(p, ci_main, "ecr:PutImage"), Decision::kAllow);
  EXPECT_EQ(Decide(p, ci_lab, "ecr:PutImage"), Decision::kDeny);
  EXPECT_EQ(Decide(p, ci_lab, "ecr:ListImages"), Decision::kAllow);
  EXPECT_EQ(Decide(p, kAlice, "ecr:ListImages"), Decision::kNoOpinion);
  // Anonymous: no aws:username, so the Not-operator holds and the deny applies.
  EXPECT_EQ(Decide(p, "", "ecr:PutImage"), Decision::kDeny);
  std::map<std::string, std::string> ctx = {{"surveyor:team", "blue"}, {"surveyor:mfa", "TRUE"}};
  AccessRequest r{kAlice, "ecr:BatchGetImage", "", &ctx};
  EXPECT_EQ(Decide(p, r), Decision::kAllow);
  ctx["surveyor:mfa"] = "false";
  EXPECT_EQ(Decide(p, r), Decision::kNoOpinion);
}

TEST(PolicyTest, ValidationErrors) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", "not valid JSON"},
      {"{", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {R"({"Version":"2012-10-17"})", "Statement is missing"},
      {R"({"Version":"2020-01-01","Statement":[]})", "Version must be"},
      {R"({"Statement":[]})", "non-empty list"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*"}]})", "Statement[0].Action is missing"},
      {R"({"Statement":[{"Principal":"*","Action":"ecr:*"}]})", "Effect is missing"},
      {R"({"Statement":[{"Effect":"allow","Principal":"*","Action":"ecr:*"}]})", "Effect must be"},
      {R"({"Statement":[{"Effect":"Allow","Action":"ecr:*"}]})", "Principal is missing"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"me","Action":"ecr:*"}]})",
       "Principal must be"},
      {R"({"Statement":[{"Effect":"Allow","Principal":{},"Action":"ecr:*"}]})",
       "Principal must be"},
      {R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"ecr:*"}]})",
       "12-digit account id"},
      {R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"ecr:*"}]})",
       "without wildcards"},
      {R"({"Statement":[{"Effect":"Allow","Principal":{"Federated":"x"},"Action":"ecr:*"}]})",
       "'Federated' is not supported"},
      {R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":[]},"Action":"ecr:*"}]})",
       "non-empty list"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]})",
       "ecr:<action>"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:"}]})", "ecr:<action>"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ege"}]})", "ecr:<action>"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":""}]})", "ecr:<action>"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr:PutImage",3]}]})",
       "must be strings"},
      {R"({"Statement":[{"Effect":"Allow","NotPrincipal":"*","Action":"ecr:*"}]})",
       "NotPrincipal is not supported"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"ecr:*"}]})",
       "NotAction is not supported"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Extra":1}]})",
       "unknown element 'Extra'"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})",
       "'IpAddress' is not supported"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringLikeIfExists":{"a":"b"}}}]})",
       "is not supported"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringLike":{"a":{"x":1}}}}]})",
       "condition values"},
      {R"({"Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"ecr:*"},{"Sid":"a","Effect":"Deny","Principal":"*","Action":"ecr:*"}]})",
       "Sid 'a' is used twice"},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}],"Other":1})",
       "unknown top-level element"},
      {"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]"
       "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
       "not valid JSON"},
  };
  for (const auto& [text, part] : kCases) {
    auto p = ParseRepositoryPolicy(text);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(p.status().domain_code(), "InvalidParameterException") << text;
    EXPECT_EQ(p.status().message().rfind(kInvalidPolicyMessage, 0), 0u) << p.status().message();
    EXPECT_NE(p.status().message().find(part), std::string::npos) << p.status().message();
  }
  std::string big = R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Sid":")" +
                    std::string(10300, 'a') + "\"}]}";
  EXPECT_NE(ParseRepositoryPolicy(big).status().message().find("longer than 10240"),
            std::string::npos);
}

TEST(PolicyTest, WildcardMatch) {
  const std::tuple<const char*, const char*, bool> kCases[] = {
      {"*", "", true},
      {"*", "abc", true},
      {"a*c", "abbbc", true},
      {"a*c", "abbb", false},
      {"a?c", "abc", true},
      {"a?c", "ac", false},
      {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
      {"ab", "abc", false},
      {"", "", true},
      {"", "a", false},
      {"**", "x", true},
  };
  for (const auto& [pat, text, want] : kCases) {
    EXPECT_EQ(WildcardMatch(pat, text, false), want) << pat << " ~ " << text;
  }
  EXPECT_TRUE(WildcardMatch("ECR:Get*", "ecr:getauthorizationtoken", true));
  EXPECT_FALSE(WildcardMatch("ECR:Get*", "ecr:getauthorizationtoken", false));
}

TEST(PolicyTest, UserArn) { EXPECT_EQ(UserArn("123456789012", "alice"), kAlice); }

}  // namespace
}  // namespace surveyor::auth
