// SemVer 2.0 and its relatives. One parser core, several rule sets:
//   "semver": SemVer 2.0 as OSV SEMVER ranges use it: optional leading 'v', numbers of any size,
//             build metadata ignored; components after the third are treated as build metadata.
//   "npm":    node-semver's rules (strict by default): numbers at most 2^53-1, at most 256
//             characters, leading 'v' (and, in loose mode, '=' and blanks) accepted.
//   "cargo":  crates.io (SemVer 2.0, no 'v'); "hex" and "pub" alike.
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
};

// The parts of a parsed SemVer; views into the text given to ParseSemverParts.
struct SemverParts {
  std::string_view major, minor, patch;  // digit runs (minor/patch may be empty when partial)
  std::vector<std::string_view> prerelease;
  std::vector<std::string_view> build;
};

// Parses `text` under `options`. Errors are InvalidArgument naming `scheme` and the reason.
Result<SemverParts> ParseSemverParts(std::string_view scheme, std::string_view text,
                                     const SemverOptions& options);

// Appends the memcmp key of `parts` (build metadata is not part of it).
void AppendSemverKey(std::string& key, const SemverParts& parts);

// node-semver parsing with an explicit loose flag (the "npm" scheme is strict); for the fixtures
// and the range matcher.
Result<Version> ParseNpmVersion(std::string_view text, bool loose);

const Scheme& SemverScheme();
const Scheme& NpmScheme();
const Scheme& CargoScheme();
const Scheme& HexScheme();
const Scheme& PubScheme();

}  // namespace surveyor::versions
