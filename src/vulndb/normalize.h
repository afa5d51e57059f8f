// Normalisation shared by all importers: validates a parsed advisory (id, ecosystems, ranges),
// drops unusable affected entries and CVSS vectors with a recorded reason, computes CVSS base
// scores from OSV severity vectors, sorts and deduplicates aliases, sets the canonical id.
// Pure; thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "vulndb/advisory.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

// `cvss_source` names who made the CVSS assessments in the record (e.g. "ghsa", "osv").
// Issues that drop a part of the record are appended to `issues` (the record is kept); an error
// means the record as a whole is unusable and must be skipped with that reason.
Status NormalizeAdvisory(Advisory& a, std::string_view cvss_source, std::vector<Skip>& issues);

// True when `v` looks like a SemVer 2.0 version (OSV "SEMVER" ranges), or is "0".
bool IsSemverLike(std::string_view v);

// Adds a CVSS vector to the advisory's list (parsing it); false when the vector is invalid.
bool AddCvss(Advisory& a, std::string_view source, std::string_view vector);

}  // namespace surveyor::vulndb
