// Fuzz target: dpkg status / status.d files and info/*.list.
#include "analyze/dpkg/dpkg.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  if (sel & 1) (void)surveyor::analyze::dpkg::ParseList(text);
  else (void)surveyor::analyze::dpkg::ParseStatus(text);
  return 0;
}
