// Fuzz target: Cargo.lock.
#include "analyze/rust/rust.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)surveyor::analyze::rust::ParseCargoLock(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
