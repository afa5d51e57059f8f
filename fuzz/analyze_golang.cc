// Fuzz target: Go build info in ELF files, through the analyzer (head check, buffering, parse).
#include "analyze/golang/golang.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto info = surveyor::analyze::golang::ReadBuildInfo(text);
  if (info.ok()) (void)surveyor::analyze::golang::PackagesFromBuildInfo(*info);
  static auto analyzer = surveyor::analyze::golang::MakeAnalyzer();
  surveyor::analyze::StringContent content(text);
  (void)analyzer->Analyze({"usr/bin/x", size, 0755}, content);
  return 0;
}
