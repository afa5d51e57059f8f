// Maven versions, ordered as the Maven POM specification and ComparableVersion describe:
// tokens split at '.', '-' and digit/letter transitions, each remembering its separator;
// trailing "null" tokens (0, "", final, ga, release) trimmed at the end and before each '-';
// qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp <
// other qualifiers (alphabetically); a/b/m followed by a number mean alpha/beta/milestone;
// case-insensitive; the shorter version padded with nulls of the other's separator.
// Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "maven". Rejects empty text, blanks, control and non-ASCII bytes.
const Scheme& MavenScheme();

}  // namespace surveyor::versions
