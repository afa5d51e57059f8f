// Fuzzes registry request authentication (Basic tokens, SigV4, other schemes), token
// verification and strict base64 decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/authorizer.h"
#include "auth/crypto.h"
#include "auth/registry_token.h"

using namespace surveyor;
using namespace surveyor::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static InMemoryKeyStore* keys = new InMemoryKeyStore();
  static FakeClock clock(FromEpochSeconds(1764579600));
  static RegistryTokens tokens("0123456789abcdef0123456789abcdef", *keys, clock);
  (void)tokens.VerifyBasicAuthorization(text);
  (void)tokens.VerifyPassword(text);
  static SigV4Verifier verifier(*keys, clock, SigV4Config{});
  const Header headers[] = {{"Host", "127.0.0.1:5000"}, {"Authorization", text}};
  SignedRequest r;
  r.method = "GET";
  r.raw_path = "/v2/";
  r.headers = headers;
  (void)AuthenticateRegistryRequest(r, tokens, verifier, "123456789012");
  auto decoded = Base64Decode(text);
  if (decoded.ok() && Base64Encode(*decoded) != text) __builtin_trap();  // strict round trip
  return 0;
}
