// CRAN (R package_version) and Hackage (PVP) versions: non-negative integers separated by '.' or '-'; compared
// component by component numerically; with an equal prefix the shorter version is lower.
// Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "cran". At least two components, as R requires for package versions.
const Scheme& CranScheme();

// Name() "hackage": Haskell PVP versions, dot-separated numbers (one or more), compared as lists.
const Scheme& HackageScheme();

}  // namespace surveyor::versions
