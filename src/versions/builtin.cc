// The explicit list of built-in version schemes (no static self-registration).
#include <array>

#include "versions/dpkg/dpkg.h"
#include "versions/scheme.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

const std::array<const Scheme*, 6>& List() {
  static const std::array<const Scheme*, 6> kList = {
      &DpkgScheme(), &SemverScheme(), &NpmScheme(), &CargoScheme(), &HexScheme(), &PubScheme(),
  };
  return kList;
}

}  // namespace

std::span<const Scheme* const> AllSchemes() { return List(); }

const Scheme* FindScheme(std::string_view name) {
  for (const Scheme* s : List()) {
    if (s->Name() == name) return s;
  }
  return nullptr;
}

}  // namespace surveyor::versions
