#include "findings/finding.h"

#include <algorithm>

namespace surveyor::findings {

std::string_view PackageManagerName(analyze::PackageType t) {
  switch (t) {
    case analyze::PackageType::kDpkg:
    case analyze::PackageType::kApk:
    case analyze::PackageType::kRpm: return "OS";
    case analyze::PackageType::kNpm: return "NODEPKG";
    case analyze::PackageType::kPypi: return "PYTHONPKG";
    case analyze::PackageType::kMaven: return "JAR";
    case analyze::PackageType::kGo: return "GOBINARY";
    case analyze::PackageType::kCargo: return "CARGO";
    case analyze::PackageType::kGem: return "GEMSPEC";
    case analyze::PackageType::kComposer: return "COMPOSER";
    case analyze::PackageType::kNuget: return "NUGET";
  }
  return "OS";
}

namespace {

// dpkg "1:2.3-4" → epoch 1, version "2.3", release "4"; rpm "[e:]v-r" likewise.
void SplitOsVersion(const std::string& full, int& epoch, std::string& version,
                    std::string& release) {
  std::string v = full;
  epoch = 0;
  if (const size_t colon = v.find(':'); colon != std::string::npos) {
    epoch = std::atoi(v.substr(0, colon).c_str());
    v = v.substr(colon + 1);
  }
  const size_t dash = v.rfind('-');
  version = dash == std::string::npos ? v : v.substr(0, dash);
  release = dash == std::string::npos ? "" : v.substr(dash + 1);
}

std::string VulnerabilitySource(const match::Match& m) {
  const std::string& e = m.ecosystem;
  if (e.starts_with("Debian")) return "DEBIAN_CVE";
  if (e.starts_with("Ubuntu")) return "UBUNTU_CVE";
  if (e.starts_with("Alpine")) return "ALPINE_SECURITY_ADVISORY";
  if (e.starts_with("Red Hat") || e.starts_with("Rocky") || e.starts_with("AlmaLinux")) {
    return "REDHAT_CVE";
  }
  const std::string& id = m.vulnerability_id;
  if (id.starts_with("GHSA-")) return "GITHUB";
  if (id.starts_with("GO-")) return "GO";
  return "NVD";
}

}  // namespace

std::string PlatformName(const analyze::OsInfo& os) {
  if (os.empty()) return "";
  std::string id = os.id;
  std::string version = os.version_id;
  if (id == "alpine") {
    id = "ALPINE_LINUX";
    // 3.17.3 → 3_17
    const size_t second = version.find('.', version.find('.') + 1);
    if (second != std::string::npos) version = version.substr(0, second);
  } else if (id == "rhel") {
    id = "RHEL";
  }
  std::string out = id + "_" + version;
  for (auto& c : out) {
    c = c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string ImageResourceId(const ImageContext& image) {
  return "arn:aws:ecr:" + image.region + ":" + image.account_id + ":repository/" +
         image.repository + "/" + image.digest;
}

std::string FindingArn(const ImageContext& image, std::string_view key) {
  // Stable: the same vulnerability on the same package of the same image keeps its ARN across
  // re-evaluations, closings and reopenings.
  const std::string seed = ImageResourceId(image) + "|" + std::string(key);
  return "arn:aws:inspector2:" + image.region + ":" + image.account_id + ":finding/" +
         ComputeDigest(seed).hex().substr(0, 32);
}

namespace {

// `source`: VulnerabilitySource(m), which names the text's key.
std::shared_ptr<const SharedText> BuildText(const match::Match& m, const std::string& source) {
  const vulndb::Advisory& a = m.advisory->advisory;
  Json cvss = Json::array();
  for (const auto& c : a.cvss) {
    cvss.push_back({{"baseScore", c.base_score}, {"scoringVector", c.vector},
                    {"version", c.version}, {"source", c.source}});
  }
  Json references = Json::array();
  for (const auto& r : a.references) {
    if (references.size() < 20) references.push_back(r.url);
  }
  Json details = {{"cvss", cvss}, {"referenceUrls", references}};
  if (!a.references.empty()) details["sourceUrl"] = a.references.front().url;
  if (auto t = ParseRfc3339(a.published); t.ok()) details["vendorCreatedAt"] = ToEpochSeconds(*t);
  if (auto t = ParseRfc3339(a.modified); t.ok()) details["vendorUpdatedAt"] = ToEpochSeconds(*t);
  std::string description = !a.details.empty() ? a.details : a.summary;
  if (description.empty()) description = "No description provided by " + source + ".";
  if (description.size() > 1024) description = description.substr(0, 1021) + "...";
  auto text = std::make_shared<SharedText>();
  text->json = {{"description", description}, {"packageVulnerabilityDetails", details}};
  if (!a.references.empty()) {
    text->json["remediation"] = {{"recommendation", {{"Url", a.references.front().url}}}};
  }
  if (m.score.inspector_score) {
    Json adjusted = {{"scoreSource", m.score.basis}, {"version", ""},
                     {"score", *m.score.inspector_score}, {"scoringVector", m.score.vector},
                     {"adjustments", Json::array()}};
    for (const auto& c : a.cvss) {
      if (c.vector == m.score.vector) {
        adjusted["version"] = c.version;
        adjusted["cvssSource"] = c.source;
      }
    }
    text->json["inspectorScoreDetails"] = {{"adjustedCvss", adjusted}};
  }
  text->body = DumpJson(text->json);
  text->key = m.vulnerability_id + "|" + source;
  return text;
}

std::shared_ptr<const SharedText> BuildText(const match::Match& m) {
  return BuildText(m, VulnerabilitySource(m));
}

}  // namespace

std::shared_ptr<const SharedText> TextCache::Get(const match::Match& m) {
  Key key{m.advisory.get(), m.vulnerability_id, VulnerabilitySource(m)};
  auto it = entries_.find(key);
  if (it != entries_.end()) return it->second.text;
  auto text = BuildText(m);
  entries_.emplace(std::move(key), Entry{m.advisory, text});
  return text;
}

VulnerabilityScore ScoreFor(const std::string& vulnerability_id,
                            std::shared_ptr<const match::LoadedAdvisory> advisory,
                            const std::string& source) {
  match::Match m;
  m.vulnerability_id = vulnerability_id;
  m.advisory = std::move(advisory);
  m.score = vulndb::DeriveSeverity(m.advisory->advisory);  // as the matcher scores a match
  VulnerabilityScore out;
  out.text = BuildText(m, source);
  out.score_key = out.text->key;
  out.severity = std::string(vulndb::SeverityName(m.score.severity));
  if (m.score.inspector_score) out.inspector_score = *m.score.inspector_score;
  return out;
}

namespace {

std::vector<std::string> Related(const match::Match& m) {
  const vulndb::Advisory& a = m.advisory->advisory;
  std::vector<std::string> related;
  for (const auto& alias : a.aliases) {
    if (alias != m.vulnerability_id) related.push_back(alias);
  }
  if (a.id != m.vulnerability_id) related.push_back(a.id);
  return related;
}

// Everything DetailJson reads, hashed: equal fingerprints mean equal details.
std::string DetailFingerprint(const match::Match& m, const analyze::Inventory& inventory) {
  Hasher h;
  auto put = [&](std::string_view s) {
    h.Update(s);
    h.Update(std::string_view("\x1f", 1));
  };
  put(m.vulnerability_id);
  put(VulnerabilitySource(m));
  put(m.package_key);
  put(match::FixedInVersion(m));
  put(m.advisory->advisory.vendor_severity);
  for (const auto& r : Related(m)) put(r);
  put("packages");
  for (size_t i : m.packages) {
    const analyze::Package& p = inventory.packages[i];
    put(analyze::RowFor(p.type).type_name);
    put(p.name);
    put(p.version);
    put(p.arch);
    put(p.path);
    put(p.layer_digest);
  }
  return h.Finish().hex();
}

Json DetailJson(const match::Match& m, const analyze::Inventory& inventory) {
  const vulndb::Advisory& a = m.advisory->advisory;
  const std::string fixed = match::FixedInVersion(m);
  Json packages = Json::array();
  for (size_t i : m.packages) {
    const analyze::Package& p = inventory.packages[i];
    Json vp = {{"name", p.name},
               {"packageManager", PackageManagerName(p.type)},
               {"filePath", p.path},
               {"sourceLayerHash", p.layer_digest}};
    if (analyze::RowFor(p.type).os_package) {
      int epoch = 0;
      std::string version, release;
      SplitOsVersion(p.version, epoch, version, release);
      vp["version"] = version;
      vp["epoch"] = epoch;
      if (!release.empty()) vp["release"] = release;
    } else {
      vp["version"] = p.version;
    }
    if (!p.arch.empty()) vp["arch"] = p.arch;
    vp["fixedInVersion"] = fixed.empty() ? "NotAvailable" : fixed;
    if (!fixed.empty()) {
      vp["remediation"] = analyze::RowFor(p.type).os_package
                              ? "Upgrade " + p.name + " to " + fixed
                              : "Upgrade " + p.name + " to " + fixed + " or later";
    }
    packages.push_back(std::move(vp));
  }
  // What filters read stays in the finding's own part (source, vendor severity, related ids).
  Json details = {{"vulnerabilityId", m.vulnerability_id},
                  {"source", VulnerabilitySource(m)},
                  {"vulnerablePackages", packages},
                  {"relatedVulnerabilities", Related(m)}};
  if (!a.vendor_severity.empty()) details["vendorSeverity"] = a.vendor_severity;
  const std::string recommendation =
      fixed.empty() ? "No fixed version is available yet."
                    : "Upgrade " + m.package_key + " to " + fixed + " or later.";
  return {{"remediation", {{"recommendation", {{"text", recommendation}}}}},
          {"packageVulnerabilityDetails", details}};
}

}  // namespace

FindingFacts FactsFor(const match::Match& m, const analyze::Inventory& inventory,
                      TextCache* cache, bool lazy_detail) {
  const vulndb::Advisory& a = m.advisory->advisory;
  FindingFacts f;
  f.key = m.vulnerability_id + "|" + m.ecosystem + "|" + m.package_key;
  f.vulnerability_id = m.vulnerability_id;
  f.title = match::FindingTitle(m);
  f.severity = std::string(vulndb::SeverityName(m.score.severity));
  if (m.score.inspector_score) f.inspector_score = *m.score.inspector_score;
  f.fix_available = std::string(versions::FixAvailableName(m.fix_available));
  f.exploit_available = a.kev ? "YES" : "NO";
  if (a.epss_score) f.epss = *a.epss_score;
  f.package_name = m.package_key;
  if (!m.packages.empty()) {
    f.package_manager = std::string(PackageManagerName(inventory.packages[m.packages[0]].type));
  }
  f.text = cache ? cache->Get(m) : BuildText(m);
  f.score_key = f.text->key;
  f.fingerprint = DetailFingerprint(m, inventory);
  if (lazy_detail) {
    f.build_detail = [&m, &inventory] { return DetailJson(m, inventory); };
  } else {
    f.detail = DetailJson(m, inventory);
  }
  return f;
}

FindingFacts WithDetail(const FindingFacts& f) {
  FindingFacts out = f;
  if (out.detail.is_null() && out.build_detail) out.detail = out.build_detail();
  return out;
}

Json FindingJson(const FindingFacts& f, const ImageContext& image, const std::string& arn,
                 const std::string& status, TimePoint first_observed, TimePoint last_observed,
                 TimePoint updated) {
  Json container = {{"repositoryName", image.repository},
                    {"imageHash", image.digest},
                    {"registry", image.account_id},
                    {"imageTags", image.tags},
                    {"pushedAt", ToEpochSeconds(image.pushed_at)}};
  if (!image.architecture.empty()) container["architecture"] = image.architecture;
  if (!image.platform.empty()) container["platform"] = image.platform;
  Json j = {{"findingArn", arn},
            {"awsAccountId", image.account_id},
            {"type", "PACKAGE_VULNERABILITY"},
            {"title", f.title},
            {"severity", f.severity},
            {"status", status},
            {"firstObservedAt", ToEpochSeconds(first_observed)},
            {"lastObservedAt", ToEpochSeconds(last_observed)},
            {"updatedAt", ToEpochSeconds(updated)},
            {"fixAvailable", f.fix_available},
            {"exploitAvailable", f.exploit_available},
            {"resources", Json::array({{{"type", "AWS_ECR_CONTAINER_IMAGE"},
                                        {"id", ImageResourceId(image)},
                                        {"partition", "aws"},
                                        {"region", image.region},
                                        {"details", {{"awsEcrContainerImage", container}}}}})}};
  for (const auto& [k, v] : f.detail.items()) j[k] = v;
  if (f.text) j.merge_patch(f.text->json);
  if (f.inspector_score >= 0) j["inspectorScore"] = f.inspector_score;
  if (f.epss >= 0) j["epss"] = {{"score", f.epss}};
  return j;
}

}  // namespace surveyor::findings
