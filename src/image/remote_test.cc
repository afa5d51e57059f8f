#include "image/remote.h"

#include <gtest/gtest.h>

#include "image/image.h"

namespace surveyor::image {
namespace {

struct RefCase {
  const char* text;
  const char* registry;  // nullptr: must fail
  const char* repository;
  const char* tag;
  const char* digest;
};

constexpr char kD[] = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(RemoteReferenceTest, Table) {
  const std::string at = std::string("@") + kD;
  const std::string a1 = "127.0.0.1:5000/team/app" + at;
  const std::string a2 = "alpine" + at;
  const std::string bad = "host.io/app:v1" + at;
  const RefCase cases[] = {
      {"127.0.0.1:5000/app:v1", "127.0.0.1:5000", "app", "v1", ""},
      {"127.0.0.1:5000/app", "127.0.0.1:5000", "app", "latest", ""},
      {a1.c_str(), "127.0.0.1:5000", "team/app", "", kD},
      {"localhost/x/y/z:1.0-rc_1", "localhost", "x/y/z", "1.0-rc_1", ""},
      {"Quay.IO/org/tool:3", "quay.io", "org/tool", "3", ""},
      {"alpine:3.19", "registry-1.docker.io", "library/alpine", "3.19", ""},
      {"bitnami/redis", "registry-1.docker.io", "bitnami/redis", "latest", ""},
      {a2.c_str(), "registry-1.docker.io", "library/alpine", "", kD},
      {"//host.io/app:v1", "host.io", "app", "v1", ""},
      {"", nullptr, "", "", ""},
      {"host.io/", nullptr, "", "", ""},
      {"host.io/App:v1", nullptr, "", "", ""},          // upper case repository
      {"host.io/app:", nullptr, "", "", ""},            // empty tag
      {"host.io/app:-x", nullptr, "", "", ""},          // tag starting with '-'
      {"host.io/app:v/1", nullptr, "", "", ""},         // '/' after the last ':' is not a tag
      {"host.io/app@sha256:123", nullptr, "", "", ""},  // short digest
      {bad.c_str(), nullptr, "", "", ""},               // tag and digest
      {"host.io//app", nullptr, "", "", ""},
      {"host.io/-app", nullptr, "", "", ""},
  };
  for (const auto& c : cases) {
    auto r = ParseRemoteReference(c.text);
    if (!c.registry) {
      EXPECT_FALSE(r.ok()) << c.text;
      continue;
    }
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(r->registry, c.registry) << c.text;
    EXPECT_EQ(r->repository, c.repository) << c.text;
    EXPECT_EQ(r->tag, c.tag) << c.text;
    EXPECT_EQ(r->digest, c.digest) << c.text;
  }
}

TEST(WwwAuthenticateTest, DistributionBearer) {
  auto r = ParseWwwAuthenticate(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:samalba/my-app:pull,push")");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].scheme, "bearer");
  EXPECT_EQ((*r)[0].params.at("realm"), "https://auth.example/token");
  EXPECT_EQ((*r)[0].params.at("service"), "registry.example");
  EXPECT_EQ((*r)[0].params.at("scope"), "repository:samalba/my-app:pull,push");  // ',' inside quotes
}

TEST(WwwAuthenticateTest, SeveralChallengesAndSpacing) {
  auto r = ParseWwwAuthenticate(
      "Basic realm=\"ecr\" , service=\"ecr.amazonaws.com\",  BEARER Realm = http://h:1/t ,scope=\"a\\\"b\"");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].scheme, "basic");
  EXPECT_EQ((*r)[0].params.at("realm"), "ecr");
  EXPECT_EQ((*r)[0].params.at("service"), "ecr.amazonaws.com");
  EXPECT_EQ((*r)[1].scheme, "bearer");
  EXPECT_EQ((*r)[1].params.at("realm"), "http://h:1/t");  // unquoted URL accepted
  EXPECT_EQ((*r)[1].params.at("scope"), "a\"b");          // backslash escape
}

TEST(WwwAuthenticateTest, SchemeWithoutParameters) {
  auto r = ParseWwwAuthenticate("Negotiate, Basic");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].scheme, "negotiate");
  EXPECT_TRUE((*r)[0].params.empty());
  EXPECT_EQ((*r)[1].scheme, "basic");
}

TEST(WwwAuthenticateTest, Malformed) {
  const char* bad[] = {
      "",
      "   ",
      "Bearer realm=\"unterminated",
      "Bearer realm=\"a\" service=\"b\"",  // missing comma
      "\"quoted\"",
      "Bearer @x=1",
  };
  for (const char* b : bad) EXPECT_FALSE(ParseWwwAuthenticate(b).ok()) << b;
  std::string huge = "Bearer realm=\"" + std::string(5000, 'a') + "\"";
  EXPECT_FALSE(ParseWwwAuthenticate(huge).ok());
  std::string many = "Bearer ";
  for (int i = 0; i < 40; ++i) many += "p" + std::to_string(i) + "=v,";
  EXPECT_FALSE(ParseWwwAuthenticate(many).ok());
}

TEST(AuthFileTest, LooksUpByHost) {
  // base64("alice:s3cr:et") = YWxpY2U6czNjcjpldA== ; base64("bob:pw") = Ym9iOnB3
  const char* doc = R"({"auths": {
      "https://index.docker.io/v1/": {"auth": "Ym9iOnB3"},
      "127.0.0.1:5000": {"auth": "YWxpY2U6czNjcjpldA=="},
      "helper.example": {"auth": ""}},
    "credsStore": "desktop"})";
  auto a = CredentialsFromAuthFile(doc, "127.0.0.1:5000");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->username, "alice");
  EXPECT_EQ((*a)->password, "s3cr:et");  // only the first ':' splits
  auto hub = CredentialsFromAuthFile(doc, "registry-1.docker.io");
  ASSERT_TRUE(hub.ok());
  ASSERT_TRUE(hub->has_value());
  EXPECT_EQ((*hub)->username, "bob");
  EXPECT_EQ((*hub)->password, "pw");
  auto none = CredentialsFromAuthFile(doc, "other.example");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto helper = CredentialsFromAuthFile(doc, "helper.example");
  ASSERT_TRUE(helper.ok());
  EXPECT_FALSE(helper->has_value());
  EXPECT_FALSE(CredentialsFromAuthFile("[1]", "h").ok());
  EXPECT_FALSE(CredentialsFromAuthFile(R"({"auths":{"h":{"auth":"!!!!"}}})", "h").ok());
  EXPECT_FALSE(CredentialsFromAuthFile(R"({"auths":{"h":{"auth":"bm9jb2xvbg=="}}})", "h").ok());  // "nocolon"
}

TEST(AuthFileTest, ExplicitCredentialsWin) {
  RemoteOptions o;
  o.username = "AWS";
  o.password = "tok";
  o.auth_file = "/nonexistent/auth.json";
  auto c = ResolveCredentials(o, "h");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->username, "AWS");
  o.username.clear();
  EXPECT_EQ(ResolveCredentials(o, "h").status().code(), StatusCode::kNotFound);
}

TEST(RemoteOpenTest, UnreachableRegistryIsUnavailable) {
  OpenOptions o;
  o.remote.insecure = true;
  o.remote.connect_timeout_s = 2;
  // Port 1 on loopback: nothing listens there.
  auto r = OpenImage("docker://127.0.0.1:1/app:v1", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable) << r.status().ToString();
}

}  // namespace
}  // namespace surveyor::image
