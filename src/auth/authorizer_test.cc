#include "auth/authorizer.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "auth/sigv4_test_util.h"

namespace surveyor::auth {
namespace {

constexpr char kAccount[] = "123456789012";
constexpr char kRepo[] = "arn:aws:ecr:us-east-1:123456789012:repository/team/app";

struct Env {
  FakeClock clock{*ParseAmzDate("20261201T071249Z")};
  InMemoryKeyStore keys{clock};
  RegistryTokens tokens{"0123456789abcdef0123456789abcdef", keys, clock};
  SigV4Verifier verifier{keys, clock, SigV4Config{}};
  Env() {
    EXPECT_TRUE(keys.Add({{"AKIDEXAMPLE", "alice", TimePoint{}},
                          "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})
                    .ok());
  }
  Result<Caller> Authenticate(std::vector<std::pair<std::string, std::string>> headers) {
    testing::OwnedRequest r;
    r.method = "GET";
    r.path = "/v2/";
    r.headers = std::move(headers);
    return AuthenticateRegistryRequest(r.View(), tokens, verifier, kAccount);
  }
};

TEST(AuthenticateRegistryTest, NoHeaderIsAnonymous) {
  Env env;
  auto c = env.Authenticate({{"Host", "127.0.0.1:5000"}});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->anonymous);
  EXPECT_TRUE(c->principal_arn.empty());
}

TEST(AuthenticateRegistryTest, BasicTokenFromGetLoginPassword) {
  Env env;
  auto t = env.tokens.Issue("AKIDEXAMPLE");
  ASSERT_TRUE(t.ok());
  auto c = env.Authenticate({{"Authorization", "Basic " + t->authorization_token}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->anonymous);
  EXPECT_EQ(c->principal_arn, "arn:aws:iam::123456789012:user/alice");
  env.clock.Advance(std::chrono::hours(13));
  auto expired = env.Authenticate({{"authorization", "Basic " + t->authorization_token}});
  EXPECT_EQ(expired.status().domain_code(), "UNAUTHORIZED");
  EXPECT_EQ(expired.status().message(), kExpiredTokenMessage);
}

TEST(AuthenticateRegistryTest, SigV4SignedRequest) {
  Env env;
  auto r =
      testing::LoadCapture(std::string(SURVEYOR_SOURCE_DIR) +
                           "/src/auth/testdata/captures/027-v2-debug-ecr-create-repository.json");
  ASSERT_TRUE(r.ok());
  auto c = AuthenticateRegistryRequest(r->View(), env.tokens, env.verifier, kAccount);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->access_key_id, "AKIDEXAMPLE");
  r->body += "x";
  auto bad = AuthenticateRegistryRequest(r->View(), env.tokens, env.verifier, kAccount);
  EXPECT_EQ(bad.status().domain_code(), "UNAUTHORIZED");
  EXPECT_EQ(bad.status().message().rfind("InvalidSignatureException: ", 0), 0u);
}

TEST(AuthenticateRegistryTest, OtherSchemesAndDuplicates) {
  Env env;
  EXPECT_EQ(env.Authenticate({{"Authorization", "Bearer abc"}}).status().domain_code(),
            "UNAUTHORIZED");
  EXPECT_EQ(env.Authenticate({{"Authorization", "Basic " + Base64Encode("AWS:nope")}})
                .status()
                .domain_code(),
            "UNAUTHORIZED");
  auto t = env.tokens.Issue("AKIDEXAMPLE");
  EXPECT_EQ(env.Authenticate({{"Authorization", "Basic " + t->authorization_token},
                              {"Authorization", "Basic " + t->authorization_token}})
                .status()
                .domain_code(),
            "UNAUTHORIZED");
}

TEST(AuthorizerTest, OciActions) {
  const std::pair<OciOperation, const char*> kCases[] = {
      {OciOperation::kGetManifest, "ecr:BatchGetImage"},
      {OciOperation::kPutManifest, "ecr:PutImage"},
      {OciOperation::kDeleteManifest, "ecr:BatchDeleteImage"},
      {OciOperation::kGetBlob, "ecr:GetDownloadUrlForLayer"},
      {OciOperation::kHeadBlob, "ecr:BatchCheckLayerAvailability"},
      {OciOperation::kStartUpload, "ecr:InitiateLayerUpload"},
      {OciOperation::kUploadChunk, "ecr:UploadLayerPart"},
      {OciOperation::kCompleteUpload, "ecr:CompleteLayerUpload"},
      {OciOperation::kListTags, "ecr:ListImages"},
      {OciOperation::kCatalog, "ecr:DescribeRepositories"},
  };
  for (const auto& [op, action] : kCases) EXPECT_EQ(EcrActionForOci(op), action);
  EXPECT_TRUE(IsPullAction("ecr:BatchGetImage"));
  EXPECT_TRUE(IsPullAction("ECR:batchgetimage"));
  EXPECT_FALSE(IsPullAction("ecr:PutImage"));
  EXPECT_FALSE(IsPullAction("ecr:BatchGetImageX"));
}

TEST(AuthorizerTest, DecisionTable) {
  auto policy = ParseRepositoryPolicy(R"({"Version":"2012-10-17","Statement":[
      {"Sid":"nodelete","Effect":"Deny","Principal":"*","Action":"ecr:BatchDeleteImage"},
      {"Sid":"publicpull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]})");
  ASSERT_TRUE(policy.ok());
  auto deny_pull = ParseRepositoryPolicy(R"({"Statement":[
      {"Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage"}]})");
  ASSERT_TRUE(deny_pull.ok());
  Caller alice;
  alice.anonymous = false;
  alice.principal_arn = "arn:aws:iam::123456789012:user/alice";
  Caller anon;
  struct Case {
    const char* name;
    const Caller* caller;
    const char* action;
    const Policy* policy;
    bool anonymous_pull;
    DenialStyle style;
    const char* want;  // "" = allowed, else the domain code
  };
  const Case kCases[] = {
      {"own key, no policy", &alice, "ecr:PutImage", nullptr, false, DenialStyle::kAws, ""},
      {"own key, policy silent", &alice, "ecr:PutImage", &*policy, false, DenialStyle::kAws, ""},
      {"own key, explicit deny (API)", &alice, "ecr:BatchDeleteImage", &*policy, false,
       DenialStyle::kAws, "AccessDeniedException"},
      {"own key, explicit deny (registry)", &alice, "ecr:BatchDeleteImage", &*policy, false,
       DenialStyle::kOci, "DENIED"},
      {"anonymous, nothing configured", &anon, "ecr:BatchGetImage", nullptr, false,
       DenialStyle::kOci, "UNAUTHORIZED"},
      {"anonymous pull configured", &anon, "ecr:BatchGetImage", nullptr, true, DenialStyle::kOci,
       ""},
      {"anonymous push never by configuration", &anon, "ecr:PutImage", nullptr, true,
       DenialStyle::kOci, "UNAUTHORIZED"},
      {"anonymous pull via policy", &anon, "ecr:GetDownloadUrlForLayer", &*policy, false,
       DenialStyle::kOci, ""},
      {"anonymous tags list not in the policy", &anon, "ecr:ListImages", &*policy, false,
       DenialStyle::kOci, "UNAUTHORIZED"},
      {"explicit deny beats anonymous pull", &anon, "ecr:BatchGetImage", &*deny_pull, true,
       DenialStyle::kOci, "UNAUTHORIZED"},
      {"explicit deny beats own key", &alice, "ecr:BatchGetImage", &*deny_pull, false,
       DenialStyle::kOci, "DENIED"},
      {"null caller is anonymous", nullptr, "ecr:BatchGetImage", nullptr, false, DenialStyle::kAws,
       "AccessDeniedException"},
  };
  for (const auto& c : kCases) {
    AuthorizeInput in;
    in.caller = c.caller;
    in.action = c.action;
    in.repository_arn = kRepo;
    in.repository_policy = c.policy;
    in.anonymous_pull = c.anonymous_pull;
    Status s = Authorize(in, c.style);
    if (std::string(c.want).empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s.ToString();
    } else {
      EXPECT_EQ(s.domain_code(), c.want) << c.name;
    }
  }
}

TEST(AuthorizerTest, DenialMessageNamesPrincipalActionAndRepository) {
  auto policy = ParseRepositoryPolicy(
      R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage"}]})");
  Caller alice;
  alice.anonymous = false;
  alice.principal_arn = "arn:aws:iam::123456789012:user/alice";
  AuthorizeInput in{&alice, "ecr:PutImage", kRepo, &*policy, false};
  Status s = Authorize(in, DenialStyle::kAws);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ecr:PutImage "
            "on resource: arn:aws:ecr:us-east-1:123456789012:repository/team/app with an explicit "
            "deny in a resource-based policy");
}

}  // namespace
}  // namespace surveyor::auth
