// The explicit list of built-in version schemes (no static self-registration).
#include <array>

#include "versions/apk/apk.h"
#include "versions/composer/composer.h"
#include "versions/cran/cran.h"
#include "versions/dpkg/dpkg.h"
#include "versions/maven/maven.h"
#include "versions/rubygems/rubygems.h"
#include "versions/golang/golang.h"
#include "versions/pep440/pep440.h"
#include "versions/rpm/rpm.h"
#include "versions/scheme.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

const std::array<const Scheme*, 17>& List() {
  static const std::array<const Scheme*, 17> kList = {
      &DpkgScheme(), &ApkScheme(),  &RpmScheme(), &SemverScheme(), &NpmScheme(),
      &Pep440Scheme(), &PypiLegacyScheme(), &GoScheme(), &MavenScheme(), &RubyGemsScheme(), &CargoScheme(), &CranScheme(),
      &NuGetScheme(), &ComposerScheme(), &HackageScheme(), &HexScheme(),  &PubScheme(),
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
