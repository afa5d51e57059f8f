#include "lifecycle/images.h"

#include <cstring>
#include <unordered_map>
#include <unordered_set>

namespace surveyor::lifecycle {
namespace {

TimePoint FromMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// Times enter the sums modulo a prime below 2^31, so no sum can overflow.
constexpr char kMod[] = "2147483647";

}  // namespace

size_t DigestHash::operator()(std::string_view s) const {
  const size_t colon = s.find(':');
  if (colon == std::string_view::npos || s.size() < colon + 1 + 16) {
    return std::hash<std::string_view>()(s);
  }
  uint64_t a = 0, b = 0;
  std::memcpy(&a, s.data() + colon + 1, 8);
  std::memcpy(&b, s.data() + s.size() - 8, 8);
  return static_cast<size_t>((a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull);
}

Fingerprint& Fingerprint::operator-=(const Fingerprint& o) {
  manifests -= o.manifests;
  rowids -= o.rowids;
  pulled -= o.pulled;
  tags -= o.tags;
  tag_updates -= o.tag_updates;
  tag_names -= o.tag_names;
  return *this;
}

namespace {

int64_t Mod(int64_t v) { return v % 2147483647; }

// The tags part: tags is WITHOUT ROWID and keyed by (repository_id, name), so this reads one
// contiguous range.
Status AddTagSums(store::Database& db, int64_t repository_id, Fingerprint& f) {
  ASSIGN_OR_RETURN(auto t, db.Prepare(std::string("SELECT count(*), coalesce(sum(updated_at % ") +
                                      kMod + "), 0), coalesce(sum(length(name)), 0) FROM tags "
                                      "WHERE repository_id = ?"));
  t.Bind(1, repository_id);
  ASSIGN_OR_RETURN(bool row, t.Step());
  if (row) {
    f.tags += t.ColumnInt(0);
    f.tag_updates += t.ColumnInt(1);
    f.tag_names += t.ColumnInt(2);
  }
  return Status::Ok();
}

Result<RepositoryImages> LoadInSnapshot(store::Database& db, int64_t repository_id,
                                        bool with_pulls);

}  // namespace

Result<Fingerprint> RepositoryFingerprint(store::Database& db, int64_t repository_id,
                                          bool with_pulls) {
  auto lock = db.Lock();
  Fingerprint f;
  // count and sum(rowid) come from the primary-key index alone; pull times need every row, so
  // they are only read when a rule looks at them.
  ASSIGN_OR_RETURN(auto m, db.Prepare(with_pulls
                                          ? std::string("SELECT count(*), coalesce(sum(rowid), 0), "
                                                        "coalesce(sum(coalesce(last_pulled_at, 0) "
                                                        "% ") + kMod + "), 0) FROM manifests "
                                                        "WHERE repository_id = ?"
                                          : std::string("SELECT count(*), coalesce(sum(rowid), 0), "
                                                        "0 FROM manifests WHERE repository_id = ?")));
  m.Bind(1, repository_id);
  ASSIGN_OR_RETURN(bool row, m.Step());
  if (row) {
    f.manifests = m.ColumnInt(0);
    f.rowids = m.ColumnInt(1);
    f.pulled = m.ColumnInt(2);
  }
  RETURN_IF_ERROR(AddTagSums(db, repository_id, f));
  return f;
}

Result<Fingerprint> ManifestsFingerprint(store::Database& db, int64_t repository_id,
                                         const std::vector<std::string>& digests,
                                         bool with_pulls) {
  auto lock = db.Lock();
  Fingerprint f;
  ASSIGN_OR_RETURN(auto m, db.Prepare("SELECT rowid, coalesce(last_pulled_at, 0) FROM manifests "
                                      "WHERE repository_id = ? AND digest = ?"));
  // Without the hint SQLite reads updated_at through the primary key, scanning every tag of the
  // repository per digest (tags_digest does not cover updated_at).
  ASSIGN_OR_RETURN(auto t, db.Prepare("SELECT updated_at, length(name) FROM tags INDEXED BY "
                                      "tags_digest WHERE repository_id = ? AND digest = ?"));
  for (const auto& d : digests) {
    m.Reset();
    m.Bind(1, repository_id).Bind(2, d);
    ASSIGN_OR_RETURN(bool row, m.Step());
    if (!row) continue;
    ++f.manifests;
    f.rowids += m.ColumnInt(0);
    if (with_pulls) f.pulled += Mod(m.ColumnInt(1));
    t.Reset();
    t.Bind(1, repository_id).Bind(2, d);
    for (;;) {
      ASSIGN_OR_RETURN(bool tag, t.Step());
      if (!tag) break;
      ++f.tags;
      f.tag_updates += Mod(t.ColumnInt(0));
      f.tag_names += t.ColumnInt(1);
    }
  }
  return f;
}

Result<RepositoryImages> LoadRepositoryImages(store::Database& db, int64_t repository_id,
                                              bool with_pulls) {
  auto lock = db.Lock();
  if (db.InTransaction()) return LoadInSnapshot(db, repository_id, with_pulls);
  // A deferred transaction only reads: in WAL mode it is a snapshot and blocks no writer.
  RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto out = LoadInSnapshot(db, repository_id, with_pulls);
  if (out.ok()) {
    RETURN_IF_ERROR(db.Commit());
  } else {
    db.Rollback();
  }
  return out;
}

namespace {

Result<RepositoryImages> LoadInSnapshot(store::Database& db, int64_t repository_id,
                                        bool with_pulls) {
  RepositoryImages out;
  Fingerprint& f = out.fingerprint;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest, pushed_at, last_pulled_at, rowid FROM "
                                           "manifests WHERE repository_id = ?"));
    stmt.Bind(1, repository_id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Image img;
      img.digest = stmt.ColumnText(0);
      img.pushed_at = FromMillis(stmt.ColumnInt(1));
      if (!stmt.ColumnIsNull(2)) {
        img.last_pulled_at = FromMillis(stmt.ColumnInt(2));
        if (with_pulls) f.pulled += Mod(stmt.ColumnInt(2));
      }
      ++f.manifests;
      f.rowids += stmt.ColumnInt(3);
      out.images.push_back(std::move(img));
    }
  }
  // Keyed by views of the digests in out.images, built once the vector no longer moves.
  std::unordered_map<std::string_view, size_t, DigestHash> index;
  index.reserve(out.images.size());
  for (size_t i = 0; i < out.images.size(); ++i) index.emplace(out.images[i].digest, i);
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest, name, updated_at FROM tags WHERE "
                                           "repository_id = ? ORDER BY name"));
    stmt.Bind(1, repository_id);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      std::string name = stmt.ColumnText(1);
      ++f.tags;
      f.tag_updates += Mod(stmt.ColumnInt(2));
      f.tag_names += static_cast<int64_t>(name.size());
      auto it = index.find(stmt.ColumnText(0));
      if (it != index.end()) out.images[it->second].tags.push_back(std::move(name));
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

}  // namespace

bool UsesPullTimes(const Policy& policy) {
  for (const auto& r : policy.rules) {
    if (r.count_type == CountType::kSinceImagePulled) return true;
  }
  return false;
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
