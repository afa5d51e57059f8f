// ListFindings through the Inspector2 HTTP handler (issue 7: 20 results with filters over
// 1,000,000 findings, p99 under 50 ms server-side):
//   bench_inspector_http [N] [DB_PATH] [RUNS]
// Loads N findings (default 1,000,000) in the Inspector wire shape (findings::FindingJson, about
// 1.9 KB each; BENCH_REUSE_DB=1 keeps a loaded file) into a real SQLite file, then times InspectorService::Handle on SigV4-signed
// POST /findings/list requests: body read, signature check, JSON parse, validation, query,
// response serialisation — everything but the socket. 2,000 repositories × 10 images, 30,000
// vulnerabilities whose severities are drawn like real scans, a tenth of the findings CLOSED. Each shape runs RUNS times (default 300); the
// continuation shape replays the token of the shape's first page.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "api/inspector/service.h"
#include "auth/key_store.h"
#include "auth/sigv4.h"
#include "findings/finding.h"
#include "findings/store.h"
#include "registry/schema.h"

using namespace surveyor;

namespace {

constexpr char kKeyId[] = "AKIAIOSFODNN7EXAMPLE";
constexpr char kSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kHost[] = "127.0.0.1:5000";

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

// A request signed as the aws CLI signs Inspector2 calls (content-type;host;x-amz-date).
struct SignedCall {
  http::Request request;
  std::string body;
};

SignedCall Sign(const std::string& path, const std::string& body) {
  SignedCall c;
  c.body = body;
  http::Request& r = c.request;
  r.method = http::Method::kPost;
  r.method_name = "POST";
  r.path = path;
  r.target = path;
  const std::string date = auth::FormatAmzDate(SystemClock::Default().Now());
  r.headers.Add("Content-Type", "application/json");
  r.headers.Add("Host", kHost);
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
  sr.raw_query = "";
  sr.headers = views;
  sr.body = c.body;
  const std::string canonical = auth::CanonicalRequest(sr, *parsed, ComputeDigest(body).hex());
  const std::string to_sign = auth::StringToSign(date, scope, canonical);
  const std::string sig = auth::SignatureHex(
      auth::DeriveSigningKey(kSecret, date.substr(0, 8), "us-east-1", "inspector2"), to_sign);
  header.replace(header.size() - 64, 64, sig);
  r.headers.Add("Authorization", header);
  return c;
}

void ReplaceAll(std::string& s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

// One finding built by findings::FindingJson with @MARKERS@, so that a million rows are made by
// string substitution rather than a million JSON documents.
std::string Template() {
  findings::ImageContext image;
  image.repository = "@REPO@";
  image.digest = "@DIGEST@";
  image.tags = {"@TAG@"};
  image.pushed_at = SystemClock::Default().Now();
  image.architecture = "amd64";
  image.platform = "DEBIAN_12";
  findings::FindingFacts f;
  f.vulnerability_id = "@VULN@";
  f.package_name = "@PKG@";
  f.title = "@VULN@ - @PKG@";
  f.severity = "@SEV@";
  f.inspector_score = 1.25;  // replaced below
  f.fix_available = "YES";
  f.exploit_available = "NO";
  f.detail = {
      {"description", "A flaw was found in @PKG@ that lets a remote attacker cause a denial of service."},
      {"remediation", {{"recommendation", {{"text", "Upgrade @PKG@."}}}}},
      {"packageVulnerabilityDetails",
       {{"vulnerabilityId", "@VULN@"},
        {"source", "DEBIAN_CVE"},
        {"sourceUrl", "https://security-tracker.debian.org/tracker/@VULN@"},
        {"cvss", Json::array({{{"baseScore", 1.25},
                               {"scoringVector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"},
                               {"version", "3.1"},
                               {"source", "NVD"}}})},
        {"referenceUrls", Json::array({"https://nvd.nist.gov/vuln/detail/@VULN@"})},
        {"relatedVulnerabilities", Json::array()},
        {"vulnerablePackages",
         Json::array({{{"name", "@PKG@"},
                       {"version", "1.2.3"},
                       {"release", "1+deb12u1"},
                       {"epoch", 0},
                       {"arch", "amd64"},
                       {"packageManager", "OS"},
                       {"filePath", "var/lib/dpkg/status"},
                       {"sourceLayerHash", "@DIGEST@"},
                       {"fixedInVersion", "1.2.4-1+deb12u1"}}})}}}};
  std::string t = DumpJson(findings::FindingJson(f, image, "@ARN@", "@STATUS@", image.pushed_at,
                                                 image.pushed_at, image.pushed_at));
  ReplaceAll(t, "1.25", "@SCORE@");
  return t;
}

void Load(store::Database& db, int n) {
  const char* severities[] = {"CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM",
                              "LOW", "LOW", "UNTRIAGED", "INFORMATIONAL"};
  const std::string tmpl = Template();
  std::printf("finding document: %zu bytes\n", tmpl.size());
  std::vector<std::string> digests;
  for (int d = 0; d < 10 * 2000; ++d) digests.push_back("sha256:" + ComputeDigest(std::to_string(d)).hex());
  std::mt19937 rng(42);
  // A page cache big enough for the indexes: without it every batch spills and rewrites pages.
  (void)db.Exec("PRAGMA cache_size=-1500000");
  auto tx = std::make_unique<store::Transaction>(db);
  auto stmt = db.Prepare(
      "INSERT INTO findings(arn, repository, image_digest, finding_key, vulnerability_id, title, "
      "status, score_id, fix_available, exploit_available, package_manager, package_name, "
      "first_observed, last_observed, updated, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
      "'YES', 'NO', 'OS', ?, ?, ?, ?, '')");
  auto body = db.Prepare("INSERT INTO finding_bodies(id, finding) VALUES (?, ?)");
  auto score_row = db.Prepare("INSERT INTO finding_scores(key, severity, severity_rank, "
                              "inspector_score, updated) VALUES (?, ?, ?, ?, 0)");
  // Severity and score belong to the vulnerability (findings/row.h): open findings share its
  // live score row, closed ones a frozen copy.
  std::map<std::string, int64_t> score_ids;
  const int64_t now_ms = ToUnixMillis(SystemClock::Default().Now());
  for (int i = 0; i < n; ++i) {
    const int repo_index = i % 2000, image_index = (i / 2000) % 10;
    const std::string repo = "team-" + std::to_string(repo_index) + "/app";
    const std::string& digest = digests[repo_index * 10 + image_index];
    const std::string tag = "v" + std::to_string(image_index);
    const uint32_t cve = rng() % 30000;
    const std::string vuln = "CVE-2024-" + std::to_string(cve);
    const std::string pkg = "pkg" + std::to_string(rng() % 500);
    std::mt19937 vuln_rng(cve);
    const char* sev = severities[vuln_rng() % 10];
    const double score = (vuln_rng() % 100) / 10.0;
    const std::string arn = "arn:aws:inspector2:us-east-1:123456789012:finding/" +
                            ComputeDigest(std::to_string(i)).hex().substr(0, 32);
    const std::string status = i % 10 == 0 ? "CLOSED" : "ACTIVE";
    const std::string key = (status == "CLOSED" ? "frozen|" : "live|") + vuln;
    auto [it, added] = score_ids.emplace(key, 0);
    if (added) {
      score_row->Bind(1, key).Bind(2, sev).Bind(3, static_cast<int64_t>(findings::SeverityRank(sev)))
          .BindDouble(4, score);
      (void)score_row->Run();
      score_row->Reset();
      it->second = db.LastInsertId();
    }
    std::string doc = tmpl;
    ReplaceAll(doc, "@ARN@", arn);
    ReplaceAll(doc, "@REPO@", repo);
    ReplaceAll(doc, "@DIGEST@", digest);
    ReplaceAll(doc, "@TAG@", tag);
    ReplaceAll(doc, "@VULN@", vuln);
    ReplaceAll(doc, "@PKG@", pkg);
    ReplaceAll(doc, "@SEV@", sev);
    ReplaceAll(doc, "@STATUS@", status);
    ReplaceAll(doc, "@SCORE@", std::to_string(score).substr(0, 4));
    const int64_t ms = now_ms - static_cast<int64_t>(rng() % 100000000);
    stmt->Bind(1, arn).Bind(2, repo).Bind(3, digest).Bind(4, vuln + "|" + pkg + "|" + std::to_string(i))
        .Bind(5, vuln).Bind(6, vuln + " - " + pkg).Bind(7, status).Bind(8, it->second)
        .Bind(9, pkg).Bind(10, ms).Bind(11, ms).Bind(12, ms);
    (void)stmt->Run();
    stmt->Reset();
    body->Bind(1, db.LastInsertId()).Bind(2, doc);
    (void)body->Run();
    body->Reset();
    if ((i + 1) % 100000 == 0) {
      (void)tx->Commit();
      tx = std::make_unique<store::Transaction>(db);
      std::printf("  %d\n", i + 1);
      std::fflush(stdout);
    }
  }
  (void)tx->Commit();
  tx.reset();
  (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  (void)db.Exec("ANALYZE");
}

// CPU time of this thread: the handler's own work, without time spent preempted by other
// processes on a shared machine.
double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double P99(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, v.size() * 99 / 100)];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 1000000;
  const std::string path = argc > 2 ? argv[2] : "/tmp/surveyor-bench-inspector.db";
  const int runs = argc > 3 ? std::atoi(argv[3]) : 300;
  const bool reuse = std::getenv("BENCH_REUSE_DB") != nullptr;
  if (!reuse) {
    std::remove(path.c_str());
    std::remove((path + "-wal").c_str());
  }
  auto db = store::Database::Open(path);
  if (!db.ok() || !findings::Migrate(**db).ok() || !registry::Migrate(**db).ok()) {
    std::fprintf(stderr, "cannot open %s\n", path.c_str());
    return 1;
  }
  (void)(*db)->Exec("PRAGMA synchronous=OFF");
  if (!reuse) {
    const auto t0 = std::chrono::steady_clock::now();
    Load(**db, n);
    std::printf("loaded %d findings in %.1f s\n", n,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  auth::InMemoryKeyStore keys;
  (void)keys.Add({{kKeyId, "bench", SystemClock::Default().Now()}, kSecret});
  auth::SigV4Verifier verifier(keys, SystemClock::Default(), {.region = "us-east-1"});
  api::inspector::InspectorService service(
      {**db, verifier, SystemClock::Default(), api::aws::AwsContext{}, nullptr, ""});

  struct Shape {
    const char* name;
    const char* body;
  } shapes[] = {
      {"SCENARIOS 5.1: image + ACTIVE, SEVERITY DESC",
       R"({"filterCriteria":{"resourceType":[{"comparison":"EQUALS","value":"AWS_ECR_CONTAINER_IMAGE"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]},"sortCriteria":{"field":"SEVERITY","sortOrder":"DESC"},"maxResults":20})"},
      {"SCENARIOS 5.2: repository + ACTIVE",
       R"({"filterCriteria":{"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"team-7/app"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]},"maxResults":20})"},
      {"SCENARIOS 6: repository + tag + CRITICAL + ACTIVE",
       R"({"filterCriteria":{"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"team-7/app"}],"ecrImageTags":[{"comparison":"EQUALS","value":"v3"}],"severity":[{"comparison":"EQUALS","value":"CRITICAL"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]},"maxResults":20})"},
      {"vulnerabilityId, LAST_OBSERVED_AT DESC",
       R"({"filterCriteria":{"vulnerabilityId":[{"comparison":"EQUALS","value":"CVE-2024-1234"}]},"sortCriteria":{"field":"LAST_OBSERVED_AT","sortOrder":"DESC"},"maxResults":20})"},
      {"CRITICAL + ACTIVE, INSPECTOR_SCORE DESC",
       R"({"filterCriteria":{"severity":[{"comparison":"EQUALS","value":"CRITICAL"}],"findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]},"sortCriteria":{"field":"INSPECTOR_SCORE","sortOrder":"DESC"},"maxResults":20})"},
      {"repository PREFIX + HIGH, FIRST_OBSERVED_AT ASC",
       R"({"filterCriteria":{"ecrImageRepositoryName":[{"comparison":"PREFIX","value":"team-19"}],"severity":[{"comparison":"EQUALS","value":"HIGH"}]},"sortCriteria":{"field":"FIRST_OBSERVED_AT","sortOrder":"ASC"},"maxResults":20})"},
  };
  std::vector<double> all, all_cpu;
  bool ok = true;
  for (const auto& shape : shapes) {
    for (int page = 0; page < 2; ++page) {
      std::string body = shape.body;
      if (page == 1) {
        // Page 2: the token of page 1, replayed on every run.
        SignedCall first = Sign("/findings/list", body);
        MemoryBody b(first.body);
        first.request.body = &b;
        auto resp = service.Handle(first.request);
        auto parsed = ParseJson(std::get<std::string>(resp.body));
        if (!parsed.ok() || !parsed->contains("nextToken")) continue;  // one page only
        Json j = *ParseJson(body);
        j["nextToken"] = (*parsed)["nextToken"];
        body = DumpJson(j);
      }
      std::vector<double> ms, cpu;
      size_t results = 0;
      for (int i = 0; i < runs; ++i) {
        SignedCall call = Sign("/findings/list", body);
        MemoryBody b(call.body);
        call.request.body = &b;
        const auto s = std::chrono::steady_clock::now();
        const double c0 = ThreadCpuMs();
        http::Response resp = service.Handle(call.request);
        cpu.push_back(ThreadCpuMs() - c0);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        if (resp.status != 200) {
          std::printf("%s: HTTP %d %s\n", shape.name, resp.status,
                      std::get<std::string>(resp.body).c_str());
          ok = false;
          break;
        }
        if (i == 0) results = (*ParseJson(std::get<std::string>(resp.body)))["findings"].size();
      }
      if (!ok) break;
      all.insert(all.end(), ms.begin(), ms.end());
      all_cpu.insert(all_cpu.end(), cpu.begin(), cpu.end());
      std::sort(ms.begin(), ms.end());
      std::printf("%-48s %s %2zu results  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  cpu p99 %6.2f ms\n",
                  shape.name, page ? "page 2" : "page 1", results, ms[ms.size() / 2], P99(ms),
                  ms.back(), P99(cpu));
    }
  }
  if (!all.empty()) {
    std::sort(all.begin(), all.end());
    std::printf("all shapes (%zu requests): p50 %.2f ms  p99 %.2f ms  max %.2f ms  cpu p99 %.2f ms\n",
                all.size(), all[all.size() / 2], P99(all), all.back(), P99(all_cpu));
  }
  return ok ? 0 : 1;
}
