// ByteSource: a pull-based stream of bytes (a request body, a file, a decompressor), so that
// components can consume large content in bounded memory without knowing the transport.
// A source is used by one thread at a time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buffer`; returns 0 at the end of the stream.
  virtual Result<size_t> Read(char* buffer, size_t size) = 0;
};

// A source over bytes already in memory (the view must outlive the source).
class StringSource final : public ByteSource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    const size_t n = std::min(size, data_.size());
    data_.copy(buffer, n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
};

}  // namespace surveyor
