// libFuzzer target: version constraint parsing (npm ranges, comparator sets) and their
// conversion to OSV events.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "vulndb/constraints.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto r = surveyor::vulndb::ParseNpmRange(text); r.ok()) {
    (void)surveyor::vulndb::AffectedRanges(*r, "SEMVER");
    (void)surveyor::vulndb::ComplementRange(*r, "ECOSYSTEM");
  }
  if (auto r = surveyor::vulndb::ParseComparatorSet(surveyor::vulndb::SplitComparators(text)); r.ok()) {
    (void)surveyor::vulndb::ComplementRange({*r}, "ECOSYSTEM");
  }
  return 0;
}
