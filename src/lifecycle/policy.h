// ECR lifecycle policies: the policy document model and its parser/validator (SPEC.md §6.7).
// Errors use ECR's wording ("Invalid parameter at 'LifecyclePolicyText' failed to satisfy
// constraint: 'Lifecycle policy validation failure: ...'") with domain code
// InvalidParameterException. Pure: no I/O, no logging. Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace surveyor::lifecycle {

inline constexpr size_t kMinPolicyTextLength = 100;    // PutLifecyclePolicy's API bounds; the
inline constexpr size_t kMaxPolicyTextLength = 30720;  // API layer checks the minimum
inline constexpr int kMaxWildcardsPerPattern = 4;
inline constexpr char kInvalidParameter[] = "InvalidParameterException";

enum class TagStatus { kTagged, kUntagged, kAny };
enum class CountType { kImageCountMoreThan, kSinceImagePushed, kSinceImagePulled };

struct Rule {
  int64_t priority = 0;
  std::string description;
  TagStatus tag_status = TagStatus::kAny;
  std::vector<std::string> tag_prefixes;  // tagged only; an image needs a tag for each prefix
  std::vector<std::string> tag_patterns;  // tagged only; `*` globs, whole tag
  CountType count_type = CountType::kImageCountMoreThan;
  int64_t count_number = 0;  // images, or days for the since* count types
};

struct Policy {
  std::vector<Rule> rules;  // sorted by priority, ascending (evaluation order)
};

// Parses and validates a lifecycle policy text.
Result<Policy> ParseLifecyclePolicy(std::string_view text);

// `*` matches any run of characters (also none); the whole tag must match.
bool TagMatchesPattern(std::string_view tag, std::string_view pattern);

std::string_view TagStatusName(TagStatus s);  // "tagged", "untagged", "any"

}  // namespace surveyor::lifecycle
