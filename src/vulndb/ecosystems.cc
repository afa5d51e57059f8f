#include "vulndb/ecosystems.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace surveyor::vulndb {
namespace {

constexpr std::array<std::string_view, 20> kDistros = {
    "AlmaLinux", "Alpine",    "Azure Linux", "Chainguard", "Debian",   "Mageia", "MinimOS",
    "openEuler", "openSUSE", "Photon OS",   "Red Hat",    "Rocky Linux", "SUSE", "Ubuntu",
    "Wolfi",     "Echo",      "Amazon Linux", "Oracle Linux", "CentOS", "Fedora"};

constexpr std::array<std::string_view, 22> kLanguage = {
    "Android", "Bitnami", "CRAN", "crates.io", "GHC", "GitHub Actions", "Go", "Hackage",
    "Hex", "Linux", "Maven", "npm", "NuGet", "OSS-Fuzz", "Packagist", "Pub", "PyPI",
    "RubyGems", "SwiftURL", "ConanCenter", "GIT", "opam"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view EcosystemBase(std::string_view ecosystem) {
  const size_t colon = ecosystem.find(':');
  return colon == std::string_view::npos ? ecosystem : ecosystem.substr(0, colon);
}

bool IsDistroEcosystem(std::string_view ecosystem) {
  const std::string_view base = EcosystemBase(ecosystem);
  return std::find(kDistros.begin(), kDistros.end(), base) != kDistros.end();
}

bool IsKnownEcosystem(std::string_view ecosystem) {
  const std::string_view base = EcosystemBase(ecosystem);
  return IsDistroEcosystem(base) ||
         std::find(kLanguage.begin(), kLanguage.end(), base) != kLanguage.end();
}

std::string NormalizePackageName(std::string_view ecosystem, std::string_view name) {
  const std::string_view base = EcosystemBase(ecosystem);
  if (base == "PyPI") {
    // PEP 503: lowercase, runs of '-', '_' and '.' become one '-'.
    std::string out;
    bool in_sep = false;
    for (char c : name) {
      if (c == '-' || c == '_' || c == '.') {
        if (!in_sep) out.push_back('-');
        in_sep = true;
      } else {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        in_sep = false;
      }
    }
    return out;
  }
  if (base == "NuGet" || base == "Packagist" || base == "Debian" || base == "Ubuntu" ||
      base == "Alpine" || base == "Hex" || base == "Pub") {
    return Lower(name);
  }
  // npm (scopes kept: "@scope/name"), Go module paths, Maven "group:artifact", crates.io,
  // RubyGems and the rest compare as published.
  return std::string(name);
}

}  // namespace surveyor::vulndb
