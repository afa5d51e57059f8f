// Fuzzes SigV4 parsing and verification. Input lines: Authorization value, raw path, raw query,
// X-Amz-Date, one extra header "name:value", then the body (rest of the input).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4.h"

using namespace surveyor;
using namespace surveyor::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view lines[5];
  for (auto& line : lines) {
    size_t nl = in.find('\n');
    line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  static InMemoryKeyStore* keys = [] {
    auto* k = new InMemoryKeyStore();
    (void)k->Add(
        {{"AKIDEXAMPLE", "fuzz", TimePoint{}}, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"});
    return k;
  }();
  static FakeClock clock(*ParseAmzDate("20261201T071249Z"));
  static SigV4Verifier verifier(*keys, clock, SigV4Config{});

  (void)ParseAuthorizationHeader(lines[0], ErrorProtocol::kAwsJson);
  (void)CanonicalUri(lines[1], false);
  (void)CanonicalUri(lines[1], true);
  (void)CanonicalQueryString(lines[2]);
  (void)ParseAmzDate(lines[3]);
  std::string_view extra = lines[4];
  size_t colon = extra.find(':');
  std::vector<Header> headers = {{"Host", "127.0.0.1:18733"},
                                 {"Authorization", lines[0]},
                                 {"X-Amz-Date", lines[3]},
                                 {"Content-Type", "application/x-amz-json-1.1"}};
  if (colon != std::string_view::npos)
    headers.push_back({extra.substr(0, colon), extra.substr(colon + 1)});
  SignedRequest r;
  r.method = "POST";
  r.raw_path = lines[1];
  r.raw_query = lines[2];
  r.headers = headers;
  r.body = in;
  (void)verifier.Verify(r, kEcrService);
  (void)verifier.Verify(r, kStsService);
  return 0;
}
