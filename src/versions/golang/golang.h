// Go module versions: SemVer with or without the leading 'v' (OSV writes "1.2.3", go.mod
// "v1.2.3"), pseudo-versions in all three forms (they are prereleases and order by SemVer rules),
// "+incompatible" (build metadata, ignored), and Go toolchain versions for the standard library:
// "go1.19.8" = 1.19.8, "go1.21rc2" = 1.21.0-rc.2, "go1.20" = 1.20.0, "go1.9beta1" = 1.9.0-beta.1.
// Stateless singleton; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "go".
const Scheme& GoScheme();

// "go1.21rc2" → "1.21.0-rc.2"; any other text is returned unchanged.
std::string GoToolchainToSemver(std::string_view text);

}  // namespace surveyor::versions
