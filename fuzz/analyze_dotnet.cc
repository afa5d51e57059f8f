// Fuzz target: *.deps.json.
#include "analyze/dotnet/dotnet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)surveyor::analyze::dotnet::ParseDepsJson(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
