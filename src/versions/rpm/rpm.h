// The rpm version scheme: [epoch:]version[-release] compared field by field with rpmvercmp:
// separators ignored, '~' sorts before everything (even the end), '^' after the end but before
// anything else, digit runs numerically and above letter runs. An empty field sorts below any
// non-empty one. Used by Red Hat, Rocky, AlmaLinux, SUSE/openSUSE and the other rpm distros.
// Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "rpm". The epoch is the part before the first ':' when it is all digits (otherwise the
// colon belongs to the version); the release is the part after the last '-'.
const Scheme& RpmScheme();

}  // namespace surveyor::versions
