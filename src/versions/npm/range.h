// npm range expressions, with node-semver's semantics: comparators (<, <=, >, >=, =), x-ranges
// (1.x, 1.2.*, *), tilde (~1.2.3, ~>1.2), caret (^1.2.3), hyphen ranges (1.2 - 2.3.4) and
// "||" alternatives; prereleases only match a comparator set naming the same
// major.minor.patch with a prerelease, unless include_prerelease. Used when only declared
// ranges exist (a package.json without a lockfile). NpmRange is an immutable value;
// thread-compatible. Parsing is linear in the input and bounded by kMaxRangeLength.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

inline constexpr size_t kMaxRangeLength = 64 * 1024;

struct NpmRangeOptions {
  bool loose = false;               // node-semver "loose": 1.2.3beta, leading zeros, "=v" prefixes
  bool include_prerelease = false;  // prereleases match like any other version
};

class NpmRange {
 public:
  // One comparator after desugaring, e.g. ">=1.2.3-0"; the "any" comparator has op kAny.
  enum class Op { kAny, kEq, kLt, kLe, kGt, kGe };
  struct Comparator {
    Op op = Op::kAny;
    Version version;         // under the "npm" scheme
    std::string text;        // normalised "1.2.3-pre" (empty for kAny)
    std::string main;        // "1.2.3", for the prerelease rule
    bool prerelease = false;
  };

  // Parses a range; InvalidArgument when node-semver would throw "Invalid SemVer Range".
  static Result<NpmRange> Parse(std::string_view text, const NpmRangeOptions& options = {});

  // semver.satisfies(version, range): false when `version` is not a valid version.
  bool Satisfies(std::string_view version) const;
  bool Satisfies(const Version& version, bool has_prerelease, std::string_view main) const;

  // The canonical form node-semver prints (validRange): "<1.0.0 >=2.0.0||1.2.3", "*" for any.
  std::string ToString() const;

  // semver.gtr / semver.ltr: is the version above (below) every version the range allows?
  bool VersionAbove(std::string_view version) const;
  bool VersionBelow(std::string_view version) const;

  // semver.intersects(range, other): can one version satisfy both?
  bool Intersects(const NpmRange& other) const;

  // A single comparator ("", ">=1.2.3", "<2.0.0-0"), as `new Comparator(text)` reads it.
  static Result<Comparator> ParseComparator(std::string_view text,
                                            const NpmRangeOptions& options = {});
  // Comparator.intersects.
  static bool Intersects(const Comparator& a, const Comparator& b,
                         const NpmRangeOptions& options);

  const std::vector<std::vector<Comparator>>& sets() const { return sets_; }

 private:
  bool Outside(std::string_view version, bool above) const;

  NpmRangeOptions options_;
  std::vector<std::vector<Comparator>> sets_;
};

}  // namespace surveyor::versions
