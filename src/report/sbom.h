// SBOM output formats for an analysed image: Surveyor's own JSON inventory, a human table,
// CycloneDX 1.5 JSON and SPDX 2.3 JSON. Pure functions of the analysis plus the document's
// creation time and a serial/namespace seed (so tests are deterministic).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "analyze/image_analysis.h"

namespace surveyor::report {

enum class SbomFormat { kJson, kTable, kCycloneDx, kSpdx };
bool ParseSbomFormat(std::string_view name, SbomFormat& out);

struct SbomContext {
  std::string tool_version = "0.1.0";
  std::string timestamp;  // "2026-12-01T09:00:00Z"; empty = now
  std::string uuid;       // serialNumber / namespace id; empty = random
};

std::string RenderSbom(const analyze::ImageAnalysis& analysis, SbomFormat format,
                       const SbomContext& ctx = {});

// The CycloneDX bom-ref of each inventory package, in inventory order: the purl (or
// name@version), suffixed "#N" when the same package sits in several files.
std::vector<std::string> ComponentRefs(const analyze::Inventory& inventory);

std::string NowUtc();
std::string RandomUuid();

}  // namespace surveyor::report
