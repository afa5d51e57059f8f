// Request classification, form decoding, and SigV4 verification with each protocol's error shape
// for the EventBridge and SNS routes. Requests are signed here from the SigV4 primitives (SPEC §4)
// with a key the test owns; expected error names are AWS's (auth/errors.h, SPEC §2.6).
#include "api/events/routes.h"

#include <gtest/gtest.h>

#include <cstring>

#include "api/aws/protocol.h"
#include "auth/crypto.h"
#include "auth/key_store.h"
#include "events/rules.h"
#include "events/schema.h"

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


// ---- Signatures

class StringBody final : public http::Body {
 public:
  explicit StringBody(std::string text) : text_(std::move(text)) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min(size, text_.size() - pos_);
    std::memcpy(buffer, text_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  std::optional<uint64_t> content_length() const override { return text_.size(); }
  uint64_t bytes_read() const override { return pos_; }

 private:
  std::string text_;
  size_t pos_ = 0;
};

constexpr char kKeyId[] = "AKIAEVENTSTEST00000A";
constexpr char kSecret[] = "eventsTestSecretKey0000000000000000000000";
constexpr char kAmzDate[] = "20261201T120000Z";

class SignedRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(surveyor::events::Migrate(*db_).ok());
    ASSERT_TRUE(keys_.Add({{kKeyId, "tester", TimePoint{}}, kSecret}).ok());
  }

  // A request to POST / (or GET /?query) with `headers`, signed for `service` with `secret`
  // unless `service` is empty (unsigned).
  http::Request Make(http::Method method, std::vector<std::pair<std::string, std::string>> headers,
                     std::string body, std::string_view service, std::string_view secret = kSecret,
                     std::string_view key_id = kKeyId, std::string query = "") {
    http::Request r;
    r.method = method;
    r.method_name = method == http::Method::kGet ? "GET" : "POST";
    r.path = "/";
    r.query = std::move(query);
    r.headers.Add("Host", "127.0.0.1:5000");
    for (auto& [k, v] : headers) r.headers.Add(k, v);
    bodies_.push_back(std::make_unique<StringBody>(body));
    r.body = bodies_.back().get();
    if (service.empty()) return r;
    r.headers.Add("X-Amz-Date", kAmzDate);
    std::vector<std::string> names = {"host", "x-amz-date"};
    for (auto& [k, v] : headers) {
      std::string lower = k;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      names.push_back(lower);
    }
    std::sort(names.begin(), names.end());
    std::string signed_headers;
    for (const auto& n : names) signed_headers += (signed_headers.empty() ? "" : ";") + n;
    const std::string scope = std::string(kAmzDate, 8) + "/us-east-1/" + std::string(service) +
                              "/aws4_request";
    const std::string prefix = "AWS4-HMAC-SHA256 Credential=" + std::string(key_id) + "/" + scope +
                               ", SignedHeaders=" + signed_headers + ", Signature=";
    const std::string placeholder = prefix + std::string(64, '0');  // `parsed` views into it
    r.headers.Add("Authorization", placeholder);
    std::vector<auth::Header> storage;
    auth::SignedRequest view = aws::ToSignedRequest(r, body, storage);
    auto parsed = auth::ParseAuthorizationHeader(placeholder, auth::ErrorProtocol::kAwsJson);
    EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
    const std::string canonical = auth::CanonicalRequest(view, *parsed, Sha256Hex(body));
    const std::string sts = auth::StringToSign(kAmzDate, parsed->credential_scope, canonical);
    const std::string signature = auth::SignatureHex(
        auth::DeriveSigningKey(secret, std::string_view(kAmzDate, 8), "us-east-1", service), sts);
    r.headers.Set("Authorization", prefix + signature);
    return r;
  }
  http::Request EventBridge(const std::string& op, const std::string& body,
                            std::string_view service, std::string_view secret = kSecret,
                            std::string_view key_id = kKeyId) {
    return Make(http::Method::kPost,
                {{"Content-Type", "application/x-amz-json-1.1"}, {"X-Amz-Target", "AWSEvents." + op}},
                body, service, secret, key_id);
  }
  http::Request Sns(const std::string& form, std::string_view service,
                    std::string_view secret = kSecret, std::string_view key_id = kKeyId) {
    return Make(http::Method::kPost,
                {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}, form,
                service, secret, key_id);
  }
  static std::string Body(const http::Response& r) { return std::get<std::string>(r.body); }
  static std::string Type(const http::Response& r) {
    auto j = ParseJson(Body(r));
    return j.ok() ? j->value("__type", std::string()) : "";
  }

  FakeClock clock_{*auth::ParseAmzDate(kAmzDate)};
  auth::InMemoryKeyStore keys_{clock_};
  auth::SigV4Verifier verifier_{keys_, clock_, {.region = "us-east-1"}};
  std::unique_ptr<store::Database> db_;
  std::vector<std::unique_ptr<StringBody>> bodies_;
};

TEST_F(SignedRoutesTest, EventBridgeRefusesUnsignedAndWronglySignedCallsWithAwsJsonErrors) {
  Context ctx{*db_, {}, nullptr, std::chrono::milliseconds(100), &verifier_};
  const std::string rule = R"({"Name":"r","EventPattern":"{\"source\":[\"aws.ecr\"]}"})";
  struct Row {
    const char* what;
    http::Request request;
    int status;
    const char* type;
  };
  std::vector<Row> rows;
  rows.push_back({"unsigned", EventBridge("PutRule", rule, ""), 400,
                  "MissingAuthenticationTokenException"});
  rows.push_back({"wrong secret", EventBridge("PutRule", rule, "events", "x" + std::string(kSecret)),
                  400, "InvalidSignatureException"});
  rows.push_back({"scope names sns", EventBridge("PutRule", rule, "sns"), 400,
                  "InvalidSignatureException"});
  rows.push_back({"unknown key", EventBridge("PutRule", rule, "events", kSecret,
                                             "AKIAUNKNOWN000000000"),
                  400, "UnrecognizedClientException"});
  for (auto& row : rows) {
    SCOPED_TRACE(row.what);
    http::Response r = HandleEventBridge(row.request, ctx);
    EXPECT_EQ(r.status, row.status) << Body(r);
    EXPECT_EQ(Type(r), row.type) << Body(r);
  }
  EXPECT_TRUE(surveyor::events::ListRules(*db_, "")->empty());  // none of them did anything

  http::Response ok = HandleEventBridge(EventBridge("PutRule", rule, "events"), ctx);
  EXPECT_EQ(ok.status, 200) << Body(ok);
  EXPECT_EQ(surveyor::events::ListRules(*db_, "")->size(), 1u);

  Context unconfigured{*db_, {}, nullptr, std::chrono::milliseconds(100), nullptr};
  EXPECT_EQ(HandleEventBridge(EventBridge("ListRules", "{}", "events"), unconfigured).status, 500);
}

TEST_F(SignedRoutesTest, SnsRefusesUnsignedCallsWithXmlErrorsButConfirmationsNeedOnlyTheToken) {
  Context ctx{*db_, {}, nullptr, std::chrono::milliseconds(100), &verifier_};
  const std::string create = "Action=CreateTopic&Name=alerts&Version=2010-03-31";
  struct Row {
    const char* what;
    http::Request request;
    const char* code;
  };
  std::vector<Row> rows;
  rows.push_back({"unsigned", Sns(create, ""), "MissingAuthenticationToken"});
  rows.push_back({"wrong secret", Sns(create, "sns", "x" + std::string(kSecret)),
                  "SignatureDoesNotMatch"});
  rows.push_back({"scope names events", Sns(create, "events"), "SignatureDoesNotMatch"});
  rows.push_back({"unknown key", Sns(create, "sns", kSecret, "AKIAUNKNOWN000000000"),
                  "InvalidClientTokenId"});
  rows.push_back({"unsigned publish", Sns("Action=Publish&TopicArn=a&Message=m", ""),
                  "MissingAuthenticationToken"});
  rows.push_back({"wrongly signed confirmation",
                  Sns("Action=ConfirmSubscription&TopicArn=a&Token=b", "sns", "x"),
                  "SignatureDoesNotMatch"});
  for (auto& row : rows) {
    SCOPED_TRACE(row.what);
    http::Response r = HandleSns(row.request, ctx);
    EXPECT_EQ(r.status, 403) << Body(r);
    EXPECT_NE(Body(r).find("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                           "<Error><Type>Sender</Type><Code>" +
                           std::string(row.code) + "</Code>"),
              std::string::npos)
        << Body(r);
  }
  http::Response created = HandleSns(Sns(create, "sns"), ctx);
  EXPECT_EQ(created.status, 200) << Body(created);
  EXPECT_NE(Body(created).find("<TopicArn>arn:aws:sns:us-east-1:123456789012:alerts</TopicArn>"),
            std::string::npos);

  // Unsigned confirmations reach the token check (POST and the SubscribeURL's GET).
  const std::string confirm = "Action=ConfirmSubscription&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A"
                              "123456789012%3Aalerts&Token=0000";
  http::Response post = HandleSns(Sns(confirm, ""), ctx);
  EXPECT_EQ(post.status, 400);
  EXPECT_NE(Body(post).find("<Code>InvalidParameter</Code>"), std::string::npos) << Body(post);
  http::Response get = HandleSns(Make(http::Method::kGet, {}, "", "", kSecret, kKeyId, confirm), ctx);
  EXPECT_EQ(get.status, 400);
  EXPECT_NE(Body(get).find("<Code>InvalidParameter</Code>"), std::string::npos) << Body(get);
}

}  // namespace
}  // namespace surveyor::api::events
