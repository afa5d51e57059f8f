// EventBridge event patterns: validation with AWS's InvalidEventPatternException reasons, a
// compiled form, and matching against flattened events with AWS's semantics (SPEC.md §9).
// A CompiledPattern is immutable after Compile and may be shared between threads for matching.
// Limits: pattern text ≤ kMaxPatternBytes, nesting ≤ 32, $or expansion ≤ 1000 combinations,
// array-consistent matching tries at most kMaxMatchSteps candidate leaves per evaluation.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "events/flat_event.h"
#include "events/raw_json.h"

namespace surveyor::events {

inline constexpr size_t kMaxPatternBytes = 4096;    // PutRule's EventPattern limit
inline constexpr size_t kMaxOrCombinations = 1000;  // product of all $or array sizes
inline constexpr size_t kMaxMatchSteps = 100000;    // then the event is reported as not matching
inline constexpr char kInvalidEventPattern[] = "InvalidEventPatternException";

// A `*` glob with `\*` and `\\` escapes, as EventBridge's wildcard operator defines it.
struct WildcardGlob {
  std::vector<std::string> parts;  // literal text between stars
  bool leading_star = false;
  bool trailing_star = false;
  bool Matches(std::string_view s) const;
};

enum class MatchOp : uint8_t {
  kExact,
  kPrefix,
  kPrefixIgnoreCase,
  kSuffix,
  kSuffixIgnoreCase,
  kEqualsIgnoreCase,
  kWildcard,
  kNumeric,
  kCidr,
  kExists,  // exists: true (exists: false is a property of the field, see FieldCondition)
  kAnythingButStrings,
  kAnythingButNumbers,
  kAnythingButPrefix,
  kAnythingButSuffix,
  kAnythingButIgnoreCase,
  kAnythingButWildcard,
};

struct Matcher {
  MatchOp op = MatchOp::kExact;
  ValueKind kind = ValueKind::kString;  // kExact
  std::string text;                     // exact/prefix/suffix text (lower-cased for *IgnoreCase)
  std::vector<std::string> texts;       // anything-but strings (lower-cased for ignore case)
  std::vector<double> numbers;          // anything-but numbers
  std::vector<WildcardGlob> globs;      // wildcard / anything-but wildcard
  // numeric: lower/upper bounds
  bool has_low = false, low_open = false, has_high = false, high_open = false;
  double low = 0, high = 0;
  // cidr
  bool v6 = false;
  std::array<uint8_t, 16> net{};
  int prefix_bits = 0;

  bool Matches(const FlatLeaf& leaf) const;
};

struct FieldCondition {
  std::string path;               // dotted path of the leaf
  std::vector<Matcher> matchers;  // OR
  bool allow_absent = false;      // the list contained {"exists": false}
};

struct Conjunction {
  std::vector<FieldCondition> fields;  // AND; absence-only fields last
};

class CompiledPattern {
 public:
  // Validates and compiles. Errors: InvalidArgument with domain code InvalidEventPatternException
  // and the message "Event pattern is not valid. Reason: ...".
  static Result<CompiledPattern> Compile(std::string_view pattern_text,
                                         size_t max_bytes = kMaxPatternBytes);
  static Result<CompiledPattern> Compile(const RawValue& pattern);

  bool Matches(const FlatEvent& event) const;
  size_t alternatives() const { return alternatives_.size(); }

 private:
  std::vector<Conjunction> alternatives_;  // OR (the $or expansion)
};

// TestEventPattern: validates both documents and reports whether the event matches. The event
// must be a JSON object with AWS's mandatory envelope fields (id, account, source, time, region,
// resources, detail-type); otherwise InvalidArgument "Parameter Event is not valid."
Result<bool> TestEventPattern(std::string_view pattern_text, std::string_view event_text);

}  // namespace surveyor::events
