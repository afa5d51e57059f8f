#include "match/advisory_source.h"

#include <algorithm>

#include "versions/ecosystem.h"

namespace surveyor::match {

Result<std::unique_ptr<VulnDbSource>> VulnDbSource::Open(std::unique_ptr<vulndb::VulnDb> db) {
  std::unique_ptr<VulnDbSource> source(new VulnDbSource(std::move(db)));
  RETURN_IF_ERROR(source->Refresh());
  return source;
}

Status VulnDbSource::Refresh() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(index_, vulndb::PackageIndex::Load(*db_));
  cache_.clear();
  return Status::Ok();
}

Result<std::vector<std::string>> VulnDbSource::Candidates(std::string_view ecosystem,
                                                          std::string_view name) {
  std::lock_guard lock(mu_);
  std::vector<std::string> ids;
  for (const auto& ref : index_.Lookup(ecosystem, name)) ids.push_back(ref.id);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<std::shared_ptr<const LoadedAdvisory>> VulnDbSource::Load(const std::string& id) {
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  ASSIGN_OR_RETURN(vulndb::Advisory merged, db_->Show(id));
  auto loaded = std::make_shared<LoadedAdvisory>();
  loaded->osv = vulndb::ToJson(merged);
  loaded->advisory = std::move(merged);
  cache_[id] = loaded;
  return std::shared_ptr<const LoadedAdvisory>(loaded);
}

void MemorySource::Add(vulndb::Advisory advisory) {
  if (advisory.canonical_id.empty()) advisory.canonical_id = vulndb::CanonicalIdOf(advisory);
  auto loaded = std::make_shared<LoadedAdvisory>();
  loaded->osv = vulndb::ToJson(advisory);
  for (const auto& a : advisory.affected) {
    auto& ids = by_package_[{a.package.ecosystem,
                             versions::NormalizePackageName(a.package.ecosystem, a.package.name)}];
    if (std::find(ids.begin(), ids.end(), advisory.canonical_id) == ids.end()) {
      ids.push_back(advisory.canonical_id);
    }
  }
  const std::string id = advisory.canonical_id;
  loaded->advisory = std::move(advisory);
  by_id_[id] = std::move(loaded);
}

Result<std::vector<std::string>> MemorySource::Candidates(std::string_view ecosystem,
                                                          std::string_view name) {
  auto it = by_package_.find({std::string(ecosystem),
                              versions::NormalizePackageName(ecosystem, name)});
  if (it == by_package_.end()) return std::vector<std::string>{};
  return it->second;
}

Result<std::shared_ptr<const LoadedAdvisory>> MemorySource::Load(const std::string& id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return NotFound("no advisory " + id);
  return std::shared_ptr<const LoadedAdvisory>(it->second);
}

}  // namespace surveyor::match
