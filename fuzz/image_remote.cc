// Fuzz target: the first byte picks the parser — WWW-Authenticate (most inputs), a docker://
// reference, or an auth file looked up for one registry.
#include "fuzz/analyze_fuzz_common.h"
#include "image/remote.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t selector = 0;
  std::string_view in = surveyor::fuzz::Rest(data, size, selector);
  switch (selector % 4) {
    case 0:
    case 1: {
      auto r = surveyor::image::ParseWwwAuthenticate(in);
      if (r.ok() && r->empty()) __builtin_trap();  // success means at least one challenge
      break;
    }
    case 2:
      (void)surveyor::image::ParseRemoteReference(in);
      break;
    default:
      (void)surveyor::image::CredentialsFromAuthFile(in, "127.0.0.1:5000");
      break;
  }
  return 0;
}
