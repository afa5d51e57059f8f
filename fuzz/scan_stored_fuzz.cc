// Input: bytes read back from the metadata database as a stored inventory and as a re-match
// job's package list. Either decodes or gives DataLoss; an inventory that decodes encodes and
// decodes again to the same packages.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scan/eligibility.h"
#include "scan/inventory_codec.h"

using namespace surveyor;  // NOLINT

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto inventory = scan::DecodeInventory(text);
  if (inventory.ok()) {
    auto again = scan::DecodeInventory(scan::EncodeInventory(*inventory));
    if (!again.ok() || again->packages.size() != inventory->packages.size()) std::abort();
    for (size_t i = 0; i < again->packages.size(); ++i) {
      if (again->packages[i].name != inventory->packages[i].name ||
          again->packages[i].version != inventory->packages[i].version) {
        std::abort();
      }
    }
  } else if (inventory.status().code() != StatusCode::kDataLoss) {
    std::abort();
  }
  auto packages = scan::DecodePackageSet(std::string(text));
  if (packages.ok() && *packages) {
    auto back = scan::DecodePackageSet(scan::EncodePackageSet(**packages));
    if (!back.ok() || !*back || **back != **packages) std::abort();
  }
  return 0;
}
