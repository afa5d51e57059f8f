#include "vulndb/severity.h"

#include <algorithm>
#include <cctype>

#include "vulndb/ecosystems.h"

namespace surveyor::vulndb {

Severity SeverityFromScore(double score) {
  if (score >= 9.0) return Severity::kCritical;
  if (score >= 7.0) return Severity::kHigh;
  if (score >= 4.0) return Severity::kMedium;
  if (score >= 0.1) return Severity::kLow;
  return Severity::kInformational;
}

std::optional<Severity> SeverityFromVendor(std::string_view label) {
  std::string l;
  for (char c : label) {
    if (c == '*') continue;
    l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!l.empty() && l.back() == ' ') l.pop_back();
  if (l == "critical") return Severity::kCritical;
  if (l == "high" || l == "important") return Severity::kHigh;
  if (l == "medium" || l == "moderate") return Severity::kMedium;
  if (l == "low") return Severity::kLow;
  if (l == "unimportant" || l == "negligible" || l == "informational" || l == "none") {
    return Severity::kInformational;
  }
  return std::nullopt;
}

namespace {

int VersionRank(std::string_view v) {
  if (v == "3.1") return 0;
  if (v == "3.0" || v == "3.x") return 1;
  if (v == "4.0") return 2;
  if (v == "2.0") return 3;
  return 4;
}

}  // namespace

ScoreSummary DeriveSeverity(const Advisory& a) {
  ScoreSummary out;
  bool distro = false;
  for (const Affected& af : a.affected) distro = distro || IsDistroEcosystem(af.package.ecosystem);
  const CvssEntry* best = nullptr;
  auto better = [](const CvssEntry& x, const CvssEntry& y) {
    const bool xn = x.source == "nvd", yn = y.source == "nvd";
    if (xn != yn) return !xn;
    if (VersionRank(x.version) != VersionRank(y.version)) {
      return VersionRank(x.version) < VersionRank(y.version);
    }
    return x.base_score > y.base_score;  // deterministic: the higher of equals
  };
  for (const CvssEntry& c : a.cvss) {
    if (best == nullptr || better(c, *best)) best = &c;
  }
  if (best != nullptr) {
    out.inspector_score = best->base_score;
    out.vector = best->vector;
  }
  if (distro) {
    if (auto s = SeverityFromVendor(a.vendor_severity)) {
      out.severity = *s;
      out.basis = "vendor";
      return out;
    }
  }
  if (best != nullptr) {
    out.severity = SeverityFromScore(best->base_score);
    out.basis = "cvss:" + best->source + ":" + best->version;
    return out;
  }
  out.basis = "none";
  return out;
}

}  // namespace surveyor::vulndb
