// Severity derivation and the inspectorScore. Rules (issue 4): for distro advisories a vendor
// severity wins; otherwise the CVSS bands of the preferred CVSS entry (the record's own before
// NVD; v3.1, v3.0, v4.0, v2 in that order); UNTRIAGED when nothing scores it. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vulndb/advisory.h"

namespace surveyor::vulndb {

// 0.1–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0–10 CRITICAL; 0 → INFORMATIONAL.
Severity SeverityFromScore(double score);

// A vendor label (Debian urgency, Ubuntu priority, Red Hat impact, Alpine/npm labels) as a
// Severity; nullopt when the label carries no severity ("not yet assigned", "unknown", "").
std::optional<Severity> SeverityFromVendor(std::string_view label);

struct ScoreSummary {
  Severity severity = Severity::kUntriaged;
  std::optional<double> inspector_score;  // the chosen CVSS base score
  std::string basis;  // "vendor", "cvss:<source>:<version>", "none"
  std::string vector;  // the chosen CVSS vector
};

ScoreSummary DeriveSeverity(const Advisory& a);

}  // namespace surveyor::vulndb
