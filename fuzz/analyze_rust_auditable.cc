// Fuzz target: cargo-auditable. The first byte picks the input kind: an ELF file (its .dep-v0
// section is then inflated and parsed), a raw zlib section, or the inflated JSON.
#include "analyze/rust/rust.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace rust = surveyor::analyze::rust;
  uint8_t selector = 0;
  std::string_view in = surveyor::fuzz::Rest(data, size, selector);
  switch (selector % 3) {
    case 0: {
      auto section = rust::FindDepV0Section(in);
      if (section.ok()) (void)rust::ParseAuditableSection(*section);
      break;
    }
    case 1:
      (void)rust::ParseAuditableSection(in);
      break;
    default:
      (void)rust::ParseAuditableJson(in);
      break;
  }
  return 0;
}
