// Fuzz target: package-lock.json, yarn.lock, pnpm-lock.yaml, package.json.
#include "analyze/npm/npm.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace n = surveyor::analyze::npm;
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  switch (sel % 4) {
    case 0: (void)n::ParsePackageLock(text); break;
    case 1: (void)n::ParseYarnLock(text); break;
    case 2: (void)n::ParsePnpmLock(text); break;
    default: (void)n::ParsePackageJson(text); break;
  }
  return 0;
}
