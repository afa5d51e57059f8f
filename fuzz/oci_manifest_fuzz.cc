// Manifests from arbitrary bytes, under each content type a client may send.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "oci/manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::string_view type : {std::string_view(), surveyor::oci::kOciManifest,
                                surveyor::oci::kOciIndex, surveyor::oci::kDockerManifest,
                                surveyor::oci::kDockerManifestList}) {
    auto m = surveyor::oci::ParseManifest(text, type);
    if (m.ok() && !surveyor::oci::IsManifestMediaType(m->media_type)) __builtin_trap();
  }
  return 0;
}
