// vulndb's view of OSV ecosystems. There is one ecosystem table, src/versions/ecosystem.h; these
// functions only forward to it, so that the package index is written (ImportSession) and read
// (VulnDb::Lookup, PackageIndex, the scan service's inverted index) with exactly the name
// normalisation the matcher uses. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace surveyor::vulndb {

// "Debian:12" → "Debian"; "PyPI" → "PyPI" (as written: no trimming or case folding).
std::string_view EcosystemBase(std::string_view ecosystem);
// True when versions::FindEcosystem knows the ecosystem (base matched case-insensitively).
bool IsKnownEcosystem(std::string_view ecosystem);
// True for Linux distributions (vendor severity wins there).
bool IsDistroEcosystem(std::string_view ecosystem);
// The index key for a package name in an ecosystem: versions::NormalizePackageName.
std::string NormalizePackageName(std::string_view ecosystem, std::string_view name);

}  // namespace surveyor::vulndb
