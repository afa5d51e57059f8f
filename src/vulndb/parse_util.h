// Helpers shared by the importers' parsers: normalise-and-emit, and small JSON readers that
// tolerate the loose typing of YAML feeds. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

// Normalises `a` and hands it to the sink under `key` (the id when empty); partial issues and a
// whole-record rejection become Skips.
Status EmitAdvisory(Advisory a, std::string key, std::string_view cvss_source, RecordSink& sink);

// A string member, or a number/bool member spelled as a string; "" when absent or null.
std::string StringField(const Json& j, std::string_view key);
// The last path component without its extension: "a/b/CVE-1.yml" → "CVE-1".
std::string FileStem(std::string_view path);
// The directory component names of a path: "gems/rack/x.yml" → {"gems", "rack"}.
std::vector<std::string> PathDirs(std::string_view path);

}  // namespace surveyor::vulndb
