// OS detection files: os-release (etc/ and usr/lib/), alpine-release, debian_version and the
// redhat-release family. Pure parsers plus the analyzer that requires those paths.
#pragma once

#include <memory>
#include <string_view>

#include "analyze/analyzer.h"

namespace surveyor::analyze::os_release {

// os-release(5): KEY=value lines, values optionally quoted. InvalidArgument when there is no ID.
Result<OsInfo> ParseOsRelease(std::string_view text);
// "3.17.3" → alpine 3.17.3.
Result<OsInfo> ParseAlpineRelease(std::string_view text);
// "12.5" → debian 12.5; "bookworm/sid" → debian with an empty version.
Result<OsInfo> ParseDebianVersion(std::string_view text);
// "Red Hat Enterprise Linux release 8.9 (Ootpa)", "CentOS Linux release 7.9.2009 (Core)", ...
Result<OsInfo> ParseRedhatRelease(std::string_view text);

// Priority of a detection file (lower wins) or -1 when the path is not one.
int DetectionPriority(std::string_view path);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::os_release
