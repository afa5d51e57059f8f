// The Alpine (apk) version scheme, also used by Wolfi and Chainguard:
// number{.number}...{letter}{_suffix{number}}...{~hash}{-rN}. Suffix order
// alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p; the commit hash is ignored;
// a dotted component with a leading zero compares as a string ("1.05" < "1.5"), as apk does.
// Text apk itself would not accept but `apk version -t` still orders (trailing junk, "a") is
// accepted and ordered below the same version without the junk; two such versions compare as
// strings. Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "apk". Rejects empty text, blanks, control and non-ASCII bytes.
const Scheme& ApkScheme();

}  // namespace surveyor::versions
