#include "oci/media_types.h"

namespace surveyor::oci {

bool IsManifestMediaType(std::string_view m) {
  return m == kOciManifest || m == kOciIndex || m == kDockerManifest || m == kDockerManifestList;
}

bool IsIndexKind(ManifestKind kind) {
  return kind == ManifestKind::kOciIndex || kind == ManifestKind::kDockerManifestList;
}

std::string_view ManifestKindMediaType(ManifestKind kind) {
  switch (kind) {
    case ManifestKind::kOciManifest: return kOciManifest;
    case ManifestKind::kOciIndex: return kOciIndex;
    case ManifestKind::kDockerManifest: return kDockerManifest;
    case ManifestKind::kDockerManifestList: return kDockerManifestList;
  }
  return kOciManifest;
}

namespace {
// restricted-name = restricted-name-first *126restricted-name-chars (RFC 6838 §4.2)
bool IsRestrictedName(std::string_view s) {
  if (s.empty() || s.size() > 127) return false;
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (!alnum(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!alnum(c) && c != '!' && c != '#' && c != '$' && c != '&' && c != '-' && c != '^' &&
        c != '_' && c != '.' && c != '+') {
      return false;
    }
  }
  return true;
}
}  // namespace

bool IsValidMediaTypeSyntax(std::string_view m) {
  const auto slash = m.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view subtype = m.substr(slash + 1);
  // Parameters (";charset=...") are not allowed in manifest fields.
  return IsRestrictedName(m.substr(0, slash)) && IsRestrictedName(subtype);
}

}  // namespace surveyor::oci
