// Fuzzes the SNS query-protocol form decoder: any bytes must decode without crashing, and the
// number of pairs stays within the decoder's limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "api/events/routes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto form = surveyor::api::events::ParseForm(text);
  if (form.size() > 1000) std::abort();
  for (const auto& [k, v] : form) {
    if (k.size() + v.size() > size) std::abort();  // decoding never grows the text
  }
  return 0;
}
