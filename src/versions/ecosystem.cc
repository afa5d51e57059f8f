#include "versions/ecosystem.h"

#include <array>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::ToLower;

// OSV ecosystem names (schema 1.6 list) → scheme and name rule. Ecosystems with no scheme of
// ours keep an empty scheme name: they are recognised, but their ranges cannot be evaluated.
constexpr std::array<EcosystemInfo, 47> kTable = {{
    {"AlmaLinux", "rpm", NameRule::kExact, true, true},
    {"Alpaquita", "apk", NameRule::kExact, true, true},
    {"Alpine", "apk", NameRule::kExact, true, true},
    {"Amazon Linux", "rpm", NameRule::kExact, true, true},
    {"Android", "", NameRule::kExact, false, false},
    {"Azure Linux", "rpm", NameRule::kExact, true, true},
    {"BellSoft Hardened Containers", "apk", NameRule::kExact, true, true},
    {"Bioconductor", "cran", NameRule::kExact, false, false},
    {"Bitnami", "semver", NameRule::kExact, false, false},
    {"CentOS", "rpm", NameRule::kExact, true, true},
    {"Chainguard", "apk", NameRule::kExact, false, true},
    {"ConanCenter", "", NameRule::kExact, false, false},
    {"CRAN", "cran", NameRule::kExact, false, false},
    {"crates.io", "cargo", NameRule::kExact, false, false},
    {"Debian", "dpkg", NameRule::kLowercase, true, true},
    {"Echo", "dpkg", NameRule::kLowercase, false, true},
    {"Fedora", "rpm", NameRule::kExact, true, true},
    {"GHC", "hackage", NameRule::kExact, false, false},
    {"GIT", "", NameRule::kExact, false, false},
    {"GitHub Actions", "semver", NameRule::kLowercase, false, false},
    {"Go", "go", NameRule::kExact, false, false},
    {"Hackage", "hackage", NameRule::kExact, false, false},
    {"Hex", "hex", NameRule::kLowercase, false, false},
    {"Kubernetes", "semver", NameRule::kExact, false, false},
    {"Linux", "", NameRule::kExact, false, false},
    {"Mageia", "rpm", NameRule::kExact, true, true},
    {"Maven", "maven", NameRule::kMaven, true, false},
    {"MinimOS", "apk", NameRule::kExact, false, true},
    {"npm", "npm", NameRule::kExact, false, false},
    {"NuGet", "nuget", NameRule::kLowercase, false, false},
    {"opam", "", NameRule::kExact, false, false},
    {"openEuler", "rpm", NameRule::kExact, true, true},
    {"openSUSE", "rpm", NameRule::kExact, true, true},
    {"Oracle Linux", "rpm", NameRule::kExact, true, true},
    {"OSS-Fuzz", "", NameRule::kExact, false, false},
    {"Packagist", "composer", NameRule::kLowercase, false, false},
    {"Photon OS", "rpm", NameRule::kExact, true, true},
    {"Pub", "pub", NameRule::kLowercase, false, false},
    {"PyPI", "pep440", NameRule::kPep503, false, false},
    {"Red Hat", "rpm", NameRule::kExact, true, true},
    {"Rocky Linux", "rpm", NameRule::kExact, true, true},
    {"RubyGems", "rubygems", NameRule::kExact, false, false},
    {"SUSE", "rpm", NameRule::kExact, true, true},
    {"SwiftURL", "semver", NameRule::kExact, false, false},
    {"Ubuntu", "dpkg", NameRule::kLowercase, true, true},
    {"VSCode", "semver", NameRule::kExact, false, false},
    {"Wolfi", "apk", NameRule::kExact, false, true},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

std::string_view BaseOf(std::string_view osv_name) {
  osv_name = internal::TrimBlanks(osv_name);
  size_t colon = osv_name.find(':');
  return colon == std::string_view::npos ? osv_name : osv_name.substr(0, colon);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

std::string Pep503(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool in_run = false;
  for (char c : s) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_run) out.push_back('-');
      in_run = true;
    } else {
      out.push_back(ToLower(c));
      in_run = false;
    }
  }
  return out;
}

std::string MavenName(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return std::string(internal::TrimBlanks(s));
  std::string out(internal::TrimBlanks(s.substr(0, colon)));
  out.push_back(':');
  out.append(internal::TrimBlanks(s.substr(colon + 1)));
  return out;
}

}  // namespace

Result<Ecosystem> ParseEcosystem(std::string_view osv_name) {
  if (osv_name.size() > 256) return InvalidArgument("ecosystem name longer than 256 bytes");
  std::string_view trimmed = internal::TrimBlanks(osv_name);
  if (trimmed.empty()) return InvalidArgument("empty ecosystem name");
  const EcosystemInfo* info = FindEcosystem(trimmed);
  if (info == nullptr) {
    return InvalidArgument("unknown OSV ecosystem \"" + std::string(BaseOf(trimmed)) + "\"");
  }
  Ecosystem e;
  e.base = std::string(info->name);
  size_t colon = trimmed.find(':');
  if (colon != std::string_view::npos) {
    e.release = std::string(trimmed.substr(colon + 1));
    if (e.release.empty()) {
      return InvalidArgument("ecosystem \"" + std::string(trimmed) + "\" has an empty release");
    }
  }
  return e;
}

const EcosystemInfo* FindEcosystem(std::string_view osv_ecosystem) {
  std::string_view base = BaseOf(osv_ecosystem);
  for (const EcosystemInfo& row : kTable) {
    if (EqualsIgnoreCase(row.name, base)) return &row;
  }
  return nullptr;
}

std::string NormalizePackageName(std::string_view osv_ecosystem, std::string_view name) {
  const EcosystemInfo* info = FindEcosystem(osv_ecosystem);
  if (info == nullptr) return std::string(name);
  switch (info->name_rule) {
    case NameRule::kExact:
      return std::string(name);
    case NameRule::kLowercase:
      return Lower(name);
    case NameRule::kPep503:
      return Pep503(name);
    case NameRule::kMaven:
      return MavenName(name);
  }
  return std::string(name);
}

Result<std::string> CanonicalEcosystem(std::string_view osv_name) {
  ASSIGN_OR_RETURN(Ecosystem e, ParseEcosystem(osv_name));
  if (e.release.empty()) return std::move(e.base);
  return e.base + ":" + e.release;
}

bool IsDistroEcosystem(std::string_view osv_ecosystem) {
  const EcosystemInfo* info = FindEcosystem(osv_ecosystem);
  return info != nullptr && info->distro;
}

const Scheme* SchemeForEcosystem(std::string_view osv_ecosystem) {
  const EcosystemInfo* info = FindEcosystem(osv_ecosystem);
  if (info == nullptr || info->scheme_name.empty()) return nullptr;
  return FindScheme(info->scheme_name);
}

std::span<const EcosystemInfo> AllEcosystems() { return kTable; }

}  // namespace surveyor::versions
