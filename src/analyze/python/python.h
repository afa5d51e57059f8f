// Python packages: installed distributions (*.dist-info/METADATA, *.egg-info/PKG-INFO and
// single-file *.egg-info) and the lock/manifest files poetry.lock, Pipfile.lock, uv.lock and
// pinned requirements*.txt. Pure parsers; names are reported as written.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::python {

// Core metadata headers (Name, Version). InvalidArgument when either is missing.
Result<Package> ParseMetadata(std::string_view text);
// [[package]] tables; category = "dev" (poetry < 1.5) marks dev packages.
Result<std::vector<Package>> ParsePoetryLock(std::string_view text);
// "default" and "develop" (dev) sections, versions "==x".
Result<std::vector<Package>> ParsePipfileLock(std::string_view text);
// [[package]] tables; the project itself (source virtual/editable) is left out.
Result<std::vector<Package>> ParseUvLock(std::string_view text);
// Only exact pins "name==version" (extras and environment markers dropped); everything else is
// not an installed version and is skipped.
std::vector<Package> ParseRequirements(std::string_view text);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::python
