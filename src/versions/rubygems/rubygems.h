// RubyGems versions (Gem::Version): dot-separated segments, numbers and letter runs split apart
// ("1.0.a1" → 1, 0, "a", 1); '-' means ".pre."; any letter makes a prerelease; trailing zeros of
// the release part and of the prerelease part are ignored; a letter segment sorts below a
// number (and below a missing segment, which counts as 0). Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "rubygems". Accepts what Gem::Version.correct? accepts; blank text means "0".
const Scheme& RubyGemsScheme();

}  // namespace surveyor::versions
