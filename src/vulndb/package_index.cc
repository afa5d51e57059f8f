#include "vulndb/package_index.h"

#include "vulndb/ecosystems.h"

namespace surveyor::vulndb {

Result<PackageIndex> PackageIndex::Load(VulnDb& db) {
  PackageIndex index;
  std::string cur_eco, cur_name;
  NameMap* names = nullptr;
  Slice* slice = nullptr;
  RETURN_IF_ERROR(db.ForEachIndexEntry(
      [&](const std::string& eco, const std::string& name, const PackageRef& ref) {
        if (names == nullptr || eco != cur_eco) {
          names = &index.by_ecosystem_[eco];
          cur_eco = eco;
          slice = nullptr;
        }
        if (slice == nullptr || name != cur_name) {
          slice = &(*names)[name];
          slice->begin = slice->end = static_cast<uint32_t>(index.refs_.size());
          cur_name = name;
          ++index.package_count_;
        }
        index.refs_.push_back(ref);
        slice->end = static_cast<uint32_t>(index.refs_.size());
      }));
  return index;
}

std::span<const PackageRef> PackageIndex::LookupNormalized(std::string_view ecosystem,
                                                           std::string_view name) const {
  auto e = by_ecosystem_.find(ecosystem);
  if (e == by_ecosystem_.end()) return {};
  auto n = e->second.find(name);
  if (n == e->second.end()) return {};
  return std::span<const PackageRef>(refs_.data() + n->second.begin, n->second.end - n->second.begin);
}

std::span<const PackageRef> PackageIndex::Lookup(std::string_view ecosystem, std::string_view name) const {
  return LookupNormalized(ecosystem, NormalizePackageName(ecosystem, name));
}

}  // namespace surveyor::vulndb
