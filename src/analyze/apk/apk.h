// apk: Alpine's installed database (lib/apk/db/installed): package, version, architecture,
// origin (the source package) and the files each package owns.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::apk {

struct InstalledParse {
  std::vector<Package> packages;
  std::vector<std::string> owned_files;  // F: directory + R: file, root-relative
  size_t malformed = 0;                  // records without P: or V:
};

// Records are separated by blank lines; each line is "X:value". Origin without a separate
// version gets the package's version as source version. InvalidArgument when nothing parses.
Result<InstalledParse> ParseInstalled(std::string_view text);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::apk
