// PEP 440 versions (PyPI): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], with the spelling
// variants the specification normalises (alpha, beta, c, pre, preview, rev, r, '-N' post
// releases, separators '-', '_', '.', a leading 'v', any case, surrounding blanks). Ordering is
// the one of Python's `packaging.version.Version`. Legacy (non-PEP 440) versions are rejected.
// Stateless singleton; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions {

// Name() "pep440".
const Scheme& Pep440Scheme();

// Name() "pypi": PEP 440, and for text that is not PEP 440 the ordering of packaging's former
// LegacyVersion (setuptools' parse_version): such versions sort below every PEP 440 version.
// For reading old data; matching uses "pep440", which rejects legacy versions.
const Scheme& PypiLegacyScheme();

// The normalised spelling ("1.0.0-ALPHA.1" → "1.0.0a1"), or InvalidArgument.
Result<std::string> NormalizePep440(std::string_view text);

}  // namespace surveyor::versions
