// Fuzz target: os-release, alpine-release, debian_version, redhat-release.
#include "analyze/os_release/os_release.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace o = surveyor::analyze::os_release;
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  switch (sel % 4) {
    case 0: (void)o::ParseOsRelease(text); break;
    case 1: (void)o::ParseAlpineRelease(text); break;
    case 2: (void)o::ParseDebianVersion(text); break;
    default: (void)o::ParseRedhatRelease(text); break;
  }
  return 0;
}
