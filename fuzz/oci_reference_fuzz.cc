// Repository names, tags and references from arbitrary bytes: a verdict, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)surveyor::oci::ValidateRepositoryName(text);
  (void)surveyor::oci::ValidateTag(text);
  auto ref = surveyor::oci::ParseReference(text);
  if (ref.ok() && ref->ToString() != text) __builtin_trap();  // a parsed reference round-trips
  return 0;
}
