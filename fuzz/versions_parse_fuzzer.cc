// Fuzzes every version scheme's Parse and Compare: the first byte picks the scheme, the rest is
// split at the first NUL into two versions. Parse must return a version or an error, Compare
// must be antisymmetric and reflexive, and nothing may crash or hang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "versions/scheme.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto schemes = surveyor::versions::AllSchemes();
  const surveyor::versions::Scheme& scheme = *schemes[data[0] % schemes.size()];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nul = rest.find('\0');
  std::string_view a = rest.substr(0, nul);
  std::string_view b = nul == std::string_view::npos ? rest : rest.substr(nul + 1);
  auto va = scheme.Parse(a);
  auto vb = scheme.Parse(b);
  if (va.ok()) {
    if (scheme.Compare(*va, *va) != 0) std::abort();
  } else if (va.status().message().empty()) {
    std::abort();
  }
  if (va.ok() && vb.ok()) {
    auto ab = scheme.Compare(*va, *vb);
    auto ba = scheme.Compare(*vb, *va);
    if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) std::abort();
  }
  return 0;
}
