// The Debian version scheme (deb-version(7)): [epoch:]upstream[-revision], compared the way
// dpkg's verrevcmp does: '~' sorts before everything (even the end), letters before
// non-letters, digit runs numerically. Stateless singleton; thread-safe.
#pragma once

#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "dpkg". Parse accepts what `dpkg --compare-versions` compares (an upstream part that
// does not start with a digit is only a warning there, so it is accepted here too) and rejects
// what dpkg rejects: empty parts, a bad epoch, characters outside [A-Za-z0-9.+~-:].
const Scheme& DpkgScheme();

}  // namespace surveyor::versions
