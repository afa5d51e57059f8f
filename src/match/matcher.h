// The matcher: an image's inventory × the advisory data → matches, by the rules of MATCHING.md.
// OS packages match by source package against their distro release's own advisories only (never
// upstream ranges), honouring not-affected and unfixed states; language packages match by their
// ecosystem's normalised name; Go binaries match `stdlib` and each module; withdrawn records never
// match. One match per (vulnerability, ecosystem, package key), listing every installed package
// it covers. Stateless; thread-safe when the source is.
#pragma once

#include <string>
#include <vector>

#include "analyze/inventory.h"
#include "match/advisory_source.h"
#include "versions/osv_eval.h"
#include "vulndb/severity.h"

namespace surveyor::match {

struct MatchOptions {
  bool os_only = false;      // BASIC scanning: OS packages only
  bool include_dev = true;   // dev dependencies shipped in the image count by default
};

struct Match {
  std::string vulnerability_id;  // canonical id (the CVE when known)
  std::shared_ptr<const LoadedAdvisory> advisory;
  std::string ecosystem;         // "Debian:12", "npm", "Go", ...
  std::string package_key;       // source package for OS packages, the package name otherwise
  std::string version;           // the version that was evaluated
  std::vector<size_t> packages;  // indexes into Inventory::packages
  std::vector<std::string> fixed_versions;
  versions::FixAvailable fix_available = versions::FixAvailable::kNo;
  std::vector<std::string> affected_by;  // which ranges or lists matched
  std::string state;             // distro state when the record has one ("open", "no-dsa", ...)
  vulndb::ScoreSummary score;
};

struct MatchResult {
  std::vector<Match> matches;  // ordered by (vulnerability id, ecosystem, package key)
  std::vector<std::string> warnings;
  size_t packages_considered = 0;
};

// The fixed version to show for a match ("" when none): the smallest fix above the version.
std::string FixedInVersion(const Match& m);
// "CVE-2023-1234 - openssl", as Inspector titles findings.
std::string FindingTitle(const Match& m);

Result<MatchResult> MatchInventory(const analyze::Inventory& inventory, AdvisorySource& source,
                                   const MatchOptions& options = {});

// The (ecosystem, package key, version) a package is matched under; false when it cannot be
// matched (no ecosystem, a "(devel)" Go main module, an empty version).
struct MatchKey {
  std::string ecosystem;
  std::string name;
  std::string version;
};
bool KeyFor(const analyze::Package& p, MatchKey& out);

}  // namespace surveyor::match
