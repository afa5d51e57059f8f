// Fuzzes ParseDurationSeconds (the `lifecycle.interval` configuration value): any bytes give a
// value within the ten-year bound or an error naming the key; nothing crashes or overflows.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "cli/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto r = surveyor::cli::ParseDurationSeconds(text, "lifecycle.interval");
  if (r.ok() && *r > uint64_t{10} * 365 * 86400) std::abort();
  if (!r.ok() && r.status().message().find("lifecycle.interval") == std::string::npos) std::abort();
  return 0;
}
