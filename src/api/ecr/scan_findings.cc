// ECR's scanning operations (SPEC §6.4): StartImageScan queues a scan with scan::Service,
// DescribeImageScanFindings shows an image's ACTIVE findings in ECR's BASIC shape (name,
// severity, attributes) or ENHANCED shape (Inspector's finding, re-spelled), and DescribeImages
// carries the scan status and severity counts.
#include <chrono>

#include "api/ecr/service.h"
#include "findings/store.h"
#include "registry/repository_settings.h"
#include "registry/scanning_config.h"

namespace surveyor::api::ecr {
namespace {

constexpr auto kBasicScanInterval = std::chrono::hours(24);

// ECR's severity names: Inspector's UNTRIAGED is UNDEFINED.
std::string EcrSeverity(const std::string& s) { return s == "UNTRIAGED" ? "UNDEFINED" : s; }

Json SeverityCounts(const findings::SeveritySummary& s) {
  Json counts = Json::object();
  const std::pair<const char*, int> kinds[] = {{"CRITICAL", s.critical}, {"HIGH", s.high},
                                               {"MEDIUM", s.medium},     {"LOW", s.low},
                                               {"INFORMATIONAL", s.informational},
                                               {"UNDEFINED", s.untriaged}};
  for (const auto& [name, n] : kinds) {
    if (n > 0) counts[name] = n;  // only severities that occur
  }
  return counts;
}

// The scan type in force: BASIC or ENHANCED (Surveyor's default when never configured).
Result<bool> IsBasic(store::Database& db) {
  ASSIGN_OR_RETURN(auto stored, registry::GetRegistrySetting(db, "scanning_configuration"));
  if (!stored) return false;
  ASSIGN_OR_RETURN(auto config, registry::LoadScanningConfiguration(db));
  return config.scan_type == "BASIC";
}

bool IsIndex(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

std::string Text(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_number_integer()) return std::to_string(j.get<int64_t>());
  if (j.is_number()) {
    std::string s = std::to_string(j.get<double>());
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
  }
  return j.is_null() ? "" : DumpJson(j);
}

// BASIC: {name, description, uri, severity, attributes[{key, value}]}.
Json BasicFinding(const Json& f) {
  const Json pvd = f.value("packageVulnerabilityDetails", Json::object());
  Json attributes = Json::array();
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) attributes.push_back({{"key", key}, {"value", value.substr(0, 256)}});
  };
  const Json packages = pvd.value("vulnerablePackages", Json::array());
  if (!packages.empty()) {
    const Json& p = packages[0];
    add("package_name", Text(p.value("name", Json())));
    std::string version = Text(p.value("version", Json()));
    if (p.contains("release")) version += "-" + Text(p["release"]);
    if (p.value("epoch", 0) != 0) version = std::to_string(p["epoch"].get<int>()) + ":" + version;
    add("package_version", version);
    add("fixed_in_version", Text(p.value("fixedInVersion", Json())));
  }
  for (const Json& c : pvd.value("cvss", Json::array())) {
    const std::string v = Text(c.value("version", Json()));
    const std::string prefix = v.starts_with("2") ? "CVSS2" : v.starts_with("4") ? "CVSS4" : "CVSS3";
    add((prefix + "_SCORE").c_str(), Text(c.value("baseScore", Json())));
    add((prefix + "_VECTOR").c_str(), Text(c.value("scoringVector", Json())));
    break;  // the first score, as the finding's own
  }
  Json out{{"name", pvd.value("vulnerabilityId", f.value("title", std::string()))},
           {"severity", EcrSeverity(f.value("severity", std::string("UNTRIAGED")))},
           {"attributes", attributes}};
  if (f.contains("description")) out["description"] = f["description"];
  if (pvd.contains("sourceUrl")) out["uri"] = pvd["sourceUrl"];
  return out;
}

// ENHANCED: Inspector's finding with ECR's spellings (score/scoreDetails, remediation url).
Json EnhancedFinding(const Json& f) {
  Json out = Json::object();
  for (const char* key : {"awsAccountId", "description", "findingArn", "firstObservedAt",
                          "lastObservedAt", "packageVulnerabilityDetails", "severity", "status",
                          "title", "type", "updatedAt", "fixAvailable", "exploitAvailable"}) {
    if (f.contains(key)) out[key] = f[key];
  }
  if (f.contains("severity")) out["severity"] = EcrSeverity(f["severity"].get<std::string>());
  const Json rec = f.value("remediation", Json::object()).value("recommendation", Json::object());
  Json recommendation = Json::object();
  if (rec.contains("text")) recommendation["text"] = rec["text"];
  if (rec.contains("Url")) recommendation["url"] = rec["Url"];
  out["remediation"] = {{"recommendation", recommendation}};
  Json resources = Json::array();
  for (const Json& r : f.value("resources", Json::array())) {
    Json res{{"type", r.value("type", std::string())}, {"id", r.value("id", std::string())}};
    if (r.contains("tags")) res["tags"] = r["tags"];
    if (r.contains("details")) res["details"] = r["details"];
    resources.push_back(std::move(res));
  }
  out["resources"] = resources;
  if (f.contains("inspectorScore")) out["score"] = f["inspectorScore"];
  if (f.contains("inspectorScoreDetails") && f["inspectorScoreDetails"].contains("adjustedCvss")) {
    const Json& a = f["inspectorScoreDetails"]["adjustedCvss"];
    Json cvss = Json::object();
    for (const char* key : {"adjustments", "score", "scoreSource", "scoringVector", "version"}) {
      if (a.contains(key)) cvss[key] = a[key];
    }
    out["scoreDetails"] = {{"cvss", cvss}};
  }
  return out;
}

}  // namespace

Json EcrService::ScanSummaryFields(const std::string& repository, const std::string& digest) {
  Json out = Json::object();
  if (!d_.scanner) return out;
  auto status = d_.scanner->GetStatus(repository, digest);
  if (!status.ok()) return out;  // never scanned: DescribeImages shows no scan fields
  out["imageScanStatus"] = {{"status", status->status}, {"description", status->description}};
  if (status->status == "COMPLETE") {
    auto summary = findings::SummarizeImage(d_.db, repository, digest);
    if (summary.ok()) {
      Json s{{"findingSeverityCounts", SeverityCounts(*summary)}};
      if (status->completed_at != TimePoint{}) {
        s["imageScanCompletedAt"] = aws::EpochSeconds(ToUnixMillis(status->completed_at));
      }
      out["imageScanFindingsSummary"] = s;
    }
  }
  return out;
}

Result<Json> EcrService::ScanOperation(std::string_view op, const std::string& repository,
                                       const std::string& digest, const std::string& media_type,
                                       const Json& image_id, const Json& in) {
  const std::string& account = d_.context.account_id;
  Json out{{"registryId", account}, {"repositoryName", repository}, {"imageId", image_id}};
  const std::string where = "the image with imageId {imageDigest:'" + digest +
                            "'} in the repository with name '" + repository +
                            "' in the registry with id '" + account + "'";
  if (op == "StartImageScan") {
    if (!d_.scanner) {
      return InvalidArgument("image scanning is turned off on this server (scan.enabled: false)",
                             "ValidationException");
    }
    if (IsIndex(media_type)) {
      return InvalidArgument("The image of " + where +
                                 " is an image index; scan the platform images it lists",
                             "UnsupportedImageTypeException");
    }
    ASSIGN_OR_RETURN(bool basic, IsBasic(d_.db));
    if (basic) {
      // BASIC: one scan per image per 24 hours, the scan on push included (SPEC §6.4).
      auto status = d_.scanner->GetStatus(repository, digest);
      if (status.ok()) {
        const bool running = status->status == "PENDING" || status->status == "IN_PROGRESS";
        const bool recent = status->completed_at != TimePoint{} &&
                            d_.clock.Now() - status->completed_at < kBasicScanInterval;
        if (running || recent) {
          return Status(StatusCode::kResourceExhausted,
                        "The scan quota per image has been exceeded. Wait and try again.",
                        "LimitExceededException");
        }
      }
    }
    RETURN_IF_ERROR(d_.scanner->RequestScan(repository, digest, false));
    out["imageScanStatus"] = {{"status", "IN_PROGRESS"}};
    return out;
  }
  // DescribeImageScanFindings
  auto max_results = GetInt(in, "maxResults");
  if (in.contains("maxResults") &&
      (!in["maxResults"].is_number_integer() || !max_results || *max_results < 1 || *max_results > 1000)) {
    return InvalidArgument("1 validation error detected: Value '" + DumpJson(in["maxResults"]) +
                               "' at 'maxResults' failed to satisfy constraint: Member must have "
                               "value between 1 and 1000",
                           "ValidationException");
  }
  size_t offset = 0;
  if (auto token = GetString(in, "nextToken"); token && !token->empty()) {
    ASSIGN_OR_RETURN(offset, aws::ParseOffsetToken(*token, "InvalidParameterException"));
  }
  const size_t size = max_results ? static_cast<size_t>(*max_results) : 100;
  Result<scan::ScanStatus> status = d_.scanner ? d_.scanner->GetStatus(repository, digest)
                                               : Result<scan::ScanStatus>(NotFound("off"));
  if (!status.ok()) {
    if (status.status().code() != StatusCode::kNotFound) return status.status();
    return NotFound("Image scan does not exist for " + where, "ScanNotFoundException");
  }
  out["imageScanStatus"] = {{"status", status->status}, {"description", status->description}};
  if (status->status != "COMPLETE") return out;  // findings once the scan has completed
  ASSIGN_OR_RETURN(bool basic, IsBasic(d_.db));
  ASSIGN_OR_RETURN(auto summary, findings::SummarizeImage(d_.db, repository, digest));
  ASSIGN_OR_RETURN(auto all, findings::ImageFindings(d_.db, repository, digest, false));
  std::vector<Json> active;
  for (auto& f : all) {
    if (f.value("status", std::string()) == "ACTIVE") active.push_back(std::move(f));
  }
  Json list = Json::array();
  for (size_t i = offset; i < active.size() && i < offset + size; ++i) {
    list.push_back(basic ? BasicFinding(active[i]) : EnhancedFinding(active[i]));
  }
  Json findings{{"findingSeverityCounts", SeverityCounts(summary)},
                {basic ? "findings" : "enhancedFindings", list}};
  if (status->completed_at != TimePoint{}) {
    findings["imageScanCompletedAt"] = aws::EpochSeconds(ToUnixMillis(status->completed_at));
  }
  out["imageScanFindings"] = findings;
  if (offset + size < active.size()) out["nextToken"] = aws::OffsetToken(offset + size);
  return out;
}

}  // namespace surveyor::api::ecr
