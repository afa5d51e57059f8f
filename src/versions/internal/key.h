// Helpers shared by the scheme implementations: building memcmp-ordered keys and writing
// error messages that quote (a bounded prefix of) hostile input. Internal to versions/.
#pragma once

#include <compare>
#include <cstring>
#include <string>
#include <string_view>

#include "common/status.h"
#include "versions/scheme.h"

namespace surveyor::versions::internal {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
inline bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline char ToLower(char c) { return IsUpper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// Appends a non-negative decimal number so that keys compare numerically: leading zeros are
// dropped, then the digit count (1 byte below 255, else 0xFF and 4 bytes big-endian), then the
// digits. Any length up to 4 GiB keeps the order.
void AppendNumber(std::string& key, std::string_view digits);

// Bytewise three-way comparison of two keys.
inline std::weak_ordering CompareBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? std::weak_ordering::less : std::weak_ordering::greater;
  if (a.size() == b.size()) return std::weak_ordering::equivalent;
  return a.size() < b.size() ? std::weak_ordering::less : std::weak_ordering::greater;
}

// "<scheme>: version \"<text>\": <reason>" with the text cut to 64 bytes and escaped.
Status Invalid(std::string_view scheme, std::string_view text, std::string_view reason);

// The common pre-checks: not empty, not longer than kMaxVersionLength.
Status CheckLength(std::string_view scheme, std::string_view text);

// Removes ASCII blanks (space, tab, CR, LF) at both ends.
std::string_view TrimBlanks(std::string_view s);

}  // namespace surveyor::versions::internal
