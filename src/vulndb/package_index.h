// The in-memory package index the matcher reads: (ecosystem, normalised name) → the records that
// affect it, loaded from the database in one pass. Lookups are hash probes on string_views (no
// allocation). Immutable after Load; safe to share between threads for reading.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vulndb/db.h"

namespace surveyor::vulndb {

class PackageIndex {
 public:
  static Result<PackageIndex> Load(VulnDb& db);

  // Records for a package whose name is already normalised (NormalizePackageName).
  std::span<const PackageRef> LookupNormalized(std::string_view ecosystem, std::string_view name) const;
  // Normalises `name` for the ecosystem first (allocates for ecosystems that rewrite names).
  std::span<const PackageRef> Lookup(std::string_view ecosystem, std::string_view name) const;

  size_t packages() const { return package_count_; }
  size_t entries() const { return refs_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  struct Slice {
    uint32_t begin = 0, end = 0;
  };
  using NameMap = std::unordered_map<std::string, Slice, Hash, std::equal_to<>>;
  std::unordered_map<std::string, NameMap, Hash, std::equal_to<>> by_ecosystem_;
  std::vector<PackageRef> refs_;
  size_t package_count_ = 0;
};

}  // namespace surveyor::vulndb
