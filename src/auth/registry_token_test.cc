#include "auth/registry_token.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <regex>

#include "auth/crypto.h"

namespace surveyor::auth {
namespace {

constexpr char kSigningKey[] = "0123456789abcdef0123456789abcdef";

struct Fixture {
  FakeClock clock{FromEpochSeconds(1764579600)};  // 2025-12-01T09:00:00Z
  InMemoryKeyStore keys{clock};
  std::string key_id;
  RegistryTokens tokens{kSigningKey, keys, clock};
  Fixture() {
    auto k = keys.Create("alice");
    EXPECT_TRUE(k.ok());
    key_id = k->info.access_key_id;
  }
};

TEST(RegistryTokenTest, IssuedTokenHasTheShapeTheCliNeeds) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  auto decoded = Base64Decode(t->authorization_token);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "AWS:" + t->password);
  // get-login-password does `_, password = decoded.split(':')`: exactly one colon.
  EXPECT_EQ(std::count(decoded->begin(), decoded->end(), ':'), 1);
  // ECR's model pattern for authorizationToken is ^\S+$.
  EXPECT_TRUE(std::regex_match(t->authorization_token, std::regex("\\S+")));
  EXPECT_TRUE(std::regex_match(
      t->password, std::regex("v1\\.AKIA[A-Z2-7]{16}\\.[0-9]+\\.[0-9a-f]{16}\\.[0-9a-f]{64}")))
      << t->password;
  EXPECT_EQ(ToEpochSeconds(t->expires_at), 1764579600.0 + 12 * 3600);
  // Two tokens for the same key differ (random nonce).
  EXPECT_NE(f.tokens.Issue(f.key_id)->password, t->password);
}

TEST(RegistryTokenTest, VerifiesUntilTwelveHoursHavePassed) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  ASSERT_TRUE(t.ok());
  auto claims = f.tokens.VerifyBasicAuthorization("Basic " + t->authorization_token);
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->access_key_id, f.key_id);
  EXPECT_EQ(claims->user_name, "alice");
  f.clock.Advance(std::chrono::hours(12) - std::chrono::seconds(1));
  EXPECT_TRUE(f.tokens.VerifyPassword(t->password).ok());
  f.clock.Advance(std::chrono::seconds(1));
  auto expired = f.tokens.VerifyPassword(t->password);
  EXPECT_EQ(expired.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(expired.status().domain_code(), "UNAUTHORIZED");
  EXPECT_EQ(expired.status().message(),
            "Your authorization token has expired. Reauthenticate and try again.");
}

TEST(RegistryTokenTest, RejectionTable) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  ASSERT_TRUE(t.ok());
  const std::string pw = t->password;
  auto flip_at = [&](size_t pos) {
    std::string s = pw;
    s[pos] = s[pos] == '0' ? '1' : '0';
    return s;
  };
  const size_t expiry_pos = pw.find('.', 3) + 1;
  struct Case {
    const char* name;
    std::string header;
    const char* message;
  };
  const Case kCases[] = {
      {"tampered MAC", "Basic " + Base64Encode("AWS:" + flip_at(pw.size() - 1)), "Not Authorized"},
      {"tampered expiry", "Basic " + Base64Encode("AWS:" + flip_at(expiry_pos + 3)),
       "Not Authorized"},
      {"tampered nonce", "Basic " + Base64Encode("AWS:" + flip_at(pw.size() - 66)),
       "Not Authorized"},
      {"other user name", "Basic " + Base64Encode("bob:" + pw), "Not Authorized"},
      {"no colon", "Basic " + Base64Encode(pw), "Not Authorized"},
      {"bearer scheme", "Bearer " + t->authorization_token, "Not Authorized"},
      {"bad base64", "Basic %%%%", "Not Authorized"},
      {"empty", "", "Not Authorized"},
      {"only scheme", "Basic", "Not Authorized"},
      {"truncated password", "Basic " + Base64Encode("AWS:" + pw.substr(0, pw.size() - 1)),
       "Not Authorized"},
      {"extra part", "Basic " + Base64Encode("AWS:" + pw + ".x"), "Not Authorized"},
      {"other version", "Basic " + Base64Encode("AWS:v2" + pw.substr(2)), "Not Authorized"},
      {"huge", "Basic " + Base64Encode("AWS:" + std::string(4000, 'a')), "Not Authorized"},
  };
  for (const auto& c : kCases) {
    auto r = f.tokens.VerifyBasicAuthorization(c.header);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), StatusCode::kUnauthenticated) << c.name;
    EXPECT_EQ(r.status().domain_code(), "UNAUTHORIZED") << c.name;
    EXPECT_EQ(r.status().message(), c.message) << c.name;
  }
  // The scheme is case-insensitive and surrounding blanks are tolerated.
  EXPECT_TRUE(f.tokens.VerifyBasicAuthorization("  basic " + t->authorization_token + " ").ok());
}

TEST(RegistryTokenTest, OtherSigningKeyRejects) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  RegistryTokens other("fedcba9876543210fedcba9876543210", f.keys, f.clock);
  EXPECT_EQ(other.VerifyPassword(t->password).status().message(), "Not Authorized");
}

TEST(RegistryTokenTest, DeletingTheKeyRevokesItsTokens) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  ASSERT_TRUE(f.keys.Delete(f.key_id).ok());
  auto r = f.tokens.VerifyPassword(t->password);
  EXPECT_EQ(r.status().domain_code(), "UNAUTHORIZED");
  EXPECT_NE(r.status().message().find("no longer exists"), std::string::npos);
}

TEST(RegistryTokenTest, LifetimeLongerThanConfiguredIsRefused) {
  Fixture f;
  RegistryTokens long_lived(kSigningKey, f.keys, f.clock, std::chrono::hours(48));
  auto t = long_lived.Issue(f.key_id);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(long_lived.VerifyPassword(t->password).ok());
  EXPECT_EQ(f.tokens.VerifyPassword(t->password).status().message(), "Not Authorized");
}

TEST(RegistryTokenTest, Challenge) {
  EXPECT_EQ(RegistryBasicChallenge("http://127.0.0.1:5000/"),
            "Basic realm=\"http://127.0.0.1:5000/\",service=\"ecr.amazonaws.com\"");
}

}  // namespace
}  // namespace surveyor::auth

namespace surveyor::auth {
namespace {

// The installed aws CLIs' own get-login-password code decodes our token (v2: Debian's
// /usr/bin/python3; v1: whatever `python3` is first on PATH). Skips when neither has awscli.
TEST(RegistryTokenTest, RealAwsCliPrintsThePassword) {
  Fixture f;
  auto t = f.tokens.Issue(f.key_id);
  ASSERT_TRUE(t.ok());
  const std::string script =
      std::string(SURVEYOR_SOURCE_DIR) + "/src/auth/testdata/awscli_login_password.py";
  int ran = 0;
  for (const char* python : {"/usr/bin/python3", "python3"}) {
    const std::string cmd = std::string(python) + " " + script + " " + t->authorization_token;
    FILE* p = ::popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    std::string out;
    char buf[512];
    while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int rc = ::pclose(p);
    if (!WIFEXITED(rc) || WEXITSTATUS(rc) == 77 || WEXITSTATUS(rc) == 127) continue;
    ++ran;
    EXPECT_EQ(WEXITSTATUS(rc), 0) << python;
    EXPECT_EQ(out, t->password + "\n") << python;
  }
  if (ran == 0) GTEST_SKIP() << "no awscli importable";
}

}  // namespace
}  // namespace surveyor::auth
