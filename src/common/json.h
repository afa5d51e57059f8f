// The JSON adapter: nlohmann::json behind functions that return Result instead of throwing.
// Use these at every boundary where JSON comes from outside; inside a component, nlohmann's own
// non-throwing accessors (contains, value, is_*) are fine.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor {

using Json = nlohmann::json;
// Keeps object members in insertion order, for output that humans read or that is hashed.
using OrderedJson = nlohmann::ordered_json;

// Parses a complete JSON document. Errors are InvalidArgument with the parser's position.
// Nesting deeper than `max_depth` is rejected (hostile documents).
Result<Json> ParseJson(std::string_view text, size_t max_depth = 256);

// Serialises without throwing: invalid UTF-8 in strings is replaced by U+FFFD.
std::string DumpJson(const Json& value, int indent = -1);
std::string DumpJson(const OrderedJson& value, int indent = -1);

// Member accessors for validated reading; they never throw.
std::optional<std::string> GetString(const Json& object, std::string_view key);
std::optional<int64_t> GetInt(const Json& object, std::string_view key);
std::optional<bool> GetBool(const Json& object, std::string_view key);
// Pointer to the member if present and of the given type, else nullptr.
const Json* GetObject(const Json& object, std::string_view key);
const Json* GetArray(const Json& object, std::string_view key);

}  // namespace surveyor
