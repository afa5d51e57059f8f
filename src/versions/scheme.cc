#include "versions/scheme.h"

#include "versions/internal/key.h"

namespace surveyor::versions {

std::weak_ordering Scheme::Compare(const Version& a, const Version& b) const {
  return internal::CompareBytes(a.key(), b.key());
}

Result<std::weak_ordering> Scheme::CompareText(std::string_view a, std::string_view b) const {
  Result<Version> va = Parse(a);
  if (!va.ok()) return va.status();
  Result<Version> vb = Parse(b);
  if (!vb.ok()) return vb.status();
  return Compare(*va, *vb);
}

}  // namespace surveyor::versions
