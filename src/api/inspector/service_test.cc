// InspectorService::Handle on SigV4-signed requests over a small findings store made with
// findings::Reconcile. Expected values are worked out by hand from the facts below.
#include "api/inspector/service.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "auth/key_store.h"
#include "findings/store.h"
#include "registry/schema.h"
#include "scan/service.h"

namespace surveyor::api::inspector {
namespace {

constexpr char kKeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

class MemoryBody final : public http::Body {
 public:
  explicit MemoryBody(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min(size, data_.size() - pos_);
    std::copy_n(data_.data() + pos_, n, buffer);
    pos_ += n;
    return n;
  }
  std::optional<uint64_t> content_length() const override { return data_.size(); }
  uint64_t bytes_read() const override { return pos_; }

 private:
  std::string data_;
  size_t pos_ = 0;
};

findings::FindingFacts Facts(const std::string& id, const std::string& package,
                             const std::string& severity, double score) {
  findings::FindingFacts f;
  f.key = id + "|npm|" + package;
  f.vulnerability_id = id;
  f.title = id + " - " + package;
  f.severity = severity;
  f.inspector_score = score;
  f.fix_available = "YES";
  f.exploit_available = "NO";
  f.package_manager = "NODEPKG";
  f.package_name = package;
  f.fingerprint = id + package;
  f.detail = {{"description", package + " is vulnerable"},
              {"remediation", {{"recommendation", {{"text", "Upgrade " + package}}}}},
              {"packageVulnerabilityDetails",
               {{"vulnerabilityId", id},
                {"source", "NVD"},
                {"referenceUrls", Json::array({"https://example.invalid/" + id})},
                {"vulnerablePackages",
                 Json::array({{{"name", package}, {"version", "1.0.0"},
                               {"packageManager", "NODEPKG"},
                               {"sourceLayerHash", "sha256:" + std::string(64, 'a')}}})}}}};
  return f;
}

class InspectorServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("inspector-service-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = store::Database::Open((dir_ / "metadata.db").string());
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    ASSERT_TRUE(findings::Migrate(*db_).ok());
    ASSERT_TRUE(scan::Migrate(*db_).ok());
    ASSERT_TRUE(keys_.Add({{kKeyId, "test", SystemClock::Default().Now()}, kSecret}).ok());
    verifier_ = std::make_unique<auth::SigV4Verifier>(keys_, SystemClock::Default(),
                                                      auth::SigV4Config{.region = "us-east-1"});
    service_ = std::make_unique<InspectorService>(
        InspectorDeps{*db_, *verifier_, SystemClock::Default(), aws::AwsContext{}, nullptr,
                      (dir_ / "exports").string()});
    // app: CRITICAL 9.8, HIGH 7.5, MEDIUM 5.0; lib: CRITICAL 9.1, LOW 2.0.
    Add("app", {Facts("CVE-1", "minimist", "CRITICAL", 9.8), Facts("CVE-2", "lodash", "HIGH", 7.5),
                Facts("CVE-3", "ms", "MEDIUM", 5.0)});
    Add("lib", {Facts("CVE-1", "minimist", "CRITICAL", 9.1), Facts("CVE-4", "qs", "LOW", 2.0)});
  }
  void TearDown() override {
    service_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Add(const std::string& repo, const std::vector<findings::FindingFacts>& facts) {
    findings::ImageContext image;
    image.repository = repo;
    image.digest = "sha256:" + std::string(64, repo == "app" ? '1' : '2');
    image.tags = {"v1"};
    ASSERT_TRUE(findings::Reconcile(*db_, image, facts, SystemClock::Default().Now()).ok());
  }

  // POST `path` signed like the aws CLI; returns (status, error type header, body).
  std::tuple<int, std::string, Json> Call(const std::string& path, const Json& input,
                                          const std::string& secret = kSecret) {
    const std::string body = DumpJson(input);
    http::Request r;
    r.method = http::Method::kPost;
    r.method_name = "POST";
    r.path = r.target = path;
    const std::string date = auth::FormatAmzDate(SystemClock::Default().Now());
    r.headers.Add("Content-Type", "application/json");
    r.headers.Add("Host", "127.0.0.1:5000");
    r.headers.Add("X-Amz-Date", date);
    const std::string scope = date.substr(0, 8) + "/us-east-1/inspector2/aws4_request";
    std::string header = std::string("AWS4-HMAC-SHA256 Credential=") + kKeyId + "/" + scope +
                         ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                         std::string(64, '0');
    auto parsed = auth::ParseAuthorizationHeader(header, auth::ErrorProtocol::kRestJson);
    std::vector<auth::Header> views;
    for (const auto& [n, v] : r.headers.entries()) views.push_back({n, v});
    auth::SignedRequest sr;
    sr.method = "POST";
    sr.raw_path = path;
    sr.headers = views;
    sr.body = body;
    const std::string to_sign = auth::StringToSign(
        date, scope, auth::CanonicalRequest(sr, *parsed, ComputeDigest(body).hex()));
    header.replace(header.size() - 64, 64,
                   auth::SignatureHex(auth::DeriveSigningKey(secret, date.substr(0, 8),
                                                             "us-east-1", "inspector2"),
                                      to_sign));
    r.headers.Add("Authorization", header);
    MemoryBody b(body);
    r.body = &b;
    http::Response resp = service_->Handle(r);
    auto out = ParseJson(std::get<std::string>(resp.body));
    return {resp.status, std::string(resp.headers.Get("x-amzn-ErrorType").value_or("")),
            out.ok() ? *out : Json()};
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::InMemoryKeyStore keys_;
  std::unique_ptr<auth::SigV4Verifier> verifier_;
  std::unique_ptr<InspectorService> service_;
};

std::vector<std::string> Ids(const Json& findings) {
  std::vector<std::string> out;
  for (const Json& f : findings) {
    out.push_back(f["resources"][0]["details"]["awsEcrContainerImage"]["repositoryName"]
                      .get<std::string>() + ":" + f["packageVulnerabilityDetails"]["vulnerabilityId"]
                      .get<std::string>());
  }
  return out;
}

TEST_F(InspectorServiceTest, ListFindingsSortsFiltersAndReplaysTokens) {
  Json in{{"sortCriteria", {{"field", "INSPECTOR_SCORE"}, {"sortOrder", "DESC"}}}, {"maxResults", 2}};
  auto [status, type, page1] = Call("/findings/list", in);
  ASSERT_EQ(status, 200) << page1;
  EXPECT_EQ(Ids(page1["findings"]), (std::vector<std::string>{"app:CVE-1", "lib:CVE-1"}));
  ASSERT_TRUE(page1.contains("nextToken"));
  in["nextToken"] = page1["nextToken"];
  auto [s2, t2, page2] = Call("/findings/list", in);
  auto [s3, t3, again] = Call("/findings/list", in);
  EXPECT_EQ(Ids(page2["findings"]), (std::vector<std::string>{"app:CVE-2", "app:CVE-3"}));
  EXPECT_EQ(page2, again);  // the same token, the same page
  in["nextToken"] = page2["nextToken"];
  auto [s4, t4, page3] = Call("/findings/list", in);
  EXPECT_EQ(Ids(page3["findings"]), (std::vector<std::string>{"lib:CVE-4"}));
  EXPECT_FALSE(page3.contains("nextToken"));

  auto [s5, t5, lib] = Call("/findings/list", {{"filterCriteria", {{"ecrImageRepositoryName",
      {{{"comparison", "EQUALS"}, {"value", "lib"}}}}}}});
  EXPECT_EQ(Ids(lib["findings"]), (std::vector<std::string>{"lib:CVE-1", "lib:CVE-4"}));
}

TEST_F(InspectorServiceTest, ErrorsAreRestJsonAndNameTheField) {
  auto [status, type, body] = Call("/findings/list", {{"maxResults", 0}});
  EXPECT_EQ(status, 400);
  EXPECT_EQ(type, "ValidationException");
  EXPECT_EQ(body["fields"][0]["name"], "maxResults");
  std::tie(status, type, body) = Call("/findings/list", {{"sortCriteria", {{"field", "COLOUR"}, {"sortOrder", "ASC"}}}});
  EXPECT_EQ(type, "ValidationException");
  EXPECT_EQ(body["fields"][0]["name"], "sortCriteria.field");
  std::tie(status, type, body) = Call("/findings/list", Json::object(), std::string(40, 'x'));
  EXPECT_EQ(status, 403);
  EXPECT_EQ(type, "InvalidSignatureException");
  std::tie(status, type, body) = Call("/reporting/status/get", {{"reportId", "0f8fad5b-d9cb-469f-a165-70867728950e"}});
  EXPECT_EQ(status, 404);
  EXPECT_EQ(type, "ResourceNotFoundException");
}

TEST_F(InspectorServiceTest, Aggregations) {
  auto [status, type, out] = Call("/findings/aggregation/list", {{"aggregationType", "REPOSITORY"}});
  ASSERT_EQ(status, 200) << out;
  ASSERT_EQ(out["responses"].size(), 2u);
  // app: 3 findings, 1 critical, 1 high, 1 medium; lib: 2, 1 critical. High breaks the tie.
  EXPECT_EQ(out["responses"][0]["repositoryAggregation"],
            (Json{{"repository", "app"}, {"accountId", "123456789012"}, {"affectedImages", 1},
                  {"severityCounts", {{"all", 3}, {"critical", 1}, {"high", 1}, {"medium", 1}}}}));
  EXPECT_EQ(out["responses"][1]["repositoryAggregation"]["repository"], "lib");
  std::tie(status, type, out) = Call("/findings/aggregation/list",
      {{"aggregationType", "PACKAGE"},
       {"aggregationRequest", {{"packageAggregation", {{"sortBy", "ALL"}, {"sortOrder", "ASC"}}}}},
       {"maxResults", 1}});
  ASSERT_EQ(status, 200) << out;
  // ALL ascending, ties in the store's order (critical, high, medium first): lodash, ms, qs
  // (1 each), minimist (2).
  EXPECT_EQ(out["responses"][0]["packageAggregation"]["packageName"], "lodash");
  ASSERT_TRUE(out.contains("nextToken"));
  std::tie(status, type, out) = Call("/findings/aggregation/list",
      {{"aggregationType", "AWS_ECR_CONTAINER"},
       {"aggregationRequest", {{"awsEcrContainerAggregation",
                                {{"repositories", {{{"comparison", "EQUALS"}, {"value", "lib"}}}}}}}}});
  ASSERT_EQ(out["responses"].size(), 1u);
  EXPECT_EQ(out["responses"][0]["awsEcrContainerAggregation"]["resourceId"],
            "arn:aws:ecr:us-east-1:123456789012:repository/lib/sha256:" + std::string(64, '2'));
}

TEST_F(InspectorServiceTest, FindingsReportIsWrittenAndCancelledOnesAreNot) {
  auto [status, type, out] = Call("/reporting/create",
      {{"reportFormat", "JSON"},
       {"s3Destination", {{"bucketName", "reports"}, {"keyPrefix", "daily"}, {"kmsKeyArn", "k"}}},
       {"filterCriteria", {{"severity", {{{"comparison", "EQUALS"}, {"value", "CRITICAL"}}}}}}});
  ASSERT_EQ(status, 200) << out;
  const std::string id = out["reportId"];
  service_->WaitForExportsForTest();
  std::tie(status, type, out) = Call("/reporting/status/get", {{"reportId", id}});
  EXPECT_EQ(out["status"], "SUCCEEDED") << out;
  auto text = PosixFileSystem::Default().ReadFile(
      (dir_ / "exports" / "reports" / "daily" / (id + ".json")).string(), 1 << 20);
  ASSERT_TRUE(text.ok());
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok());
  auto ids = Ids((*doc)["findings"]);  // severity order; ties by ARN, a hash: compare as a set
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"app:CVE-1", "lib:CVE-1"}));
  // No reportId: the latest report.
  std::tie(status, type, out) = Call("/reporting/status/get", Json::object());
  EXPECT_EQ(out["reportId"], id);
  std::tie(status, type, out) = Call("/reporting/cancel", {{"reportId", id}});
  EXPECT_EQ(type, "ValidationException");  // already SUCCEEDED
  std::tie(status, type, out) = Call("/reporting/create",
      {{"reportFormat", "XML"}, {"s3Destination", {{"bucketName", "reports"}, {"kmsKeyArn", "k"}}}});
  EXPECT_EQ(out["fields"][0]["name"], "reportFormat");
}

TEST_F(InspectorServiceTest, CoverageWithoutScannerIsInactive) {
  auto [status, type, out] = Call("/coverage/list", Json::object());
  ASSERT_EQ(status, 200) << out;
  EXPECT_EQ(out["coveredResources"], Json::array());  // no repositories in the registry tables
  std::tie(status, type, out) = Call("/coverage/statistics/list", {{"groupBy", "RESOURCE_TYPE"}});
  EXPECT_EQ(out["totalCounts"], 0);
}

TEST_F(InspectorServiceTest, FindingDetails) {
  auto [s, t, all] = Call("/findings/list", {{"filterCriteria", {{"vulnerabilityId",
      {{{"comparison", "EQUALS"}, {"value", "CVE-2"}}}}}}});
  const std::string arn = all["findings"][0]["findingArn"];
  const std::string unknown = "arn:aws:inspector2:us-east-1:123456789012:finding/" + std::string(32, 'f');
  auto [status, type, out] = Call("/findings/details/batch/get", {{"findingArns", {arn, unknown}}});
  ASSERT_EQ(status, 200) << out;
  EXPECT_EQ(out["findingDetails"][0]["findingArn"], arn);
  EXPECT_EQ(out["findingDetails"][0]["referenceUrls"], Json::array({"https://example.invalid/CVE-2"}));
  EXPECT_EQ(out["errors"][0]["errorCode"], "FINDING_DETAILS_NOT_FOUND");
  std::tie(status, type, out) = Call("/findings/details/batch/get", {{"findingArns", {"arn:x"}}});
  EXPECT_EQ(out["fields"][0]["name"], "findingArns.1.member");
}

}  // namespace
}  // namespace surveyor::api::inspector
