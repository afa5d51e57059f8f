#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <thread>

#include "auth/sigv4_test_util.h"
#include "common/digest.h"

namespace surveyor::auth {
namespace {

using testing::LoadCapture;
using testing::LoadSuiteVectors;
using testing::OwnedRequest;

constexpr char kExampleKeyId[] = "AKIDEXAMPLE";
constexpr char kExampleSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

std::string TestData(const std::string& name) {
  return std::string(SURVEYOR_SOURCE_DIR) + "/src/auth/testdata/" + name;
}

TimePoint At(std::string_view amz_date) { return *ParseAmzDate(amz_date); }

// A key store holding AWS's documented example key (the one every capture was signed with).
struct ExampleKeys {
  InMemoryKeyStore store;
  explicit ExampleKeys(std::string secret = kExampleSecret) {
    EXPECT_TRUE(store.Add({{kExampleKeyId, "example-user", TimePoint{}}, std::move(secret)}).ok());
  }
};

// Signature recomputed from the pieces, independent of Verify's control flow.
std::string RecomputeSignature(OwnedRequest& r, std::string_view secret) {
  auto view = r.View();
  auto auth = ParseAuthorizationHeader(*r.FindHeader("authorization"), ErrorProtocol::kAwsJson);
  EXPECT_TRUE(auth.ok()) << auth.status().ToString();
  std::string canonical = CanonicalRequest(view, *auth, Sha256Hex(r.body));
  std::string sts = StringToSign(*r.FindHeader("x-amz-date"), auth->credential_scope, canonical);
  return SignatureHex(DeriveSigningKey(secret, auth->date, auth->region, auth->service), sts);
}

// ---------------------------------------------------------------------------------------------
// AWS's published SigV4 test suite.

TEST(SigV4SuiteTest, AllVectors) {
  auto vectors = LoadSuiteVectors(TestData("aws_sigv4_test_suite.txt"));
  ASSERT_TRUE(vectors.ok()) << vectors.status().ToString();
  ASSERT_EQ(vectors->size(), 25u);
  ExampleKeys keys;
  FakeClock clock(At("20150830T123600Z"));
  SigV4Verifier verifier(keys.store, clock, SigV4Config{});
  const ServiceSpec service{"service", ErrorProtocol::kAwsJson};
  for (auto& v : *vectors) {
    SCOPED_TRACE(v.request.label);
    auto view = v.request.View();
    auto auth = ParseAuthorizationHeader(v.authorization, ErrorProtocol::kAwsJson);
    ASSERT_TRUE(auth.ok()) << auth.status().ToString();
    // The canonical request, checked through its hash in the suite's string to sign.
    std::string canonical = CanonicalRequest(view, *auth, Sha256Hex(v.request.body));
    EXPECT_EQ(Sha256Hex(canonical), v.sts_hash) << canonical;
    EXPECT_EQ(RecomputeSignature(v.request, kExampleSecret), auth->signature);
    auto result = verifier.Verify(v.request.View(), service);
    if (v.expect == "ok") {
      EXPECT_TRUE(result.ok()) << result.status().ToString();
    } else {
      EXPECT_EQ(result.status().domain_code(), v.expect);
    }
  }
}

// The IAM ListUsers example from AWS's SigV4 documentation (also reproduced in SPEC §4).
TEST(SigV4SuiteTest, DocumentedIamExample) {
  auto key = DeriveSigningKey(kExampleSecret, "20150830", "us-east-1", "iam");
  EXPECT_EQ(HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  OwnedRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = "Action=ListUsers&Version=2010-05-08";
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", "20150830T123600Z"},
               {"Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                "SignedHeaders=content-type;host;x-amz-date, "
                "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"}};
  ExampleKeys keys;
  FakeClock clock(At("20150830T123600Z"));
  SigV4Verifier verifier(keys.store, clock, SigV4Config{});
  auto result = verifier.Verify(r.View(), ServiceSpec{"iam", ErrorProtocol::kQuery});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// Real requests from the aws CLI and boto3 (copies in testdata/captures).

struct CaptureFixture {
  OwnedRequest request;
  ExampleKeys keys;
  FakeClock clock;
  SigV4Config config;
  explicit CaptureFixture(const std::string& name) {
    auto r = LoadCapture(TestData("captures/" + name + ".json"));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) request = std::move(*r);
    clock.Set(FromEpochSeconds(request.received_at));
  }
  Result<VerifiedCaller> Verify(ServiceSpec service = kEcrService) {
    SigV4Verifier verifier(keys.store, clock, config);
    return verifier.Verify(request.View(), service);
  }
};

TEST(SigV4CaptureTest, EcrCanonicalRequestMatchesCliDebugOutput) {
  CaptureFixture f("027-v2-debug-ecr-create-repository");
  auto auth =
      ParseAuthorizationHeader(*f.request.FindHeader("authorization"), ErrorProtocol::kAwsJson);
  ASSERT_TRUE(auth.ok());
  // Printed by `aws ecr create-repository --debug` (SPEC §4.2).
  EXPECT_EQ(CanonicalRequest(f.request.View(), *auth, Sha256Hex(f.request.body)),
            "POST\n/\n\n"
            "content-type:application/x-amz-json-1.1\n"
            "host:127.0.0.1:18733\n"
            "x-amz-date:20261201T071249Z\n"
            "x-amz-target:AmazonEC2ContainerRegistry_V20150921.CreateRepository\n\n"
            "content-type;host;x-amz-date;x-amz-target\n"
            "ac34ec83feef70b4c14792f119c29917a0e6ba7d566e8e37aca5424f4369e045");
  auto caller = f.Verify();
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(caller->user_name, "example-user");
  EXPECT_EQ(caller->service, "ecr");
  EXPECT_EQ(caller->region, "us-east-1");
}

TEST(SigV4CaptureTest, Inspector2PathIsEncodedTwice) {
  CaptureFixture f("028-v2-debug-inspector2-tag-resource");
  auto auth =
      ParseAuthorizationHeader(*f.request.FindHeader("authorization"), ErrorProtocol::kRestJson);
  ASSERT_TRUE(auth.ok());
  // Printed by `aws inspector2 tag-resource --debug` (captures/cli/v2-debug-*.stderr).
  EXPECT_EQ(CanonicalRequest(f.request.View(), *auth, Sha256Hex(f.request.body)),
            "POST\n/tags/arn%253Aaws%253Ainspector2%253Aus-east-1%253A123456789012%253Aowner"
            "%252F123456789012%252Ffilter%252Fabc123\n\n"
            "content-type:application/json\nhost:127.0.0.1:18733\nx-amz-date:20261201T071249Z\n\n"
            "content-type;host;x-amz-date\n"
            "02ccf1057354f3e456d592b31a71c5179e74f8f957617365294bf8b0f3c0c562");
  auto caller = f.Verify(kInspector2Service);
  EXPECT_TRUE(caller.ok()) << caller.status().ToString();
}

TEST(SigV4CaptureTest, OtherCapturesVerify) {
  const std::pair<const char*, ServiceSpec> kCases[] = {
      {"029-v2-debug-inspector2-list-tags", kInspector2Service},
      {"030-v2-inspector2-untag-resource", kInspector2Service},  // query tagKeys=k%201&...
      {"086-boto3-1.26.27-sts-get-caller-identity", kStsService},
  };
  for (const auto& [name, service] : kCases) {
    CaptureFixture f(name);
    auto caller = f.Verify(service);
    EXPECT_TRUE(caller.ok()) << name << ": " << caller.status().ToString();
  }
}

TEST(SigV4CaptureTest, SessionTokenRequestIsSignedCorrectlyButRefused) {
  CaptureFixture f("160-v2-session-token");
  // The signature itself is sound (ASIAEXAMPLE with the example secret) ...
  auto auth =
      ParseAuthorizationHeader(*f.request.FindHeader("authorization"), ErrorProtocol::kAwsJson);
  ASSERT_TRUE(auth.ok());
  EXPECT_EQ(testing::OwnedRequest(f.request).label, "v2-session-token");
  EXPECT_EQ(RecomputeSignature(f.request, kExampleSecret), auth->signature);
  // ... but session credentials are not supported, even if the key id were known.
  ASSERT_TRUE(f.keys.store.Add({{"ASIAEXAMPLE", "temp", TimePoint{}}, kExampleSecret}).ok());
  auto caller = f.Verify();
  EXPECT_EQ(caller.status().domain_code(), "UnrecognizedClientException");
  EXPECT_NE(caller.status().message().find("session credentials"), std::string::npos);
}

TEST(SigV4CaptureTest, NoSignRequestIsMissingAuthenticationToken) {
  CaptureFixture f("159-v2-no-sign-request");
  auto caller = f.Verify();
  EXPECT_EQ(caller.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(caller.status().domain_code(), "MissingAuthenticationTokenException");
  EXPECT_EQ(caller.status().message(), "Missing Authentication Token");
  EXPECT_EQ(f.Verify(kStsService).status().domain_code(), "MissingAuthenticationToken");
}

// Every capture in ../shared (151 requests from three client generations).
TEST(SigV4CaptureTest, AllSharedCaptures) {
  const std::filesystem::path dir =
      std::filesystem::path(SURVEYOR_SHARED_DIR) / "docs/aws-api/captures/raw";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "shared captures not present: " << dir;
  int verified = 0, refused_session = 0, unsigned_count = 0, total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++total;
    auto r = LoadCapture(entry.path().string());
    ASSERT_TRUE(r.ok()) << entry.path() << ": " << r.status().ToString();
    ServiceSpec service = kInspector2Service;
    if (r->FindHeader("x-amz-target")) service = kEcrService;
    if (auto* ct = r->FindHeader("content-type");
        ct && ct->rfind("application/x-www-form", 0) == 0) {
      service = kStsService;
    }
    ExampleKeys keys;
    FakeClock clock(FromEpochSeconds(r->received_at));
    SigV4Verifier verifier(keys.store, clock, SigV4Config{});
    auto caller = verifier.Verify(r->View(), service);
    if (caller.ok()) {
      ++verified;
    } else if (caller.status().domain_code() == "UnrecognizedClientException" &&
               r->FindHeader("x-amz-security-token")) {
      ++refused_session;
    } else if (!r->FindHeader("authorization")) {
      ++unsigned_count;
    } else {
      ADD_FAILURE() << entry.path().filename() << ": " << caller.status().ToString();
    }
  }
  // captures/INDEX.md: 149 signed with AKIDEXAMPLE, one with a session token, one unsigned.
  EXPECT_GE(total, 151);
  EXPECT_GE(verified, 149);
  EXPECT_EQ(verified + refused_session + unsigned_count, total);
}

// ---------------------------------------------------------------------------------------------
// Negative cases, each with the exact AWS error name (JSON spelling for ECR).

struct NegativeCase {
  const char* name;
  std::function<void(CaptureFixture&)> mutate;
  ServiceSpec service;
  const char* error;
  const char* message_part;
};

TEST(SigV4NegativeTest, Table) {
  using std::chrono::minutes;
  using std::chrono::seconds;
  auto set_auth = [](const std::string& v) {
    return [v](CaptureFixture& f) { *f.request.FindHeader("authorization") = v; };
  };
  const std::string good_auth = [] {
    CaptureFixture f("027-v2-debug-ecr-create-repository");
    return *f.request.FindHeader("authorization");
  }();
  auto replace_in_auth = [&](std::string from, std::string to) {
    std::string v = good_auth;
    v.replace(v.find(from), from.size(), to);
    return v;
  };
  const NegativeCase kCases[] = {
      {"wrong secret",
       [](CaptureFixture& f) {
         ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok());
         ASSERT_TRUE(f.keys.store
                         .Add({{kExampleKeyId, "u", TimePoint{}},
                               "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ"})
                         .ok());
       },
       kEcrService, "InvalidSignatureException", "does not match the signature you provided"},
      {"clock 16 minutes ahead (request too old)",
       [](CaptureFixture& f) { f.clock.Advance(minutes(16)); }, kEcrService,
       "InvalidSignatureException", "Signature expired: 20261201T071249Z is now earlier than"},
      {"clock 16 minutes behind (request from the future)",
       [](CaptureFixture& f) { f.clock.Advance(-minutes(16)); }, kEcrService,
       "InvalidSignatureException", "Signature not yet current: 20261201T071249Z is still later"},
      {"tampered body", [](CaptureFixture& f) { f.request.body[f.request.body.size() / 2] ^= 1; },
       kEcrService, "InvalidSignatureException", "does not match the signature you provided"},
      {"body longer by one byte", [](CaptureFixture& f) { f.request.body += " "; }, kEcrService,
       "InvalidSignatureException", "does not match"},
      {"tampered signed header (X-Amz-Target)",
       [](CaptureFixture& f) {
         *f.request.FindHeader("x-amz-target") =
             "AmazonEC2ContainerRegistry_V20150921.DeleteRepository";
       },
       kEcrService, "InvalidSignatureException", "does not match"},
      {"tampered host port",
       [](CaptureFixture& f) { *f.request.FindHeader("host") = "127.0.0.1:18734"; }, kEcrService,
       "InvalidSignatureException", "does not match"},
      {"tampered X-Amz-Date within the skew window",
       [](CaptureFixture& f) { *f.request.FindHeader("x-amz-date") = "20261201T071250Z"; },
       kEcrService, "InvalidSignatureException", "does not match"},
      {"signed header removed", [](CaptureFixture& f) { f.request.RemoveHeader("x-amz-target"); },
       kEcrService, "InvalidSignatureException",
       "'x-amz-target' is listed in SignedHeaders but missing"},
      {"tampered path", [](CaptureFixture& f) { f.request.path = "/x"; }, kEcrService,
       "InvalidSignatureException", "does not match"},
      {"added query", [](CaptureFixture& f) { f.request.query = "a=b"; }, kEcrService,
       "InvalidSignatureException", "does not match"},
      {"too many query parameters",
       [](CaptureFixture& f) {
         for (int i = 0; i < 1000; ++i) f.request.query += "a=" + std::to_string(i) + "&";
       },
       kEcrService, "InvalidSignatureException", "more than 1000 parameters"},
      {"method changed", [](CaptureFixture& f) { f.request.method = "PUT"; }, kEcrService,
       "InvalidSignatureException", "does not match"},
      {"signature flipped",
       set_auth(replace_in_auth("Signature=", "Signature=0").substr(0, good_auth.size())),
       kEcrService, "InvalidSignatureException", "does not match"},
      {"missing Authorization", [](CaptureFixture& f) { f.request.RemoveHeader("authorization"); },
       kEcrService, "MissingAuthenticationTokenException", "Missing Authentication Token"},
      {"presigned query instead of a header",
       [](CaptureFixture& f) {
         f.request.RemoveHeader("authorization");
         f.request.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00";
       },
       kEcrService, "IncompleteSignatureException", "presigned URL"},
      {"unknown access key",
       [](CaptureFixture& f) { ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok()); }, kEcrService,
       "UnrecognizedClientException", "The security token included in the request is invalid."},
      {"wrong region in scope", [](CaptureFixture& f) { f.config.region = "eu-west-1"; },
       kEcrService, "InvalidSignatureException",
       "Credential should be scoped to a valid region, not 'us-east-1'"},
      {"wrong service in scope (ECR-signed request sent to Inspector2)", [](CaptureFixture&) {},
       kInspector2Service, "InvalidSignatureException",
       "Credential should be scoped to correct service: 'inspector2'."},
      {"scope date differs from X-Amz-Date", set_auth(replace_in_auth("/20261201/", "/20261130/")),
       kEcrService, "InvalidSignatureException", "Date in Credential scope does not match"},
      {"wrong terminator", set_auth(replace_in_auth("aws4_request", "aws5_request")), kEcrService,
       "InvalidSignatureException", "valid terminator"},
      {"malformed: no Signature", set_auth(good_auth.substr(0, good_auth.find(", Signature="))),
       kEcrService, "IncompleteSignatureException",
       "Authorization header requires 'Signature' parameter."},
      {"malformed: other algorithm",
       set_auth(replace_in_auth("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")), kEcrService,
       "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'"},
      {"malformed: Basic credentials on the API", set_auth("Basic QVdTOnNlY3JldA=="), kEcrService,
       "IncompleteSignatureException", "Unsupported AWS 'algorithm': 'Basic'"},
      {"malformed: credential with four parts", set_auth(replace_in_auth("/us-east-1/", "/")),
       kEcrService, "IncompleteSignatureException", "Credential must have the form"},
      {"malformed: unsorted SignedHeaders",
       set_auth(replace_in_auth("content-type;host", "host;content-type")), kEcrService,
       "IncompleteSignatureException", "sorted"},
      {"malformed: host not signed",
       set_auth(replace_in_auth("content-type;host;", "content-type;")), kEcrService,
       "IncompleteSignatureException", "'Host' must be a 'SignedHeader'"},
      {"malformed: upper-case signature",
       [&](CaptureFixture& f) {
         std::string v = good_auth;
         for (size_t i = v.find("Signature=") + 10; i < v.size(); ++i)
           v[i] = static_cast<char>(std::toupper(v[i]));
         *f.request.FindHeader("authorization") = v;
       },
       kEcrService, "IncompleteSignatureException", "64 lower-case hexadecimal"},
      {"malformed: two Authorization headers",
       [&](CaptureFixture& f) { f.request.headers.emplace_back("authorization", good_auth); },
       kEcrService, "IncompleteSignatureException", "Only one Authorization header"},
      {"missing X-Amz-Date", [](CaptureFixture& f) { f.request.RemoveHeader("x-amz-date"); },
       kEcrService, "IncompleteSignatureException", "'X-Amz-Date'"},
      {"malformed X-Amz-Date",
       [](CaptureFixture& f) { *f.request.FindHeader("x-amz-date") = "2026-12-01T07:12:49Z"; },
       kEcrService, "IncompleteSignatureException", "ISO-8601 'basic format'"},
      {"session token added to a long-term key request",
       [](CaptureFixture& f) { f.request.headers.emplace_back("X-Amz-Security-Token", "abc"); },
       kEcrService, "UnrecognizedClientException", "session credentials"},
      {"x-amz-content-sha256 that does not match the body",
       [](CaptureFixture& f) {
         f.request.headers.emplace_back("x-amz-content-sha256", std::string(64, 'a'));
       },
       kEcrService, "InvalidSignatureException", "x-amz-content-sha256"},
      {"UNSIGNED-PAYLOAD refused",
       [](CaptureFixture& f) {
         f.request.headers.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
       },
       kEcrService, "InvalidSignatureException", "UNSIGNED-PAYLOAD"},
      {"streaming payload refused",
       [](CaptureFixture& f) {
         f.request.headers.emplace_back("x-amz-content-sha256",
                                        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
       },
       kEcrService, "IncompleteSignatureException", "aws-chunked"},
      {"query protocol spelling: wrong secret for STS",
       [](CaptureFixture& f) {
         ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok());
         ASSERT_TRUE(f.keys.store.Add({{kExampleKeyId, "u", TimePoint{}}, "other"}).ok());
       },
       ServiceSpec{"ecr", ErrorProtocol::kQuery}, "SignatureDoesNotMatch", "does not match"},
      {"query protocol spelling: unknown key",
       [](CaptureFixture& f) { ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok()); },
       ServiceSpec{"ecr", ErrorProtocol::kQuery}, "InvalidClientTokenId", "invalid"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    CaptureFixture f("027-v2-debug-ecr-create-repository");
    ASSERT_TRUE(f.Verify().ok()) << "baseline must verify";
    c.mutate(f);
    auto result = f.Verify(c.service);
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kUnauthenticated);
    EXPECT_EQ(result.status().domain_code(), c.error);
    EXPECT_NE(result.status().message().find(c.message_part), std::string::npos)
        << result.status().message();
    // No secret ever appears in an error message.
    EXPECT_EQ(result.status().message().find("EXAMPLEKEY"), std::string::npos);
  }
}

TEST(SigV4NegativeTest, SkewBoundaryIsInclusive) {
  CaptureFixture f("027-v2-debug-ecr-create-repository");
  f.clock.Set(At("20261201T071249Z") + std::chrono::minutes(15));
  EXPECT_TRUE(f.Verify().ok());
  f.clock.Set(At("20261201T071249Z") + std::chrono::minutes(15) + std::chrono::seconds(1));
  EXPECT_EQ(f.Verify().status().domain_code(), "InvalidSignatureException");
  f.clock.Set(At("20261201T071249Z") - std::chrono::minutes(15));
  EXPECT_TRUE(f.Verify().ok());
  f.clock.Set(At("20261201T071249Z") - std::chrono::minutes(15) - std::chrono::seconds(1));
  EXPECT_EQ(f.Verify().status().domain_code(), "InvalidSignatureException");
}

TEST(SigV4NegativeTest, SigningKeyCacheFollowsSecretChanges) {
  CaptureFixture f("027-v2-debug-ecr-create-repository");
  SigV4Verifier verifier(f.keys.store, f.clock, f.config);  // one verifier, one cache
  ASSERT_TRUE(verifier.Verify(f.request.View(), kEcrService).ok());
  ASSERT_TRUE(verifier.Verify(f.request.View(), kEcrService).ok());  // cached path
  ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok());
  ASSERT_TRUE(f.keys.store.Add({{kExampleKeyId, "u", TimePoint{}}, "a-different-secret"}).ok());
  EXPECT_EQ(verifier.Verify(f.request.View(), kEcrService).status().domain_code(),
            "InvalidSignatureException");
  ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok());
  ASSERT_TRUE(f.keys.store.Add({{kExampleKeyId, "u", TimePoint{}}, kExampleSecret}).ok());
  EXPECT_TRUE(verifier.Verify(f.request.View(), kEcrService).ok());
  ASSERT_TRUE(f.keys.store.Delete(kExampleKeyId).ok());
  EXPECT_EQ(verifier.Verify(f.request.View(), kEcrService).status().domain_code(),
            "UnrecognizedClientException");
}

TEST(SigV4NegativeTest, ConcurrentVerificationsShareOneVerifier) {
  CaptureFixture good("027-v2-debug-ecr-create-repository");
  CaptureFixture bad("027-v2-debug-ecr-create-repository");
  bad.request.body += " ";
  SigV4Verifier verifier(good.keys.store, good.clock, good.config);
  const SignedRequest good_view = good.request.View();  // built once: View() is not thread-safe
  const SignedRequest bad_view = bad.request.View();
  std::atomic<int> ok{0}, rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto r = verifier.Verify((i + t) % 2 == 0 ? good_view : bad_view, kEcrService);
        (r.ok() ? ok : rejected)++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 400);
  EXPECT_EQ(rejected.load(), 400);
}

TEST(SigV4NegativeTest, ExpiredMessageHasAwsShape) {
  CaptureFixture f("027-v2-debug-ecr-create-repository");
  f.clock.Set(At("20261201T073000Z"));
  EXPECT_EQ(f.Verify().status().message(),
            "Signature expired: 20261201T071249Z is now earlier than 20261201T071500Z "
            "(20261201T073000Z - 15 min.)");
}

TEST(SigV4NegativeTest, StreamedPayloadHashIsUsed) {
  CaptureFixture f("027-v2-debug-ecr-create-repository");
  std::string hash = Sha256Hex(f.request.body);
  f.request.body.clear();
  SignedRequest view = f.request.View();
  view.payload_sha256_hex = hash;
  SigV4Verifier verifier(f.keys.store, f.clock, f.config);
  EXPECT_TRUE(verifier.Verify(view, kEcrService).ok());
  std::string wrong(64, '0');
  view.payload_sha256_hex = wrong;
  EXPECT_EQ(verifier.Verify(view, kEcrService).status().domain_code(), "InvalidSignatureException");
}

// ---------------------------------------------------------------------------------------------
// Canonicalisation pieces, expected values worked out by hand from SPEC §4.2.

TEST(SigV4CanonicalTest, Uri) {
  const std::tuple<const char*, bool, const char*> kCases[] = {
      {"", false, "/"},
      {"/", false, "/"},
      {"//a/./b/", false, "/a/b/"},
      {"/a/../../b", false, "/b"},
      {"/a%2Fb", false, "/a%252Fb"},
      {"/tags/arn%3Aaws", false, "/tags/arn%253Aaws"},
      {"/k%20v", false, "/k%2520v"},
      {"/a b", false, "/a%20b"},
      {"/~user/x.y-z_", false, "/~user/x.y-z_"},
      {"/a+b=c", false, "/a%2Bb%3Dc"},
      {"/bucket//key/./x", true, "/bucket//key/./x"},
  };
  for (const auto& [in, s3, want] : kCases) {
    EXPECT_EQ(CanonicalUri(in, s3), want) << in;
  }
}

TEST(SigV4CanonicalTest, Query) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", ""},
      {"b=2&a=1", "a=1&b=2"},
      {"tagKeys=k%201&tagKeys=k%2F2&tagKeys=a%3Db", "tagKeys=a%3Db&tagKeys=k%201&tagKeys=k%2F2"},
      {"flag", "flag="},
      {"a=1&&b=", "a=1&b="},
      {"x=a+b", "x=a%2Bb"},
      {"x=%zz", "x=%25zz"},
      {"x=%", "x=%25"},
      {"x=%41", "x=A"},
      {"x=a=b", "x=a%3Db"},
      {"A=1&a=1", "A=1&a=1"},
  };
  for (const auto& [in, want] : kCases) {
    EXPECT_EQ(CanonicalQueryString(in), want) << in;
  }
}

TEST(SigV4CanonicalTest, HeaderValues) {
  const Header headers[] = {{"X-A", "  one   two  "}, {"x-b", "b"}, {"X-A", "\tthree\t four"}};
  bool found = false;
  EXPECT_EQ(CanonicalHeaderValue(headers, "x-a", &found), "one two,three four");
  EXPECT_TRUE(found);
  EXPECT_EQ(CanonicalHeaderValue(headers, "x-c", &found), "");
  EXPECT_FALSE(found);
}

TEST(SigV4CanonicalTest, AmzDate) {
  auto t = ParseAmzDate("20240229T235959Z");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ToEpochSeconds(*t), 1709251199.0);  // date -u -d 2024-02-29T23:59:59Z +%s
  EXPECT_EQ(FormatAmzDate(*t), "20240229T235959Z");
  EXPECT_EQ(FormatAmzDate(FromEpochSeconds(0)), "19700101T000000Z");
  for (const char* bad :
       {"20230229T000000Z", "20241301T000000Z", "20240101T240000Z", "20240101T000060Z",
        "20240101 000000Z", "2024010T000000Z", "20240101T000000z", "20240100T000000Z",
        "+0240101T000000Z", "99991231T235959Z", "19691231T235959Z"}) {
    EXPECT_FALSE(ParseAmzDate(bad).ok()) << bad;
  }
}

TEST(SigV4ParseTest, ParsesLenientWhitespace) {
  // The result points into the header value, which must outlive it.
  const std::string header =
      "  AWS4-HMAC-SHA256   Credential=AKID/20261201/us-east-1/ecr/aws4_request ,SignedHeaders="
      "host;x-amz-date,  Signature=" +
      std::string(64, 'a') + " ";
  auto a = ParseAuthorizationHeader(header, ErrorProtocol::kAwsJson);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->access_key_id, "AKID");
  EXPECT_EQ(a->credential_scope, "20261201/us-east-1/ecr/aws4_request");
  EXPECT_EQ(a->signed_header_names.size(), 2u);
}

TEST(SigV4ParseTest, RejectsMalformed) {
  const std::string sig = "Signature=" + std::string(64, 'a');
  const std::string cred = "Credential=AKID/20261201/us-east-1/ecr/aws4_request";
  const std::string sh = "SignedHeaders=host;x-amz-date";
  const std::string kBad[] = {
      "",
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 " + cred + ", " + sh,
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Extra=1",
      "AWS4-HMAC-SHA256 " + cred + ", " + cred + ", " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ",",
      "AWS4-HMAC-SHA256 " + cred + ",, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/2026120/us-east-1/ecr/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AK/ID/20261201/us-east-1/ecr/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/20261201//ecr/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/20261201/US-EAST-1/ecr/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;host, " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=abc",
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=" + std::string(64, 'g'),
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + std::string(5000, ' ') + "x",
  };
  for (const auto& bad : kBad) {
    auto a = ParseAuthorizationHeader(bad, ErrorProtocol::kRestJson);
    ASSERT_FALSE(a.ok()) << bad;
    EXPECT_EQ(a.status().domain_code(), "IncompleteSignatureException") << bad;
  }
}

}  // namespace
}  // namespace surveyor::auth
