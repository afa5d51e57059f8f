// A deliberately small reader for the lockfile subset of TOML used by poetry.lock, uv.lock and
// Cargo.lock: it collects the `key = "string"` (and bare value) pairs of each `[[<array>]]`
// table, ignoring sub-tables and multi-line arrays. Pure; not a general TOML parser.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace surveyor::analyze {

using TomlTable = std::map<std::string, std::string>;

// Tables of every `[[array_name]]` header, in order. InvalidArgument when the text has lines
// that are not TOML-like at all (binary junk).
Result<std::vector<TomlTable>> ReadTomlArrayTables(std::string_view text,
                                                   std::string_view array_name);

}  // namespace surveyor::analyze
