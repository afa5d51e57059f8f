#include "lifecycle/images.h"

#include <unordered_map>
#include <unordered_set>

namespace surveyor::lifecycle {
namespace {

TimePoint FromMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// Times enter the sums modulo a prime below 2^31, so no sum can overflow.
constexpr char kMod[] = "2147483647";

}  // namespace

Fingerprint& Fingerprint::operator-=(const Fingerprint& o) {
  manifests -= o.manifests;
  pushed -= o.pushed;
  pulled -= o.pulled;
  tags -= o.tags;
  tag_updates -= o.tag_updates;
  tag_names -= o.tag_names;
  return *this;
}

namespace {

Status AddManifestSums(store::Database& db, const std::string& where, int64_t repository_id,
                       const std::string* digest, Fingerprint& f) {
  ASSIGN_OR_RETURN(auto m, db.Prepare(std::string("SELECT count(*), coalesce(sum(pushed_at % ") +
                                      kMod + "), 0), coalesce(sum(coalesce(last_pulled_at, 0) % " +
                                      kMod + "), 0) FROM manifests WHERE " + where));
  m.Bind(1, repository_id);
  if (digest) m.Bind(2, *digest);
  ASSIGN_OR_RETURN(bool row, m.Step());
  if (row) {
    f.manifests += m.ColumnInt(0);
    f.pushed += m.ColumnInt(1);
    f.pulled += m.ColumnInt(2);
  }
  ASSIGN_OR_RETURN(auto t, db.Prepare(std::string("SELECT count(*), coalesce(sum(updated_at % ") +
                                      kMod + "), 0), coalesce(sum(length(name)), 0) FROM tags "
                                      "WHERE " + where));
  t.Bind(1, repository_id);
  if (digest) t.Bind(2, *digest);
  ASSIGN_OR_RETURN(row, t.Step());
  if (row) {
    f.tags += t.ColumnInt(0);
    f.tag_updates += t.ColumnInt(1);
    f.tag_names += t.ColumnInt(2);
  }
  return Status::Ok();
}

Result<RepositoryImages> LoadInSnapshot(store::Database& db, int64_t repository_id);

}  // namespace

Result<Fingerprint> RepositoryFingerprint(store::Database& db, int64_t repository_id) {
  auto lock = db.Lock();
  Fingerprint f;
  RETURN_IF_ERROR(AddManifestSums(db, "repository_id = ?", repository_id, nullptr, f));
  return f;
}

Result<Fingerprint> ManifestsFingerprint(store::Database& db, int64_t repository_id,
                                         const std::vector<std::string>& digests) {
  auto lock = db.Lock();
  Fingerprint f;
  for (const auto& d : digests) {
    RETURN_IF_ERROR(AddManifestSums(db, "repository_id = ? AND digest = ?", repository_id, &d, f));
  }
  return f;
}

Result<RepositoryImages> LoadRepositoryImages(store::Database& db, int64_t repository_id) {
  auto lock = db.Lock();
  if (db.InTransaction()) return LoadInSnapshot(db, repository_id);
  // A deferred transaction only reads: in WAL mode it is a snapshot and blocks no writer.
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto out = LoadInSnapshot(db, repository_id);
  if (out.ok()) {
    RETURN_IF_ERROR(db.Commit());
  } else {
    db.Rollback();
  }
  return out;
}

namespace {

Result<RepositoryImages> LoadInSnapshot(store::Database& db, int64_t repository_id) {
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
  ASSIGN_OR_RETURN(out.fingerprint, RepositoryFingerprint(db, repository_id));
  return out;
}

}  // namespace

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
