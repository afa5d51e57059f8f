#include "lifecycle/images.h"

#include <unordered_map>
#include <unordered_set>

namespace surveyor::lifecycle {
namespace {

TimePoint FromMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

}  // namespace

Result<RepositoryImages> LoadRepositoryImages(store::Database& db, int64_t repository_id) {
  auto lock = db.Lock();
  RepositoryImages out;
  std::unordered_map<std::string, size_t> index;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest, pushed_at, last_pulled_at FROM "
                                           "manifests WHERE repository_id = ?"));
    stmt.Bind(1, repository_id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Image img;
      img.digest = stmt.ColumnText(0);
      img.pushed_at = FromMillis(stmt.ColumnInt(1));
      if (!stmt.ColumnIsNull(2)) img.last_pulled_at = FromMillis(stmt.ColumnInt(2));
      index.emplace(img.digest, out.images.size());
      out.images.push_back(std::move(img));
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest, name FROM tags WHERE repository_id = ? "
                                           "ORDER BY name"));
    stmt.Bind(1, repository_id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      auto it = index.find(stmt.ColumnText(0));
      if (it != index.end()) out.images[it->second].tags.push_back(stmt.ColumnText(1));
    }
  }
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT manifest_digest, child_digest FROM "
                                           "manifest_references WHERE repository_id = ? AND "
                                           "kind = 'manifest'"));
    stmt.Bind(1, repository_id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      out.references.emplace_back(stmt.ColumnText(0), stmt.ColumnText(1));
    }
  }
  return out;
}

Plan PlanExpirations(const Policy& policy, const RepositoryImages& repo, TimePoint now) {
  Plan plan;
  std::vector<Expiration> selected = Evaluate(policy, repo.images, now);
  if (repo.references.empty() || selected.empty()) {
    plan.expirations = std::move(selected);
    return plan;
  }
  // A child stays while any parent stays. Dropping a child never frees a parent, but keeping a
  // nested index keeps its own children too, so repeat until nothing changes (depth-bounded: each
  // round keeps at least one more image or stops).
  std::unordered_set<std::string> expiring;
  for (const auto& e : selected) expiring.insert(e.digest);
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& [parent, child] : repo.references) {
      if (!expiring.count(parent) && expiring.erase(child) > 0) changed = true;
    }
  }
  for (auto& e : selected) {
    (expiring.count(e.digest) ? plan.expirations : plan.kept_referenced).push_back(std::move(e));
  }
  return plan;
}

}  // namespace surveyor::lifecycle
