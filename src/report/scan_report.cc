#include "report/scan_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace surveyor::report {
namespace {

using match::FindingTitle;
using match::FixedInVersion;

using vulndb::Severity;

std::string SeverityOf(const match::Match& m) {
  return std::string(vulndb::SeverityName(m.score.severity));
}

std::string Description(const match::Match& m) {
  const auto& a = m.advisory->advisory;
  if (!a.details.empty()) return a.details.substr(0, 1024);
  if (!a.summary.empty()) return a.summary.substr(0, 1024);
  return "No description provided.";
}

std::string AdvisoryUrl(const match::Match& m) {
  const auto& a = m.advisory->advisory;
  for (const auto& r : a.references) {
    if (r.type == "ADVISORY" || r.type == "WEB") return r.url;
  }
  return a.references.empty() ? std::string() : a.references.front().url;
}

// Inspector's packageManager names for our package types.
std::string_view PackageManager(analyze::PackageType t) {
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

Json MatchJson(const analyze::ImageAnalysis& a, const match::Match& m) {
  Json packages = Json::array();
  for (size_t i : m.packages) {
    const auto& p = a.inventory.packages[i];
    packages.push_back({{"name", p.name},
                        {"version", p.version},
                        {"packageManager", PackageManager(p.type)},
                        {"filePath", p.path},
                        {"sourceLayerHash", p.layer_digest},
                        {"purl", p.purl},
                        {"fixedInVersion", FixedInVersion(m)}});
  }
  Json cvss = Json::array();
  for (const auto& c : m.advisory->advisory.cvss) {
    cvss.push_back({{"source", c.source}, {"version", c.version}, {"scoringVector", c.vector},
                    {"baseScore", c.base_score}});
  }
  Json j = {{"vulnerabilityId", m.vulnerability_id},
            {"title", FindingTitle(m)},
            {"severity", SeverityOf(m)},
            {"ecosystem", m.ecosystem},
            {"package", m.package_key},
            {"version", m.version},
            {"fixedInVersion", FixedInVersion(m)},
            {"fixAvailable", std::string(versions::FixAvailableName(m.fix_available))},
            {"aliases", m.advisory->advisory.aliases},
            {"description", Description(m)},
            {"cvss", cvss},
            {"exploitAvailable", m.advisory->advisory.kev ? "YES" : "NO"},
            {"vulnerablePackages", packages}};
  if (m.score.inspector_score) j["inspectorScore"] = *m.score.inspector_score;
  if (!m.advisory->advisory.vendor_severity.empty()) {
    j["vendorSeverity"] = m.advisory->advisory.vendor_severity;
  }
  if (m.advisory->advisory.epss_score) j["epss"] = {{"score", *m.advisory->advisory.epss_score}};
  if (!m.state.empty()) j["distroState"] = m.state;
  if (const std::string url = AdvisoryUrl(m); !url.empty()) j["sourceUrl"] = url;
  return j;
}

Json CountsJson(const SeverityCounts& c) {
  return {{"critical", c.critical}, {"high", c.high},       {"medium", c.medium},
          {"low", c.low},           {"informational", c.informational},
          {"untriaged", c.untriaged}, {"total", c.total()}};
}

std::string RenderJson(const analyze::ImageAnalysis& a,
                       const std::vector<const match::Match*>& matches) {
  Json findings = Json::array();
  for (const auto* m : matches) findings.push_back(MatchJson(a, *m));
  Json j = {{"image",
             {{"reference", a.info.reference},
              {"manifestDigest", a.info.manifest_digest},
              {"platform", a.info.platform},
              {"os", {{"id", a.inventory.os.id}, {"versionId", a.inventory.os.version_id}}}}},
            {"packages", a.inventory.packages.size()},
            {"findings", findings},
            {"severityCounts", CountsJson(CountSeverities(matches))}};
  return DumpJson(j, 2) + "\n";
}

std::string RenderTable(const analyze::ImageAnalysis& a,
                        const std::vector<const match::Match*>& matches) {
  std::string out = fmt::format("{} ({}{}{})\n", a.info.reference,
                                a.inventory.os.pretty_name.empty() ? "unknown OS"
                                                                   : a.inventory.os.pretty_name,
                                a.info.platform.empty() ? "" : ", ", a.info.platform);
  const SeverityCounts c = CountSeverities(matches);
  out += fmt::format("{} packages, {} findings (CRITICAL {}, HIGH {}, MEDIUM {}, LOW {}, "
                     "UNTRIAGED {})\n\n",
                     a.inventory.packages.size(), c.total(), c.critical, c.high, c.medium, c.low,
                     c.untriaged + c.informational);
  if (matches.empty()) return out;
  out += fmt::format("{:<20} {:<10} {:<32} {:<24} {:<24}\n", "VULNERABILITY", "SEVERITY",
                     "PACKAGE", "INSTALLED", "FIXED IN");
  for (const auto* m : matches) {
    std::string fixed = FixedInVersion(*m);
    if (fixed.empty()) fixed = m->state.empty() ? "(no fix)" : "(" + m->state + ")";
    out += fmt::format("{:<20} {:<10} {:<32} {:<24} {:<24}\n", m->vulnerability_id,
                       SeverityOf(*m), m->package_key, m->version, fixed);
  }
  return out;
}

std::string SarifLevel(Severity s) {
  switch (s) {
    case Severity::kCritical:
    case Severity::kHigh: return "error";
    case Severity::kMedium: return "warning";
    default: return "note";
  }
}

std::string RenderSarif(const analyze::ImageAnalysis& a,
                        const std::vector<const match::Match*>& matches,
                        const SbomContext& ctx) {
  Json rules = Json::array();
  Json results = Json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto* m : matches) {
    if (!rule_index.count(m->vulnerability_id)) {
      rule_index[m->vulnerability_id] = rules.size();
      Json rule = {{"id", m->vulnerability_id},
                   {"name", "PackageVulnerability"},
                   {"shortDescription", {{"text", FindingTitle(*m)}}},
                   {"fullDescription", {{"text", Description(*m)}}},
                   {"help", {{"text", "Upgrade " + m->package_key +
                                          (FixedInVersion(*m).empty()
                                               ? std::string(": no fixed version is known yet.")
                                               : " to " + FixedInVersion(*m) + " or later.")}}},
                   {"defaultConfiguration", {{"level", SarifLevel(m->score.severity)}}},
                   {"properties",
                    {{"tags", Json::array({"security", "vulnerability", SeverityOf(*m)})},
                     {"precision", "very-high"}}}};
      if (m->score.inspector_score) {
        rule["properties"]["security-severity"] = fmt::format("{:.1f}", *m->score.inspector_score);
      }
      if (const std::string url = AdvisoryUrl(*m); !url.empty()) rule["helpUri"] = url;
      rules.push_back(std::move(rule));
    }
    for (size_t i : m->packages) {
      const auto& p = a.inventory.packages[i];
      results.push_back(
          {{"ruleId", m->vulnerability_id},
           {"ruleIndex", rule_index[m->vulnerability_id]},
           {"level", SarifLevel(m->score.severity)},
           {"message", {{"text", fmt::format("{} {} in {} is affected by {} ({}).", p.name,
                                             p.version, a.info.reference, m->vulnerability_id,
                                             SeverityOf(*m))}}},
           {"locations",
            Json::array({{{"physicalLocation",
                           {{"artifactLocation", {{"uri", p.path.empty() ? a.info.reference : p.path}}},
                            {"region", {{"startLine", 1}}}}}}})}});
    }
  }
  Json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", Json::array({{{"tool", {{"driver", {{"name", "Surveyor"},
                                                    {"version", ctx.tool_version},
                                                    {"informationUri", "https://example.invalid/surveyor"},
                                                    {"rules", rules}}}}},
                             {"results", results}}})}};
  return DumpJson(sarif, 2) + "\n";
}

std::string RenderCycloneDx(const analyze::ImageAnalysis& a,
                            const std::vector<const match::Match*>& matches,
                            const SbomContext& ctx) {
  auto doc = ParseJson(RenderSbom(a, SbomFormat::kCycloneDx, ctx));
  if (!doc.ok()) return RenderSbom(a, SbomFormat::kCycloneDx, ctx);
  const std::vector<std::string> refs = ComponentRefs(a.inventory);
  Json vulns = Json::array();
  for (const auto* m : matches) {
    Json affects = Json::array();
    for (size_t i : m->packages) affects.push_back({{"ref", refs[i]}});
    Json ratings = Json::array();
    for (const auto& c : m->advisory->advisory.cvss) {
      const std::string method = c.version == "2.0"   ? "CVSSv2"
                                 : c.version == "4.0" ? "CVSSv4"
                                 : c.version == "3.0" ? "CVSSv3"
                                                      : "CVSSv31";
      ratings.push_back({{"source", {{"name", c.source}}},
                         {"score", c.base_score},
                         {"method", method},
                         {"vector", c.vector}});
    }
    std::string severity = SeverityOf(*m);
    std::transform(severity.begin(), severity.end(), severity.begin(), ::tolower);
    if (severity == "untriaged") severity = "unknown";
    if (severity == "informational") severity = "info";
    ratings.push_back({{"severity", severity}, {"method", "other"}});
    Json v = {{"id", m->vulnerability_id},
              {"ratings", ratings},
              {"description", Description(*m)},
              {"affects", affects}};
    if (const std::string url = AdvisoryUrl(*m); !url.empty()) {
      v["source"] = {{"name", "advisory"}, {"url", url}};
    }
    if (!FixedInVersion(*m).empty()) v["recommendation"] = "Upgrade to " + FixedInVersion(*m);
    vulns.push_back(std::move(v));
  }
  (*doc)["vulnerabilities"] = vulns;
  return DumpJson(*doc, 2) + "\n";
}

}  // namespace

bool ParseScanFormat(std::string_view name, ScanFormat& out) {
  if (name == "table") out = ScanFormat::kTable;
  else if (name == "json") out = ScanFormat::kJson;
  else if (name == "sarif") out = ScanFormat::kSarif;
  else if (name == "cyclonedx") out = ScanFormat::kCycloneDx;
  else if (name == "spdx") out = ScanFormat::kSpdx;
  else return false;
  return true;
}

SeverityCounts CountSeverities(const std::vector<const match::Match*>& matches) {
  SeverityCounts c;
  for (const auto* m : matches) {
    switch (m->score.severity) {
      case Severity::kCritical: ++c.critical; break;
      case Severity::kHigh: ++c.high; break;
      case Severity::kMedium: ++c.medium; break;
      case Severity::kLow: ++c.low; break;
      case Severity::kInformational: ++c.informational; break;
      case Severity::kUntriaged: ++c.untriaged; break;
    }
  }
  return c;
}

std::string RenderScan(const analyze::ImageAnalysis& analysis,
                       const std::vector<const match::Match*>& matches, ScanFormat format,
                       const SbomContext& ctx) {
  switch (format) {
    case ScanFormat::kTable: return RenderTable(analysis, matches);
    case ScanFormat::kJson: return RenderJson(analysis, matches);
    case ScanFormat::kSarif: return RenderSarif(analysis, matches, ctx);
    case ScanFormat::kCycloneDx: return RenderCycloneDx(analysis, matches, ctx);
    case ScanFormat::kSpdx: return RenderSbom(analysis, SbomFormat::kSpdx, ctx);
  }
  return {};
}

}  // namespace surveyor::report
