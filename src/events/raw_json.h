// RawValue: a small JSON tree that keeps each number's source text, for the event-pattern engine.
// EventBridge compares plain numbers by their text (300, 300.0 and 3.0e2 are different values),
// which nlohmann::json cannot tell apart once parsed. Duplicate object keys: the last one wins.
// Value type; the parser is pure (no I/O, no logging) and bounded by explicit depth/size limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::events {

struct RawMember;

struct RawValue {
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;               // kNumber only
  std::string text;                // kString: the decoded contents; kNumber: the source text
  std::vector<RawValue> items;     // kArray
  std::vector<RawMember> members;  // kObject, keys unique

  bool is_object() const { return kind == Kind::kObject; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_number() const { return kind == Kind::kNumber; }
  // Member lookup (linear); nullptr when absent or when this is not an object.
  const RawValue* Find(std::string_view key) const;
};

struct RawMember {
  std::string key;
  RawValue value;
};

struct RawJsonLimits {
  size_t max_bytes = 1 << 20;  // whole document
  size_t max_depth = 64;       // nesting of objects and arrays
};

// Parses one complete JSON document. Errors are InvalidArgument with the parser's reason.
Result<RawValue> ParseRawJson(std::string_view text, const RawJsonLimits& limits = {});

// Converts an already parsed nlohmann value (numbers get nlohmann's text for them).
RawValue FromJson(const Json& value);

}  // namespace surveyor::events
