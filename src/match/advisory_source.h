// Where the matcher reads advisories: the package index (ecosystem, name) → records, and the
// merged record of a vulnerability. VulnDbSource serves them from a vulndb snapshot, loading the
// index once and caching merged records; it is thread-safe (one mutex around the database).
// MemorySource holds advisories given directly, for tests and tools.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "vulndb/advisory.h"
#include "vulndb/db.h"
#include "vulndb/package_index.h"

namespace surveyor::match {

// A merged advisory and its OSV JSON form (which the range evaluator reads).
struct LoadedAdvisory {
  vulndb::Advisory advisory;
  Json osv;
};

class AdvisorySource {
 public:
  virtual ~AdvisorySource() = default;
  // Canonical vulnerability ids with a record naming this package (name as published).
  virtual Result<std::vector<std::string>> Candidates(std::string_view ecosystem,
                                                      std::string_view name) = 0;
  // The merged record for a canonical id. Shared: callers must not modify it.
  virtual Result<std::shared_ptr<const LoadedAdvisory>> Load(const std::string& id) = 0;
};

class VulnDbSource final : public AdvisorySource {
 public:
  static Result<std::unique_ptr<VulnDbSource>> Open(std::unique_ptr<vulndb::VulnDb> db);
  Result<std::vector<std::string>> Candidates(std::string_view ecosystem,
                                              std::string_view name) override;
  Result<std::shared_ptr<const LoadedAdvisory>> Load(const std::string& id) override;
  // Reloads the package index and drops cached records (after an import).
  Status Refresh();
  vulndb::VulnDb& db() { return *db_; }

 private:
  explicit VulnDbSource(std::unique_ptr<vulndb::VulnDb> db) : db_(std::move(db)) {}
  std::mutex mu_;
  std::unique_ptr<vulndb::VulnDb> db_;
  vulndb::PackageIndex index_;
  std::unordered_map<std::string, std::shared_ptr<const LoadedAdvisory>> cache_;
};

class MemorySource final : public AdvisorySource {
 public:
  void Add(vulndb::Advisory advisory);
  Result<std::vector<std::string>> Candidates(std::string_view ecosystem,
                                              std::string_view name) override;
  Result<std::shared_ptr<const LoadedAdvisory>> Load(const std::string& id) override;

 private:
  std::map<std::string, std::shared_ptr<const LoadedAdvisory>> by_id_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_package_;
};

}  // namespace surveyor::match
