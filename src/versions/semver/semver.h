// SemVer 2.0 and its relatives. One parser core, several rule sets:
//   "semver": SemVer 2.0 as OSV SEMVER ranges use it: optional leading 'v', numbers of any size,
//             build metadata ignored; components after the third are treated as build metadata.
//   "npm":    node-semver's rules (strict by default): numbers at most 2^53-1, at most 256
//             characters, leading 'v' (and, in loose mode, '=' and blanks) accepted.
//   "cargo":  crates.io (SemVer 2.0, no 'v'); "hex" alike.
//   "pub":    Dart's pub_semver: like "semver", but build metadata orders (1.0.0 < 1.0.0+1).
//   "nuget":  NuGet: up to four numbers (missing ones are 0), prerelease case-insensitive,
//             build metadata ignored.
// Prerelease ordering is SemVer's: numeric identifiers numerically and below alphanumeric ones.
// Keys compare with memcmp. Stateless singletons; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

struct SemverOptions {
  bool allow_v = true;             // "v1.2.3"
  bool loose = false;              // node-semver loose: leading '='/'v'/blanks, "1.2.3beta", 01
  bool npm_limits = false;         // 256 characters, numbers below 2^53-1
  bool partial = false;            // "1" and "1.2" allowed (missing parts are 0)
  bool extra_components = false;   // "1.2.3.4" allowed, the extra parts ignored like build
  bool four_part = false;          // NuGet: an optional fourth number (missing = 0)
  bool fold_case = false;          // NuGet: prerelease compared case-insensitively
  bool order_build = false;        // Pub: build metadata orders (absent < present)
  bool leading_zeros = false;      // NuGet: "1.0.01" = "1.0.1"
};

// The parts of a parsed SemVer; views into the text given to ParseSemverParts.
struct SemverParts {
  std::string_view major, minor, patch;  // digit runs (minor/patch may be empty when partial)
  std::string_view revision;             // NuGet's fourth number; empty otherwise
  std::vector<std::string_view> prerelease;
  std::vector<std::string_view> build;
};

// Parses `text` under `options`. Errors are InvalidArgument naming `scheme` and the reason.
Result<SemverParts> ParseSemverParts(std::string_view scheme, std::string_view text,
                                     const SemverOptions& options);

// Appends the memcmp key of `parts` (build metadata is not part of it).
// With `options.four_part` the revision is encoded too; `fold_case` lowercases prerelease
// identifiers; `order_build` appends the build identifiers (ordered like prerelease ones).
void AppendSemverKey(std::string& key, const SemverParts& parts,
                     const SemverOptions& options = {});

// node-semver parsing with an explicit loose flag (the "npm" scheme is strict); for the fixtures
// and the range matcher.
Result<Version> ParseNpmVersion(std::string_view text, bool loose);

const Scheme& SemverScheme();
const Scheme& NpmScheme();
const Scheme& CargoScheme();
const Scheme& HexScheme();
const Scheme& PubScheme();
const Scheme& NuGetScheme();

}  // namespace surveyor::versions
