// Digest strings from arbitrary bytes: valid ones round-trip exactly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/digest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = surveyor::Digest::Parse(text);
  if (d.ok() && d->ToString() != text) __builtin_trap();
  return 0;
}
