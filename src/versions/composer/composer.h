// Packagist / Composer versions, ordered like PHP's version_compare after Composer-style
// canonicalisation: a leading 'v' dropped, '-', '_' and '+' read as '.', and a '.' inserted at
// every digit/non-digit boundary; then numbers compare numerically and words by stability:
// dev (and unknown words) < alpha/a < beta/b < RC/rc < a number < patch/pl/p.
// Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "composer". Rejects empty text, blanks, control and non-ASCII bytes.
const Scheme& ComposerScheme();

}  // namespace surveyor::versions
