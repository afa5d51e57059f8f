// Fuzz target: jar/war archives (zip, nested) and pom.properties / MANIFEST.MF.
#include "analyze/java/java.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace j = surveyor::analyze::java;
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  switch (sel % 3) {
    case 0: (void)j::ParsePomProperties(text); break;
    case 1: (void)j::ParseManifest(text); break;
    default: {
      surveyor::analyze::StringContent content(text);
      std::vector<std::string> warnings;
      j::ArchiveLimits limits;
      limits.max_expanded_bytes = 64 << 20;
      (void)j::ParseArchive(content, "fuzz.jar", limits, warnings);
    }
  }
  return 0;
}
