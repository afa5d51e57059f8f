// Fuzz target: METADATA/PKG-INFO, poetry.lock, Pipfile.lock, uv.lock, requirements.txt.
#include "analyze/python/python.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace p = surveyor::analyze::python;
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  switch (sel % 5) {
    case 0: (void)p::ParseMetadata(text); break;
    case 1: (void)p::ParsePoetryLock(text); break;
    case 2: (void)p::ParsePipfileLock(text); break;
    case 3: (void)p::ParseUvLock(text); break;
    default: (void)p::ParseRequirements(text); break;
  }
  return 0;
}
