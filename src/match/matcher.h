// The matcher: an image's inventory × the advisory data → matches, by the rules of MATCHING.md.
// OS packages match by source package against their distro release's own advisories only (never
// upstream ranges), honouring not-affected and unfixed states; language packages match by their
// ecosystem's normalised name; Go binaries match `stdlib` and each module; withdrawn records never
// match. One match per (vulnerability, ecosystem, package key), listing every installed package
// it covers (copies of a package at several versions included: fixes are merged, and the fix is
// PARTIAL when only some of them have one). Stateless; thread-safe when the source is.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
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
  std::string version;           // the (first) version that was evaluated
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

// What the advisories say of one (ecosystem, package key, version): the same for every image
// that holds it, so a MatchCache keeps it across images until the advisory data changes.
struct PackageEvaluation {
  std::string vulnerability_id;
  std::shared_ptr<const LoadedAdvisory> advisory;
  std::vector<std::string> fixed_versions;
  versions::FixAvailable fix_available = versions::FixAvailable::kNo;
  std::vector<std::string> affected_by;
  std::string state;
  vulndb::ScoreSummary score;
};
struct PackageMatches {
  std::vector<PackageEvaluation> affected;  // in candidate order
  std::vector<std::string> warnings;
};

// Evaluations by (ecosystem, package key, version). Thread-safe; bounded (it starts over when
// full). Clear() it whenever the source's data changes.
class MatchCache {
 public:
  explicit MatchCache(size_t max_entries = 200000) : max_entries_(max_entries) {}
  std::shared_ptr<const PackageMatches> Find(const std::string& key);
  void Put(const std::string& key, std::shared_ptr<const PackageMatches> value);
  void Clear();

 private:
  size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const PackageMatches>> entries_;
};

// `cache` may be null.
Result<MatchResult> MatchInventory(const analyze::Inventory& inventory, AdvisorySource& source,
                                   const MatchOptions& options = {}, MatchCache* cache = nullptr);

// The (ecosystem, package key, version) a package is matched under; false when it cannot be
// matched (no ecosystem, a "(devel)" Go main module, an empty version).
struct MatchKey {
  std::string ecosystem;
  std::string name;
  std::string version;
};
bool KeyFor(const analyze::Package& p, MatchKey& out);

}  // namespace surveyor::match
