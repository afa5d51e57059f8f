// Scan results as the CLI prints them: a table for people, Surveyor's JSON, SARIF 2.1.0 for code
// scanning dashboards, and CycloneDX 1.5 / SPDX 2.3 SBOMs carrying the vulnerabilities. Pure
// functions of the analysis, the matches to report, and the document context.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyze/image_analysis.h"
#include "match/matcher.h"
#include "report/sbom.h"

namespace surveyor::report {

enum class ScanFormat { kTable, kJson, kSarif, kCycloneDx, kSpdx };
bool ParseScanFormat(std::string_view name, ScanFormat& out);

// Severity counts, CRITICAL first.
struct SeverityCounts {
  int critical = 0, high = 0, medium = 0, low = 0, informational = 0, untriaged = 0;
  int total() const { return critical + high + medium + low + informational + untriaged; }
};
SeverityCounts CountSeverities(const std::vector<const match::Match*>& matches);

std::string RenderScan(const analyze::ImageAnalysis& analysis,
                       const std::vector<const match::Match*>& matches, ScanFormat format,
                       const SbomContext& ctx = {});


}  // namespace surveyor::report
