// The registry scanning configuration (ECR PutRegistryScanningConfiguration, SPEC §6.3): scan
// type BASIC|ENHANCED and up to two rules {scanFrequency, repositoryFilters}. Parsing/validation
// and the pure rule evaluation "which scanFrequency applies to repository X" that both the ECR
// API and the scan service use; Load/Save keep it in registry_settings. Value types; the pure
// functions are thread-safe, Load/Save lock the Database.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "store/sqlite.h"

namespace surveyor::registry {

struct ScanningRule {
  std::string scan_frequency;                   // SCAN_ON_PUSH | CONTINUOUS_SCAN | MANUAL
  std::vector<std::string> repository_filters;  // WILDCARD filters
};

struct ScanningConfiguration {
  std::string scan_type = "BASIC";  // BASIC | ENHANCED
  std::vector<ScanningRule> rules;
};

inline constexpr size_t kMaxScanningRules = 2;
inline constexpr size_t kMaxRepositoryFilters = 100;

// Validates the request members {scanType?, rules?}; errors are ValidationException (domain
// code) naming the field, e.g. "rules.1.member.scanFrequency".
Result<ScanningConfiguration> ParseScanningConfiguration(const Json& request);
// {"scanType": ..., "rules": [{"scanFrequency", "repositoryFilters": [{filter, filterType}]}]}
Json ScanningConfigurationToJson(const ScanningConfiguration& config);

// A scanning filter: no `*` matches any name containing it; with `*` it is an anchored glob.
bool ScanningFilterMatches(std::string_view repository, std::string_view filter);

struct EffectiveScanning {
  std::string scan_frequency;                    // MANUAL, SCAN_ON_PUSH, CONTINUOUS_SCAN; ""
                                                 // when ENHANCED and no rule matches (off)
  bool scan_on_push = false;
  std::vector<std::string> applied_filters;      // the filters of the winning rule that matched
};
// The rule that applies to `repository`. `repository_scan_on_push` is the repository's legacy
// imageScanningConfiguration.scanOnPush, honoured under BASIC when no rule matches. Under
// ENHANCED, CONTINUOUS_SCAN wins over SCAN_ON_PUSH; ENHANCED with no rules scans everything
// continuously. Pure.
EffectiveScanning EffectiveScanningFor(const ScanningConfiguration& config,
                                       std::string_view repository, bool repository_scan_on_push);

// Stored in registry_settings under "scanning_configuration"; the default when never set.
Result<ScanningConfiguration> LoadScanningConfiguration(store::Database& db);
Status SaveScanningConfiguration(store::Database& db, const ScanningConfiguration& config);

}  // namespace surveyor::registry
