// The OSV `affected[]` evaluator (OSV schema 1.6): is one installed version inside the ranges and
// versions lists of an affected entry, which range says so, and which versions fix it.
// Pure functions over parsed JSON (surveyor::Json); no I/O, no logging; thread-safe.
// Ranges of type ECOSYSTEM use the ecosystem's scheme, SEMVER ranges the "semver" scheme, GIT
// ranges are skipped (only the entry's `versions` list can match for them).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

enum class FixAvailable { kYes, kNo, kPartial };
std::string_view FixAvailableName(FixAvailable f);  // "YES", "NO", "PARTIAL"

// One reason the version is affected.
struct AffectedBy {
  std::string description;  // e.g. "ranges[0] ECOSYSTEM introduced 0, fixed 1.2.3" or "versions[4]"
  std::string fixed;        // the fix closing the interval holding the version; empty if none
};

struct Evaluation {
  bool affected = false;
  std::vector<AffectedBy> by;              // every range or list entry that matched
  std::vector<std::string> fixed_versions;  // distinct applicable fixes, ascending by scheme
  FixAvailable fix_available = FixAvailable::kNo;  // YES: every match offers a fix; PARTIAL: some
  std::vector<std::string> warnings;       // events skipped because their version did not parse
};

// Evaluates one `affected[]` entry. `scheme` orders ECOSYSTEM ranges (the caller usually takes it
// from SchemeForEcosystem). Errors: the installed version does not parse under the scheme a
// matching range needs, or the entry is not an object.
Result<Evaluation> EvaluateAffected(const Json& affected_entry, const Scheme& scheme,
                                    std::string_view version);

// Several entries naming the same package: affected if any says so; fixes merged and the smallest
// fixes above the version kept (one per matching entry).
Result<Evaluation> EvaluateAffectedEntries(const std::vector<const Json*>& entries,
                                           const Scheme& scheme, std::string_view version);

// Helper for whole records: the `affected[]` entries of `osv_record` whose package matches
// (ecosystem equal by base and release, name equal after NormalizePackageName).
std::vector<const Json*> EntriesForPackage(const Json& osv_record, std::string_view ecosystem,
                                           std::string_view name);

}  // namespace surveyor::versions
