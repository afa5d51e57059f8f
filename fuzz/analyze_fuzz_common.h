// Shared glue for the analyze/image fuzz targets: the first input byte picks a sub-parser where a
// family has several; the rest is the file content.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace surveyor::fuzz {

inline std::string_view Rest(const uint8_t* data, size_t size, uint8_t& selector) {
  selector = size ? data[0] : 0;
  return size ? std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1) : std::string_view();
}

}  // namespace surveyor::fuzz
