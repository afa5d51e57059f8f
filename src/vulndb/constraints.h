// Turning the version constraints of non-OSV feeds into OSV range events: comparator sets such as
// ">= 1.2, < 1.4" (RubySec, FriendsOfPHP, npm), npm's "||", "^", "~", "x" and hyphen ranges, and
// RubyGems' "~>". Bounds inside one advisory are ordered with LooseVersionCompare (numeric and
// alphabetic runs; a trailing alphabetic run marks a pre-release) — only to order and intersect
// bounds, never to match installed versions. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vulndb/advisory.h"

namespace surveyor::vulndb {

int LooseVersionCompare(std::string_view a, std::string_view b);

// A version interval; an empty bound is unbounded.
struct Interval {
  std::string lo;
  bool lo_inclusive = true;
  std::string hi;
  bool hi_inclusive = false;
  bool operator==(const Interval&) const = default;
};

// Comparators ANDed together: each ">=1", "> 1", "<2", "<= 2", "=1", "1", "~> 1.2", "^1.2",
// "~1.2", "1.x", "*". InvalidArgument for anything else or an empty intersection.
Result<Interval> ParseComparatorSet(const std::vector<std::string>& comparators);
// npm range syntax: alternatives separated by "||", comparators by spaces, "A - B" hyphen ranges.
Result<std::vector<Interval>> ParseNpmRange(std::string_view range);
// Splits "a, b" / "a b" into comparator strings, keeping "op version" pairs together.
std::vector<std::string> SplitComparators(std::string_view s);

// OSV events for "affected when inside any of these intervals" (one Range per interval).
std::vector<Range> AffectedRanges(const std::vector<Interval>& affected, std::string_view type);
// OSV events for "affected unless inside one of the safe intervals" (patched/unaffected lists).
Range ComplementRange(std::vector<Interval> safe, std::string_view type);

}  // namespace surveyor::vulndb
