// The ecosystem table: OSV ecosystem names (including distro forms such as "Debian:12",
// "Alpine:v3.19", "Ubuntu:22.04:LTS", "Rocky Linux:9") mapped to the version scheme that orders
// their versions and to the rule that normalises their package names for lookups.
// The table is static and immutable; every function here is pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

// "Debian:12" → {"Debian", "12"}; "Ubuntu:22.04:LTS" → {"Ubuntu", "22.04:LTS"}; "PyPI" → {"PyPI", ""}.
struct Ecosystem {
  std::string base;     // canonical spelling of the ecosystem, as OSV writes it
  std::string release;  // everything after the first ':', empty when absent
};

// How package names are compared within an ecosystem.
enum class NameRule {
  kExact,      // case-sensitive, as published (npm, Go, crates.io, RubyGems, apk, rpm)
  kLowercase,  // case-insensitive (NuGet, Packagist, Debian, Hex, Pub)
  kPep503,     // lowercase, runs of '-', '_' and '.' become one '-' (PyPI)
  kMaven,      // "groupId:artifactId", surrounding blanks trimmed on both parts
};

struct EcosystemInfo {
  std::string_view name;         // OSV base name, e.g. "Debian", "crates.io"
  std::string_view scheme_name;  // FindScheme() key; empty when no scheme orders this ecosystem
  NameRule name_rule;
  bool has_release;              // the OSV name may carry ":<release>"
  bool distro;                   // a Linux distribution (its vendor severity wins over CVSS)
};

// Parses an OSV ecosystem string. The base is matched case-insensitively and returned in its
// canonical spelling. Unknown bases, empty or over-long input → InvalidArgument.
Result<Ecosystem> ParseEcosystem(std::string_view osv_name);

// The table row for an OSV ecosystem string (release part ignored); nullptr when unknown.
const EcosystemInfo* FindEcosystem(std::string_view osv_ecosystem);

// Normalises a package name for comparison within `osv_ecosystem` (unknown → returned as is).
// This is the one normalisation of the project: vulndb's package index is written and read
// with it, and the matcher and the scan service's inverted index key packages with it.
std::string NormalizePackageName(std::string_view osv_ecosystem, std::string_view name);

// The ecosystem in its canonical spelling: "pypi" → "PyPI", " Debian:12 " → "Debian:12".
// Same errors as ParseEcosystem.
Result<std::string> CanonicalEcosystem(std::string_view osv_name);

// True for Linux distributions (table column `distro`); false when unknown.
bool IsDistroEcosystem(std::string_view osv_ecosystem);

// The scheme ordering versions of `osv_ecosystem`; nullptr if unknown or unordered (e.g. "GIT"-only).
const Scheme* SchemeForEcosystem(std::string_view osv_ecosystem);

// Every row, for tests and documentation.
std::span<const EcosystemInfo> AllEcosystems();

}  // namespace surveyor::versions
