// `*` wildcard matching (no other metacharacters), as ECR uses for tag patterns and tag
// mutability exclusion filters. Iterative, backtracking only to the last '*': no recursion, and
// O(|text| * |pattern|) in the worst case. Pure.
#pragma once

#include <string_view>

namespace surveyor {

inline bool GlobMatch(std::string_view text, std::string_view pattern) {
  size_t t = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace surveyor
