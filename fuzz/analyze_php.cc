// Fuzz target: composer installed.json and composer.lock.
#include "analyze/php/php.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  if (sel & 1) (void)surveyor::analyze::php::ParseComposerLock(text);
  else (void)surveyor::analyze::php::ParseInstalledJson(text);
  return 0;
}
