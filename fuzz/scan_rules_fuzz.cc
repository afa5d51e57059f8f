// Input: a JSON document, read both as a stored Inspector ecrConfiguration (rescan duration
// policy) and as a filter list whose SUPPRESS rules are compiled to SQL and applied to a small
// in-memory findings table. Nothing may crash, hang, or run SQL that fails to prepare: the
// criteria only ever reach SQLite as bound parameters.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "findings/store.h"
#include "findings/suppression.h"
#include "scan/eligibility.h"

using namespace surveyor;  // NOLINT

namespace {

store::Database& Db() {
  static std::unique_ptr<store::Database> db = [] {
    auto d = std::move(*store::Database::Open(":memory:"));
    if (!findings::Migrate(*d).ok()) std::abort();
    findings::ImageContext image;
    image.repository = "prod-app";
    image.digest = "sha256:" + std::string(64, 'a');
    findings::FindingFacts f;
    f.key = f.vulnerability_id = "CVE-2024-0001";
    f.title = "CVE-2024-0001 - zlib";
    f.severity = "HIGH";
    f.inspector_score = 7.5;
    f.fix_available = "YES";
    f.exploit_available = "NO";
    f.package_name = "zlib";
    f.fingerprint = "x";
    f.detail = {{"packageVulnerabilityDetails",
                 {{"vulnerablePackages", Json::array({{{"name", "zlib"}, {"epoch", 0}}})}}}};
    if (!findings::Reconcile(*d, image, {f}, FromEpochSeconds(1700000000)).ok()) std::abort();
    return d;
  }();
  return *db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  auto json = ParseJson(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!json.ok()) return 0;
  if (auto policy = scan::ParseRescanPolicy(*json); policy.ok()) {
    const TimePoint t = FromEpochSeconds(1700000000);
    (void)scan::Eligible(*policy, t, t, t + std::chrono::hours(24 * 365));
  }
  auto rules = findings::SuppressionRulesFromFilters(*json);
  if (!rules.ok()) return 0;
  auto applied = findings::ApplySuppressionRules(Db(), *rules, FromEpochSeconds(1700000100));
  // Criteria that validated must compile to SQL that runs.
  if (!applied.ok()) std::abort();
  return 0;
}
