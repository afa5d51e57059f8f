// dpkg: the status database (var/lib/dpkg/status), distroless per-package files
// (var/lib/dpkg/status.d/*) and file ownership (var/lib/dpkg/info/*.list).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::dpkg {

struct StatusParse {
  std::vector<Package> packages;  // installed ones only, in file order
  size_t skipped = 0;             // stanzas not installed (deinstall, config-files, ...)
  size_t malformed = 0;           // stanzas without Package or Version
};

// Parses a status file or a status.d entry. A stanza without a Status field counts as installed
// (status.d files have none). Source "src (ver)" gives source name and version; without Source the
// binary's own name/version are the source. InvalidArgument when the text has no stanza at all.
Result<StatusParse> ParseStatus(std::string_view text);
// A .list file: one absolute path per line → root-relative paths.
std::vector<std::string> ParseList(std::string_view text);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::dpkg
