// FlatEvent: an event flattened once into (dotted path, scalar value) leaves, sorted by path, so
// that many compiled patterns can be evaluated against it cheaply. Arrays add no path step; each
// leaf remembers which element of which array it came from (for AWS's "same array element" rule).
// Immutable after construction; safe to share between threads for reading.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "events/raw_json.h"

namespace surveyor::events {

enum class ValueKind : uint8_t { kString, kNumber, kTrue, kFalse, kNull };

struct FlatLeaf {
  std::string path;  // "detail.resources.type"
  ValueKind kind = ValueKind::kNull;
  std::string text;  // string contents, a number's source text, or "true"/"false"/"null"
  double number = 0;
  uint32_t membership_begin = 0;  // range in FlatEvent::memberships()
  uint32_t membership_count = 0;
};

// (array id, element index): unique per array instance in one event.
using ArrayMembership = std::pair<uint32_t, uint32_t>;

inline constexpr size_t kMaxFlatLeaves = 200000;        // scalar values in one event
inline constexpr size_t kMaxFlatMemberships = 2000000;  // sum over leaves of enclosing arrays

class FlatEvent {
 public:
  FlatEvent() = default;
  // Parses and flattens; numbers keep their source text. InvalidArgument on bad JSON, when the
  // event is not an object, or when it exceeds kMaxFlatLeaves / kMaxFlatMemberships.
  static Result<FlatEvent> FromText(std::string_view text, const RawJsonLimits& limits = {});
  static Result<FlatEvent> FromRaw(const RawValue& event);
  // From parsed nlohmann JSON (a float's text is nlohmann's rendering of it).
  static Result<FlatEvent> FromJson(const Json& event);

  const std::vector<FlatLeaf>& leaves() const { return leaves_; }
  const std::vector<ArrayMembership>& memberships() const { return memberships_; }
  bool has_arrays() const { return !memberships_.empty(); }

  // Leaves at exactly `path` as an index range [first, second).
  std::pair<uint32_t, uint32_t> Find(std::string_view path) const;

 private:
  std::vector<FlatLeaf> leaves_;
  std::vector<ArrayMembership> memberships_;
};

}  // namespace surveyor::events
