// `surveyor findings list|aggregate` and `surveyor wait`: findings of the images a server scanned.
// With --endpoint URL they call the server's Inspector2 API (ListFindings,
// ListFindingAggregations) and ECR's DescribeImageScanFindings, signed with SigV4: credentials
// from --access-key-id/--secret-access-key, else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// (AWS_SESSION_TOKEN), else the bootstrap-credentials file of the --data directory (a server on
// this machine). Without --endpoint they read a local server's data directory (SQLite in WAL
// mode reads alongside the server).
//   surveyor wait REPO:TAG --fail-on HIGH [--timeout 300]   the one-command CI gate: waits for the
//   scan to COMPLETE, exits 0 when no ACTIVE finding is at or above the threshold, 3 when some
//   are, 4 when the scan FAILED, 5 on timeout.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "auth/bootstrap.h"
#include "auth/sigv4_signer.h"
#include "cli/commands.h"
#include "cli/storage.h"
#include "common/fs.h"
#include "common/http_client.h"
#include "common/json.h"
#include "findings/row.h"
#include "findings/store.h"
#include "registry/registry.h"
#include "scan/service.h"

namespace surveyor::cli {
namespace {

struct FindingsFlags {
  std::string data_dir = "data";
  std::string repository;
  std::string severity;
  std::string status = "ACTIVE";
  bool json = false;
  std::string by = "repository";
  // wait
  std::string image;
  std::string fail_on = "CRITICAL";
  uint64_t timeout_seconds = 300;
  // server mode
  std::string endpoint;
  std::string region;
  std::string access_key_id;
  std::string secret_access_key;
  bool data_given = false;
};

// ---------------------------------------------------------------------------------------------
// Server mode: a small signed client of the AWS-shaped APIs (SPEC §2, §6.4, §7.2, §7.4).

constexpr uint64_t kMaxResponseBytes = 64 << 20;
constexpr int kMaxPages = 10000;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// "aws_access_key_id = X" lines of an ~/.aws/credentials-style file (the bootstrap file).
Result<auth::SigningCredentials> ReadCredentialsFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, PosixFileSystem::Default().ReadFile(path, 1 << 16));
  auth::SigningCredentials c;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    size_t eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    auto trim = [](std::string v) {
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
      size_t i = 0;
      while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
      return v.substr(i);
    };
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    if (key == "aws_access_key_id") c.access_key_id = value;
    if (key == "aws_secret_access_key") c.secret_access_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
  if (c.access_key_id.empty() || c.secret_access_key.empty())
    return InvalidArgument(path + " has no aws_access_key_id / aws_secret_access_key");
  return c;
}

class ApiClient {
 public:
  static Result<ApiClient> Create(const FindingsFlags& f) {
    ApiClient c;
    std::string e = f.endpoint;
    while (!e.empty() && e.back() == '/') e.pop_back();
    size_t scheme = e.find("://");
    if (scheme == std::string::npos || (e.substr(0, scheme) != "http" && e.substr(0, scheme) != "https"))
      return InvalidArgument("--endpoint must be an http:// or https:// URL, got '" + f.endpoint + "'");
    std::string rest = e.substr(scheme + 3);
    if (rest.empty() || rest.find('/') != std::string::npos)
      return InvalidArgument("--endpoint takes scheme://host[:port] without a path, got '" + f.endpoint + "'");
    c.base_ = e;
    c.host_ = rest;
    c.region_ = !f.region.empty() ? f.region : !Env("AWS_REGION").empty() ? Env("AWS_REGION")
                                                : !Env("AWS_DEFAULT_REGION").empty() ? Env("AWS_DEFAULT_REGION")
                                                                                      : "us-east-1";
    if (!f.access_key_id.empty() || !f.secret_access_key.empty()) {
      c.creds_ = {f.access_key_id, f.secret_access_key, ""};
    } else if (!Env("AWS_ACCESS_KEY_ID").empty()) {
      c.creds_ = {Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"), Env("AWS_SESSION_TOKEN")};
    } else if (f.data_given) {
      ASSIGN_OR_RETURN(c.creds_, ReadCredentialsFile(JoinPath(f.data_dir, auth::kBootstrapCredentialsFile)));
    } else {
      return InvalidArgument(
          "no credentials: pass --access-key-id and --secret-access-key, set AWS_ACCESS_KEY_ID and "
          "AWS_SECRET_ACCESS_KEY, or give --data DIR of a server on this machine (its "
          "bootstrap-credentials file)");
    }
    if (c.creds_.access_key_id.empty() || c.creds_.secret_access_key.empty())
      return InvalidArgument("both an access key id and a secret access key are needed");
    return c;
  }

  // Inspector2 (restJson1): POST <path> with a JSON body.
  Result<Json> Inspector(const std::string& operation, const std::string& path, const Json& body) const {
    return Call(operation, path, "inspector2", {{"Content-Type", "application/json"}}, body);
  }
  // ECR (awsJson1_1): POST / with X-Amz-Target.
  Result<Json> Ecr(const std::string& operation, const Json& body) const {
    return Call(operation, "/", "ecr",
                {{"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921." + operation}},
                body);
  }

 private:
  Result<Json> Call(const std::string& operation, const std::string& path, const std::string& service,
                    std::vector<std::pair<std::string, std::string>> headers, const Json& body) const {
    auth::RequestToSign r;
    r.method = "POST";
    r.path = path;
    r.body = DumpJson(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("Host", host_);
    RETURN_IF_ERROR(auth::SignRequest(r, creds_, region_, service, SystemClock::Default().Now()));
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + path;
    req.headers = r.headers;
    req.body = r.body;
    ASSIGN_OR_RETURN(HttpResponse resp, http_.Send(req, kMaxResponseBytes));
    auto doc = ParseJson(resp.body.empty() ? "{}" : resp.body);
    if (resp.status == 200) {
      if (!doc.ok()) return Unavailable(operation + ": the server sent invalid JSON");
      return *doc;
    }
    std::string type = resp.Header("x-amzn-errortype").value_or("");
    std::string message;
    if (doc.ok() && doc->is_object()) {
      if (type.empty()) type = GetString(*doc, "__type").value_or("");
      message = GetString(*doc, "message").value_or(GetString(*doc, "Message").value_or(""));
    }
    if (size_t colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
    if (size_t hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    if ((resp.status == 404 && type.empty()) || type == "UnknownOperationException") {
      return Unimplemented(operation + " is not available on " + base_ + " (HTTP " +
                               std::to_string(resp.status) + (message.empty() ? "" : ": " + message) + ")",
                           "UnknownOperationException");
    }
    return Status(resp.status == 404 ? StatusCode::kNotFound
                  : resp.status == 403 || resp.status == 401 ? StatusCode::kPermissionDenied
                  : resp.status == 400 ? StatusCode::kInvalidArgument
                                       : StatusCode::kUnavailable,
                  operation + ": HTTP " + std::to_string(resp.status) + (type.empty() ? "" : " " + type) +
                      (message.empty() ? "" : ": " + message),
                  type);
  }

  std::string base_;
  std::string host_;
  std::string region_;
  auth::SigningCredentials creds_;
  HttpClient http_;
};

// Exit 2 for usage errors and operations the server lacks, 1 for what the server refused.
int ServerError(const char* command, const Status& st, bool usage = false) {
  std::cerr << command << ": " << st.message() << "\n";
  return usage || st.code() == StatusCode::kUnimplemented ? 2 : 1;
}

const Json& EcrImage(const Json& finding) {
  static const Json kEmpty = Json::object();
  const Json* resources = GetArray(finding, "resources");
  if (!resources || resources->empty()) return kEmpty;
  const Json* details = GetObject((*resources)[0], "details");
  const Json* image = details ? GetObject(*details, "awsEcrContainerImage") : nullptr;
  return image ? *image : kEmpty;
}

int RunListServer(const FindingsFlags& f) {
  auto client = ApiClient::Create(f);
  if (!client.ok()) return ServerError("surveyor findings", client.status(), true);
  Json criteria = Json::object();
  auto eq = [](const std::string& v) { return Json::array({{{"comparison", "EQUALS"}, {"value", v}}}); };
  if (!f.repository.empty()) criteria["ecrImageRepositoryName"] = eq(f.repository);
  if (!f.severity.empty()) criteria["severity"] = eq(f.severity);
  if (!f.status.empty() && f.status != "ALL") criteria["findingStatus"] = eq(f.status);
  Json all = Json::array();
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    Json body = {{"maxResults", 100}, {"sortCriteria", {{"field", "SEVERITY"}, {"sortOrder", "DESC"}}}};
    if (!criteria.empty()) body["filterCriteria"] = criteria;
    if (!token.empty()) body["nextToken"] = token;
    auto resp = client->Inspector("ListFindings", "/findings/list", body);
    if (!resp.ok()) return ServerError("surveyor findings", resp.status());
    if (const Json* items = GetArray(*resp, "findings"))
      for (const auto& it : *items) all.push_back(it);
    token = GetString(*resp, "nextToken").value_or("");
    if (token.empty()) break;
  }
  if (f.json) {
    std::cout << DumpJson(Json{{"findings", all}}, 2) << "\n";
    return 0;
  }
  for (const auto& finding : all) {
    const Json& image = EcrImage(finding);
    const Json* details = GetObject(finding, "packageVulnerabilityDetails");
    std::string vuln = details ? GetString(*details, "vulnerabilityId").value_or("") : "";
    std::string package;
    if (const Json* pkgs = details ? GetArray(*details, "vulnerablePackages") : nullptr; pkgs && !pkgs->empty())
      package = GetString((*pkgs)[0], "name").value_or("");
    std::printf("%-28s %-20s %-10s %-8s %-28s fix:%s\n",
                GetString(image, "repositoryName").value_or("").c_str(), vuln.c_str(),
                GetString(finding, "severity").value_or("").c_str(), GetString(finding, "status").value_or("").c_str(),
                package.c_str(), GetString(finding, "fixAvailable").value_or("").c_str());
  }
  return 0;
}

int RunAggregateServer(const FindingsFlags& f) {
  struct Kind {
    const char* by;
    const char* type;
    const char* member;
    const char* key;
  };
  static const Kind kKinds[] = {
      {"repository", "REPOSITORY", "repositoryAggregation", "repository"},
      {"image", "AWS_ECR_CONTAINER", "awsEcrContainerAggregation", "resourceId"},
      {"package", "PACKAGE", "packageAggregation", "packageName"},
      {"vulnerability", "TITLE", "titleAggregation", "vulnerabilityId"},
  };
  const Kind* kind = nullptr;
  for (const auto& k : kKinds)
    if (f.by == k.by) kind = &k;
  if (!kind) {
    std::cerr << "surveyor findings aggregate: --by must be repository, image, package or vulnerability\n";
    return 2;
  }
  auto client = ApiClient::Create(f);
  if (!client.ok()) return ServerError("surveyor findings", client.status(), true);
  Json rows = Json::array();
  std::string token;
  for (int page = 0; page < kMaxPages; ++page) {
    Json body = {{"aggregationType", kind->type}, {"maxResults", 100}};
    if (!token.empty()) body["nextToken"] = token;
    auto resp = client->Inspector("ListFindingAggregations", "/findings/aggregation/list", body);
    if (!resp.ok()) return ServerError("surveyor findings", resp.status());
    if (const Json* items = GetArray(*resp, "responses")) {
      for (const auto& it : *items) {
        const Json* agg = GetObject(it, kind->member);
        if (!agg) continue;
        std::string key = GetString(*agg, kind->key).value_or("");
        if (key.empty() && std::string(kind->key) == "vulnerabilityId") key = GetString(*agg, "title").value_or("");
        const Json* counts = GetObject(*agg, "severityCounts");
        auto count = [&](const char* name) -> long long {
          if (!counts || !counts->contains(name) || !(*counts)[name].is_number_integer()) return 0;
          return (*counts)[name].get<long long>();
        };
        // Inspector's SeverityCounts has no "low" (SPEC §7.4).
        rows.push_back({{f.by, key},
                        {"severityCounts",
                         {{"critical", count("critical")}, {"high", count("high")},
                          {"medium", count("medium")}, {"all", count("all")}}}});
      }
    }
    token = GetString(*resp, "nextToken").value_or("");
    if (token.empty()) break;
  }
  if (f.json) {
    std::cout << DumpJson(Json{{"responses", rows}}, 2) << "\n";
    return 0;
  }
  std::printf("%-48s %8s %8s %8s %8s\n", f.by.c_str(), "CRITICAL", "HIGH", "MEDIUM", "ALL");
  for (const auto& r : rows) {
    const auto& c = r["severityCounts"];
    std::printf("%-48s %8lld %8lld %8lld %8lld\n", r[f.by].get<std::string>().c_str(),
                c["critical"].get<long long>(), c["high"].get<long long>(), c["medium"].get<long long>(),
                c["all"].get<long long>());
  }
  return 0;
}

int RunWaitServer(const FindingsFlags& f, const std::string& repository, const std::string& reference,
                  int threshold) {
  auto client = ApiClient::Create(f);
  if (!client.ok()) return ServerError("surveyor wait", client.status(), true);
  const bool by_digest = reference.rfind("sha256:", 0) == 0;
  const Json image_id = by_digest ? Json{{"imageDigest", reference}} : Json{{"imageTag", reference}};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.timeout_seconds);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  std::string last = "not pushed";
  for (;;) {
    Json body = {{"repositoryName", repository}, {"imageId", image_id}, {"maxResults", 1000}};
    auto resp = client->Ecr("DescribeImageScanFindings", body);
    std::string status;
    if (resp.ok()) {
      const Json* st = GetObject(*resp, "imageScanStatus");
      status = st ? GetString(*st, "status").value_or("") : "";
      std::string description = st ? GetString(*st, "description").value_or("") : "";
      if (status == "FAILED" || status == "UNSUPPORTED_IMAGE" || status == "SCAN_ELIGIBILITY_EXPIRED" ||
          status == "FINDINGS_UNAVAILABLE") {
        std::cerr << "surveyor wait: scan " << status << ": " << description << "\n";
        return 4;
      }
      if (status == "COMPLETE" || status == "ACTIVE") {
        // Every page: the findings lists, or the severity counts when no list is given.
        Json findings = Json::array();
        Json counts = Json::object();
        std::string digest;
        if (const Json* id = GetObject(*resp, "imageId")) digest = GetString(*id, "imageDigest").value_or("");
        Json page = *resp;
        for (int n = 0; n < kMaxPages; ++n) {
          if (const Json* isf = GetObject(page, "imageScanFindings")) {
            if (n == 0)
              if (const Json* c = GetObject(*isf, "findingSeverityCounts")) counts = *c;
            for (const char* list : {"enhancedFindings", "findings"})
              if (const Json* items = GetArray(*isf, list))
                for (const auto& it : *items) findings.push_back(it);
          }
          std::string token = GetString(page, "nextToken").value_or("");
          if (token.empty()) break;
          body["nextToken"] = token;
          auto next = client->Ecr("DescribeImageScanFindings", body);
          if (!next.ok()) return ServerError("surveyor wait", next.status());
          page = std::move(*next);
        }
        int failing = 0;
        if (!findings.empty()) {
          for (const auto& j : findings) {
            if (j.contains("status") && GetString(j, "status").value_or("") != "ACTIVE") continue;
            std::string sev = GetString(j, "severity").value_or("");
            if (findings::SeverityRank(sev) >= threshold) {
              ++failing;
              std::string title = GetString(j, "title").value_or(GetString(j, "name").value_or(""));
              std::cout << sev << " " << title << "\n";
            }
          }
        } else {
          for (auto it = counts.begin(); it != counts.end(); ++it)
            if (it.value().is_number_integer() && findings::SeverityRank(it.key()) >= threshold)
              failing += it.value().get<int>();
        }
        std::cout << repository << "@" << (digest.empty() ? reference : digest) << ": " << failing
                  << " active findings at or above " << f.fail_on << "\n";
        return failing > 0 ? 3 : 0;
      }
      last = status.empty() ? "PENDING" : status;
    } else {
      const std::string type = resp.status().domain_code();
      if (resp.status().code() == StatusCode::kUnimplemented ||
          (type == "ScanNotFoundException" && resp.status().message().find("not available") != std::string::npos)) {
        std::cerr << "surveyor wait: the server cannot report scan results: " << resp.status().message() << "\n";
        return 2;
      }
      if (type != "ImageNotFoundException" && type != "RepositoryNotFoundException" && type != "ScanNotFoundException")
        return ServerError("surveyor wait", resp.status());
      last = type == "ScanNotFoundException" ? "not scanned yet" : "not pushed";
    }
    if (tty) std::cerr << "\r\033[Kwaiting for the scan of " << f.image << " (" << last << ")" << std::flush;
    if (std::chrono::steady_clock::now() >= deadline) {
      if (tty) std::cerr << "\n";
      std::cerr << "surveyor wait: timed out after " << f.timeout_seconds << " s waiting for " << f.image
                << " (" << last << ")\n";
      return 5;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

int RunList(const FindingsFlags& f) {
  if (!f.endpoint.empty()) return RunListServer(f);
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor findings: " << storage.status().message() << "\n";
    return 2;
  }
  store::Database& db = *storage->db;
  auto lock = db.Lock();
  auto stmt = db.Prepare(
      std::string("SELECT ") + findings::kFindingColumns + ", repository, vulnerability_id, "
      "finding_scores.severity, status, package_name, fix_available FROM " +
      findings::kFindingFrom + " WHERE (?1 = '' OR repository = ?1) AND (?2 = '' OR "
      "finding_scores.severity = ?2) AND (?3 = '' OR status = ?3) ORDER BY "
      "finding_scores.severity_rank DESC, repository, vulnerability_id, findings.id");
  if (!stmt.ok()) {
    std::cerr << "surveyor findings: " << stmt.status().message() << "\n";
    return 2;
  }
  stmt->Bind(1, f.repository).Bind(2, f.severity).Bind(3, f.status == "ALL" ? "" : f.status);
  Json all = Json::array();
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok() || !*row) break;
    if (f.json) {
      auto j = findings::ReadFinding(*stmt);
      if (!j.ok()) {
        std::cerr << "surveyor findings: " << j.status().message() << "\n";
        return 2;
      }
      all.push_back(std::move(*j));
    } else {
      constexpr int c = findings::kFindingColumnCount;
      std::printf("%-28s %-20s %-10s %-8s %-28s fix:%s\n", stmt->ColumnText(c).c_str(),
                  stmt->ColumnText(c + 1).c_str(), stmt->ColumnText(c + 2).c_str(),
                  stmt->ColumnText(c + 3).c_str(), stmt->ColumnText(c + 4).c_str(),
                  stmt->ColumnText(c + 5).c_str());
    }
  }
  if (f.json) std::cout << DumpJson(Json{{"findings", all}}, 2) << "\n";
  return 0;
}

int RunAggregate(const FindingsFlags& f) {
  if (!f.endpoint.empty()) return RunAggregateServer(f);
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor findings: " << storage.status().message() << "\n";
    return 2;
  }
  const std::string column = f.by == "package"         ? "package_name"
                             : f.by == "vulnerability" ? "vulnerability_id"
                             : f.by == "image"         ? "repository || '@' || image_digest"
                                                       : "repository";
  if (f.by != "package" && f.by != "vulnerability" && f.by != "image" && f.by != "repository") {
    std::cerr << "surveyor findings aggregate: --by must be repository, image, package or "
                 "vulnerability\n";
    return 2;
  }
  store::Database& db = *storage->db;
  auto lock = db.Lock();
  auto stmt = db.Prepare("SELECT " + column +
                         ", sum(finding_scores.severity = 'CRITICAL'), sum(finding_scores.severity "
                         "= 'HIGH'), sum(finding_scores.severity = 'MEDIUM'), "
                         "sum(finding_scores.severity = 'LOW'), count(*) FROM " +
                         findings::kFindingScoreJoin +
                         " WHERE status = 'ACTIVE' GROUP BY 1 ORDER BY 2 DESC, 3 DESC, 6 DESC, 1");
  if (!stmt.ok()) {
    std::cerr << "surveyor findings: " << stmt.status().message() << "\n";
    return 2;
  }
  Json rows = Json::array();
  for (;;) {
    auto row = stmt->Step();
    if (!row.ok() || !*row) break;
    rows.push_back({{f.by, stmt->ColumnText(0)},
                    {"severityCounts",
                     {{"critical", stmt->ColumnInt(1)}, {"high", stmt->ColumnInt(2)},
                      {"medium", stmt->ColumnInt(3)}, {"low", stmt->ColumnInt(4)},
                      {"all", stmt->ColumnInt(5)}}}});
  }
  if (f.json) {
    std::cout << DumpJson(Json{{"responses", rows}}, 2) << "\n";
  } else {
    std::printf("%-48s %8s %8s %8s %8s %8s\n", f.by.c_str(), "CRITICAL", "HIGH", "MEDIUM", "LOW",
                "ALL");
    for (const auto& r : rows) {
      const auto& c = r["severityCounts"];
      std::printf("%-48s %8lld %8lld %8lld %8lld %8lld\n", r[f.by].get<std::string>().c_str(),
                  c["critical"].get<long long>(), c["high"].get<long long>(),
                  c["medium"].get<long long>(), c["low"].get<long long>(),
                  c["all"].get<long long>());
    }
  }
  return 0;
}

int RunWait(const FindingsFlags& f) {
  const size_t at = f.image.find('@');
  const size_t colon = f.image.rfind(':');
  std::string repository, reference;
  if (at != std::string::npos) {
    repository = f.image.substr(0, at);
    reference = f.image.substr(at + 1);
  } else if (colon != std::string::npos && f.image.find('/', colon) == std::string::npos) {
    repository = f.image.substr(0, colon);
    reference = f.image.substr(colon + 1);
  } else {
    std::cerr << "surveyor wait: give the image as REPOSITORY:TAG or REPOSITORY@DIGEST\n";
    return 2;
  }
  const int threshold = findings::SeverityRank(f.fail_on);
  if (threshold == 0 && f.fail_on != "UNTRIAGED") {
    std::cerr << "surveyor wait: --fail-on must be CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL or "
                 "UNTRIAGED\n";
    return 2;
  }
  if (!f.endpoint.empty()) return RunWaitServer(f, repository, reference, threshold);
  auto storage = OpenStorage(f.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor wait: " << storage.status().message() << "\n";
    return 2;
  }
  registry::Registry registry(*storage->db, *storage->blobs, SystemClock::Default(), {});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(f.timeout_seconds);
  const bool tty = ::isatty(STDERR_FILENO) == 1;
  for (;;) {
    auto manifest = registry.GetManifest(repository, reference, false);
    if (manifest.ok()) {
      const std::string digest = manifest->digest.ToString();
      store::Database& db = *storage->db;
      std::string status, description;
      {
        auto lock = db.Lock();
        auto stmt = db.Prepare("SELECT status, description FROM scan_images WHERE repository = ? "
                               "AND digest = ?");
        if (stmt.ok()) {
          stmt->Bind(1, repository).Bind(2, digest);
          auto row = stmt->Step();
          if (row.ok() && *row) {
            status = stmt->ColumnText(0);
            description = stmt->ColumnText(1);
          }
        }
      }
      if (status == "FAILED" || status == "UNSUPPORTED_IMAGE") {
        std::cerr << "surveyor wait: scan " << status << ": " << description << "\n";
        return 4;
      }
      if (status == "COMPLETE") {
        auto all = findings::ImageFindings(db, repository, digest, false);
        if (!all.ok()) {
          std::cerr << "surveyor wait: " << all.status().message() << "\n";
          return 2;
        }
        int failing = 0;
        for (const auto& j : *all) {
          const std::string sev = GetString(j, "severity").value_or("");
          if (GetString(j, "status").value_or("") != "ACTIVE") continue;
          if (findings::SeverityRank(sev) >= threshold) {
            ++failing;
            std::cout << sev << " " << GetString(j, "title").value_or("") << "\n";
          }
        }
        std::cout << repository << "@" << digest << ": " << failing << " active findings at or above "
                  << f.fail_on << "\n";
        return failing > 0 ? 3 : 0;
      }
      if (tty) std::cerr << "\r\033[Kwaiting for the scan of " << f.image << " (" << (status.empty() ? "PENDING" : status) << ")" << std::flush;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      if (tty) std::cerr << "\n";
      std::cerr << "surveyor wait: timed out after " << f.timeout_seconds << " s waiting for "
                << f.image << (manifest.ok() ? "'s scan" : " to be pushed") << "\n";
      return 5;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace

void AddServerFlags(CLI::App* cmd, FindingsFlags& f) {
  cmd->add_option("--endpoint", f.endpoint,
                  "ask a server's Inspector2/ECR API at this URL (http://host:port) instead of reading --data");
  cmd->add_option("--region", f.region, "signing region (default $AWS_REGION, $AWS_DEFAULT_REGION, us-east-1)");
  cmd->add_option("--access-key-id", f.access_key_id, "with --endpoint (default $AWS_ACCESS_KEY_ID)");
  cmd->add_option("--secret-access-key", f.secret_access_key, "with --endpoint (default $AWS_SECRET_ACCESS_KEY)");
}

void RegisterFindingsCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<FindingsFlags>();
  CLI::App* cmd = app.add_subcommand("findings", "List and aggregate the findings of scanned images");
  cmd->require_subcommand(1);
  CLI::App* list = cmd->add_subcommand("list", "List findings, most severe first");
  list->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  AddServerFlags(list, *flags);
  list->add_option("--repository", flags->repository, "only this repository");
  list->add_option("--severity", flags->severity, "only this severity");
  list->add_option("--status", flags->status, "ACTIVE (default), SUPPRESSED, CLOSED or ALL");
  list->add_flag("--json", flags->json, "Inspector-shaped JSON");
  list->callback([flags, list, &ctx] {
    flags->data_given = list->count("--data") > 0;
    ctx.exit_code = RunList(*flags);
  });
  CLI::App* agg = cmd->add_subcommand("aggregate", "Count active findings by severity");
  agg->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  AddServerFlags(agg, *flags);
  agg->add_option("--by", flags->by, "repository (default), image, package or vulnerability");
  agg->add_flag("--json", flags->json, "JSON output");
  agg->callback([flags, agg, &ctx] {
    flags->data_given = agg->count("--data") > 0;
    ctx.exit_code = RunAggregate(*flags);
  });

  CLI::App* wait = app.add_subcommand("wait", "Wait for an image's scan; fail on severe findings");
  wait->add_option("image", flags->image, "REPOSITORY:TAG or REPOSITORY@DIGEST")->required();
  wait->add_option("--data", flags->data_dir, "the server's data directory (default ./data)");
  AddServerFlags(wait, *flags);
  wait->add_option("--fail-on", flags->fail_on, "lowest severity that fails (default CRITICAL)");
  wait->add_option("--timeout", flags->timeout_seconds, "seconds to wait (default 300)");
  wait->callback([flags, wait, &ctx] {
    flags->data_given = wait->count("--data") > 0;
    ctx.exit_code = RunWait(*flags);
  });
}

}  // namespace surveyor::cli
