// libFuzzer target: CVSS vector parsing and scoring (all versions); scores must stay in [0, 10].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vulndb/cvss/cvss.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = surveyor::vulndb::ParseCvss(text);
  if (r.ok() && !(r->score >= 0 && r->score <= 10 && r->base_score >= 0 && r->base_score <= 10)) {
    std::abort();
  }
  return 0;
}
