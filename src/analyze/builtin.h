// The explicit list of analyzers (no static self-registration). The returned objects are
// immutable and thread-safe; the list is built once per call.
#pragma once

#include <memory>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze {

std::vector<std::unique_ptr<Analyzer>> BuiltinAnalyzers();

}  // namespace surveyor::analyze
