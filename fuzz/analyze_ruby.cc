// Fuzz target: gemspec files and Gemfile.lock.
#include "analyze/ruby/ruby.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  if (sel & 1) (void)surveyor::analyze::ruby::ParseGemfileLock(text);
  else (void)surveyor::analyze::ruby::ParseGemspec(text);
  return 0;
}
