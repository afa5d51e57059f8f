// OSV ecosystem names as vulndb needs them: which ecosystems are known, which are distributions,
// and how package names are normalised for the package index (PEP 503 for PyPI, lowercase for
// Debian/Alpine/Packagist/NuGet, case kept for npm, Go, Maven, crates.io, RubyGems).
// A local stand-in until src/versions/ecosystem.h lands on main; pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace surveyor::vulndb {

// "Debian:12" → "Debian"; "PyPI" → "PyPI".
std::string_view EcosystemBase(std::string_view ecosystem);
// True when the base name is an OSV ecosystem we know.
bool IsKnownEcosystem(std::string_view ecosystem);
// True for Linux distributions (vendor severity wins there).
bool IsDistroEcosystem(std::string_view ecosystem);
// The index key for a package name in an ecosystem.
std::string NormalizePackageName(std::string_view ecosystem, std::string_view name);

}  // namespace surveyor::vulndb
