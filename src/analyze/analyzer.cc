#include "analyze/analyzer.h"

#include <algorithm>
#include <cstring>

namespace surveyor::analyze {

Result<std::string> FileContent::ReadAll(uint64_t max_bytes) {
  std::string out;
  // Refuse before reading: the tar header's size is what the reader will deliver.
  if (size_hint() > max_bytes) {
    return ResourceExhausted("file of " + std::to_string(size_hint()) + " bytes is over the " +
                             std::to_string(max_bytes) + "-byte limit for this analyzer");
  }
  if (size_hint() > 0) out.reserve(std::min<uint64_t>(size_hint(), max_bytes) + 1);
  char buf[64 << 10];
  while (true) {
    ASSIGN_OR_RETURN(size_t got, Read(buf, sizeof buf));
    if (got == 0) break;
    if (out.size() + got > max_bytes) {
      return ResourceExhausted("file larger than the " + std::to_string(max_bytes) +
                               "-byte limit for this analyzer");
    }
    out.append(buf, got);
  }
  return out;
}

Result<size_t> StringContent::Read(char* buf, size_t n) {
  n = std::min(n, data_.size() - pos_);
  if (n) std::memcpy(buf, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}
std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}
std::string_view ParentDir(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace surveyor::analyze
