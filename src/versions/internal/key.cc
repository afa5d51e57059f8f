#include "versions/internal/key.h"

#include <cstdint>

namespace surveyor::versions::internal {

void AppendNumber(std::string& key, std::string_view digits) {
  size_t i = 0;
  while (i < digits.size() && digits[i] == '0') ++i;
  digits.remove_prefix(i);
  const size_t n = digits.size();
  if (n < 255) {
    key.push_back(static_cast<char>(n));
  } else {
    key.push_back(static_cast<char>(0xFF));
    const uint32_t m = static_cast<uint32_t>(n);
    key.push_back(static_cast<char>((m >> 24) & 0xFF));
    key.push_back(static_cast<char>((m >> 16) & 0xFF));
    key.push_back(static_cast<char>((m >> 8) & 0xFF));
    key.push_back(static_cast<char>(m & 0xFF));
  }
  key.append(digits);
}

Status Invalid(std::string_view scheme, std::string_view text, std::string_view reason) {
  std::string quoted;
  const size_t limit = 64;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
      quoted.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7F) {
      static const char kHex[] = "0123456789abcdef";
      quoted += "\\x";
      quoted.push_back(kHex[c >> 4]);
      quoted.push_back(kHex[c & 15]);
    } else {
      quoted.push_back(static_cast<char>(c));
    }
  }
  if (text.size() > limit) quoted += "...";
  std::string message(scheme);
  message += ": version \"";
  message += quoted;
  message += "\": ";
  message += reason;
  return InvalidArgument(std::move(message));
}

Status CheckLength(std::string_view scheme, std::string_view text) {
  if (text.empty()) return Invalid(scheme, text, "empty version");
  if (text.size() > kMaxVersionLength) {
    return Invalid(scheme, text, "longer than 65536 bytes");
  }
  return Status::Ok();
}

std::string_view TrimBlanks(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace surveyor::versions::internal
