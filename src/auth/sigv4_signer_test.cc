#include "auth/sigv4_signer.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/sigv4.h"
#include "auth/sigv4_test_util.h"

namespace surveyor::auth {
namespace {

constexpr char kExampleKeyId[] = "AKIDEXAMPLE";
constexpr char kExampleSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The oracle is botocore: every captured request was signed by the aws CLI or boto3 with AWS's
// example key. Re-signing the same method, path, query, body and signed headers at the same time
// must give exactly the Authorization header the client sent.
TEST(SigV4SignerTest, ReproducesCapturedSignatures) {
  const std::string dir = std::string(SURVEYOR_SHARED_DIR) + "/docs/aws-api/captures/raw";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not present";
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    auto capture = testing::LoadCapture(entry.path().string());
    ASSERT_TRUE(capture.ok()) << entry.path() << ": " << capture.status().ToString();
    const std::string* authorization = capture->FindHeader("authorization");
    const std::string* amz_date = capture->FindHeader("x-amz-date");
    if (!authorization || !amz_date) continue;  // unsigned requests
    auto parsed = ParseAuthorizationHeader(*authorization, ErrorProtocol::kAwsJson);
    ASSERT_TRUE(parsed.ok()) << entry.path();
    if (parsed->access_key_id != kExampleKeyId) continue;  // the session-token capture: other key
    SCOPED_TRACE(entry.path().filename().string());
    RequestToSign r;
    r.method = capture->method;
    r.path = capture->path;
    r.query = capture->query;
    r.body = capture->body;
    SigningCredentials creds{kExampleKeyId, kExampleSecret, ""};
    for (const auto& [n, v] : capture->headers) {
      const std::string lower = Lower(n);
      bool is_signed = false;
      for (auto s : parsed->signed_header_names) is_signed = is_signed || s == lower;
      if (lower == "x-amz-security-token") creds.session_token = v;
      if (is_signed && lower != "x-amz-date" && lower != "x-amz-security-token") r.headers.emplace_back(n, v);
    }
    auto when = ParseAmzDate(*amz_date);
    ASSERT_TRUE(when.ok());
    ASSERT_TRUE(SignRequest(r, creds, parsed->region, parsed->service, *when).ok());
    std::string got;
    for (const auto& [n, v] : r.headers)
      if (n == "Authorization") got = v;
    EXPECT_EQ(got, *authorization);
    ++checked;
  }
  EXPECT_GT(checked, 100);  // SPEC §4: 149 captured requests are signed with AKIDEXAMPLE
}

TEST(SigV4SignerTest, VerifierAcceptsWhatItSigns) {
  InMemoryKeyStore keys;
  ASSERT_TRUE(keys.Add({{kExampleKeyId, "u", TimePoint{}}, kExampleSecret}).ok());
  const TimePoint now = *ParseAmzDate("20261201T100000Z");
  FakeClock clock(now);
  SigV4Verifier verifier(keys, clock, SigV4Config{});
  RequestToSign r{"POST", "/findings/list", "", {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}},
                  R"({"maxResults":5})"};
  ASSERT_TRUE(SignRequest(r, {kExampleKeyId, kExampleSecret, ""}, "us-east-1", "inspector2", now).ok());
  std::vector<Header> views;
  for (const auto& [n, v] : r.headers) views.push_back(Header{n, v});
  SignedRequest view{r.method, r.path, r.query, views, r.body, ""};
  EXPECT_TRUE(verifier.Verify(view, kInspector2Service).ok());
  // Signing twice replaces the old signature instead of adding a second one.
  ASSERT_TRUE(SignRequest(r, {kExampleKeyId, kExampleSecret, ""}, "us-east-1", "inspector2", now).ok());
  int authorizations = 0;
  for (const auto& [n, v] : r.headers) authorizations += n == "Authorization";
  EXPECT_EQ(authorizations, 1);
  // A changed body no longer verifies.
  std::string tampered = r.body + " ";
  views.clear();
  for (const auto& [n, v] : r.headers) views.push_back(Header{n, v});
  SignedRequest bad{r.method, r.path, r.query, views, tampered, ""};
  EXPECT_FALSE(verifier.Verify(bad, kInspector2Service).ok());
}

TEST(SigV4SignerTest, RefusesIncompleteInput) {
  RequestToSign r{"POST", "/", "", {}, "{}"};
  EXPECT_FALSE(SignRequest(r, {"AKID", "secret", ""}, "us-east-1", "ecr", TimePoint{}).ok());  // no host
  r.headers.emplace_back("host", "h");
  EXPECT_FALSE(SignRequest(r, {"", "secret", ""}, "us-east-1", "ecr", TimePoint{}).ok());
  EXPECT_TRUE(SignRequest(r, {"AKID", "secret", "tok"}, "us-east-1", "ecr", TimePoint{}).ok());
  bool token = false;
  for (const auto& [n, v] : r.headers) token = token || (n == "X-Amz-Security-Token" && v == "tok");
  EXPECT_TRUE(token);
}

}  // namespace
}  // namespace surveyor::auth
