// The YAML adapter: yaml-cpp behind a function that returns Result instead of throwing. YAML is
// turned into JSON with every scalar as a string (plain `~`/`null`/empty scalars become null), so
// that versions like `1.10` keep their spelling. Nesting is limited. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::vulndb {

Result<Json> ParseYamlAsJson(std::string_view text, size_t max_depth = 64);

}  // namespace surveyor::vulndb
