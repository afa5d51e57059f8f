// PHP: Composer's vendor/composer/installed.json (Composer 1 array or Composer 2 object) and
// composer.lock (packages, and packages-dev marked dev). Versions lose a leading "v".
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::php {

Result<std::vector<Package>> ParseInstalledJson(std::string_view text);
Result<std::vector<Package>> ParseComposerLock(std::string_view text);
std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::php
