// Fuzz target: apk installed database.
#include "analyze/apk/apk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)surveyor::analyze::apk::ParseInstalled(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
