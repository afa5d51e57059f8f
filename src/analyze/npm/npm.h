// npm ecosystem: package-lock.json / npm-shrinkwrap.json (lockfile v1, v2, v3), yarn.lock (v1 and
// berry), pnpm-lock.yaml (v5 to v9) and installed node_modules/**/package.json.
// Pure parsers; the analyzer picks the parser by file name.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::npm {

// Lock entries: linked/workspace entries and entries without a version are left out; "dev": true
// (and devOptional) marks dev dependencies; aliases report the real package name.
Result<std::vector<Package>> ParsePackageLock(std::string_view text);
Result<std::vector<Package>> ParseYarnLock(std::string_view text);
Result<std::vector<Package>> ParsePnpmLock(std::string_view text);
// One installed package; InvalidArgument without name or version.
Result<Package> ParsePackageJson(std::string_view text);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::npm
