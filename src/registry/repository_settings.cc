#include "registry/repository_settings.h"

#include <algorithm>
#include <unordered_map>

#include "common/glob.h"
#include "common/json.h"

namespace surveyor::registry {
namespace {

std::string RepoNotFoundMessage(std::string_view name, std::string_view account) {
  return "The repository with name '" + std::string(name) +
         "' does not exist in the registry with id '" + std::string(account) + "'";
}

std::string FiltersToJson(const std::vector<std::string>& filters) {
  Json a = Json::array();
  for (const auto& f : filters) a.push_back(f);
  return DumpJson(a);
}

std::string TagsToJson(const std::vector<std::pair<std::string, std::string>>& tags) {
  Json a = Json::array();
  for (const auto& [k, v] : tags) a.push_back(Json::array({k, v}));
  return DumpJson(a);
}

void ReadSettingsColumns(const store::Statement& s, int first, RepositorySettings& out) {
  // Columns: tag_mutability, mutability_filters, scan_on_push, encryption_type, kms_key,
  // policy_text, lifecycle_policy_text, lifecycle_evaluated_at, tags (all NULL without a row).
  if (s.ColumnIsNull(first)) return;
  out.mutability = ParseTagMutability(s.ColumnText(first)).value_or(TagMutability::kMutable);
  if (auto j = ParseJson(s.ColumnText(first + 1)); j.ok() && j->is_array()) {
    for (const auto& f : *j) {
      if (f.is_string()) out.mutability_filters.push_back(f.get<std::string>());
    }
  }
  out.scan_on_push = s.ColumnInt(first + 2) != 0;
  out.encryption_type = s.ColumnText(first + 3);
  if (!s.ColumnIsNull(first + 4)) out.kms_key = s.ColumnText(first + 4);
  if (!s.ColumnIsNull(first + 5)) out.policy_text = s.ColumnText(first + 5);
  if (!s.ColumnIsNull(first + 6)) out.lifecycle_policy_text = s.ColumnText(first + 6);
  if (!s.ColumnIsNull(first + 7)) out.lifecycle_evaluated_at_ms = s.ColumnInt(first + 7);
  if (auto j = ParseJson(s.ColumnText(first + 8)); j.ok() && j->is_array()) {
    for (const auto& t : *j) {
      if (t.is_array() && t.size() == 2 && t[0].is_string() && t[1].is_string()) {
        out.tags.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
      }
    }
  }
}

constexpr char kSelectRepository[] =
    "SELECT r.id, r.name, r.created_at, s.tag_mutability, s.mutability_filters, s.scan_on_push, "
    "s.encryption_type, s.kms_key, s.policy_text, s.lifecycle_policy_text, "
    "s.lifecycle_evaluated_at, s.tags FROM repositories r LEFT JOIN repository_settings s ON "
    "s.repository_id = r.id";

RepositoryRecord ReadRepository(const store::Statement& s) {
  RepositoryRecord r;
  r.id = s.ColumnInt(0);
  r.name = s.ColumnText(1);
  r.created_at_ms = s.ColumnInt(2);
  ReadSettingsColumns(s, 3, r.settings);
  return r;
}

}  // namespace

std::string_view TagMutabilityName(TagMutability m) {
  switch (m) {
    case TagMutability::kMutable: return "MUTABLE";
    case TagMutability::kImmutable: return "IMMUTABLE";
    case TagMutability::kImmutableWithExclusion: return "IMMUTABLE_WITH_EXCLUSION";
    case TagMutability::kMutableWithExclusion: return "MUTABLE_WITH_EXCLUSION";
  }
  return "MUTABLE";
}

std::optional<TagMutability> ParseTagMutability(std::string_view name) {
  for (TagMutability m : {TagMutability::kMutable, TagMutability::kImmutable,
                          TagMutability::kImmutableWithExclusion,
                          TagMutability::kMutableWithExclusion}) {
    if (TagMutabilityName(m) == name) return m;
  }
  return std::nullopt;
}

bool GlobMatches(std::string_view text, std::string_view pattern) {
  return GlobMatch(text, pattern);
}

bool TagIsImmutable(const RepositorySettings& settings, std::string_view tag) {
  const bool excluded =
      std::any_of(settings.mutability_filters.begin(), settings.mutability_filters.end(),
                  [&](const std::string& f) { return GlobMatches(tag, f); });
  switch (settings.mutability) {
    case TagMutability::kMutable: return false;
    case TagMutability::kImmutable: return true;
    case TagMutability::kImmutableWithExclusion: return !excluded;
    case TagMutability::kMutableWithExclusion: return excluded;
  }
  return false;
}

Status CheckTagMove(store::Database& db, int64_t repo_id, std::string_view repository,
                    std::string_view tag, std::string_view new_digest) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest FROM tags WHERE repository_id = ? AND "
                                         "name = ?"));
  stmt.Bind(1, repo_id).Bind(2, tag);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnText(0) == new_digest) return Status::Ok();
  ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT tag_mutability, mutability_filters, scan_on_push, "
                                      "encryption_type, kms_key, policy_text, "
                                      "lifecycle_policy_text, lifecycle_evaluated_at, tags FROM "
                                      "repository_settings WHERE repository_id = ?"));
  s.Bind(1, repo_id);
  ASSIGN_OR_RETURN(bool has_settings, s.Step());
  if (!has_settings) return Status::Ok();
  RepositorySettings settings;
  ReadSettingsColumns(s, 0, settings);
  if (!TagIsImmutable(settings, tag)) return Status::Ok();
  return FailedPrecondition("The image tag '" + std::string(tag) + "' already exists in the '" +
                                std::string(repository) +
                                "' repository and cannot be overwritten because the repository "
                                "is immutable.",
                            "TAG_INVALID");
}

Result<RepositoryRecord> CreateRepository(store::Database& db, std::string_view name,
                                          const RepositorySettings& settings, int64_t now_ms,
                                          std::string_view account_id) {
  store::Transaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  {
    ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT 1 FROM repositories WHERE name = ?"));
    s.Bind(1, name);
    ASSIGN_OR_RETURN(bool exists, s.Step());
    if (exists) {
      return AlreadyExists("The repository with name '" + std::string(name) +
                               "' already exists in the registry with id '" +
                               std::string(account_id) + "'",
                           "RepositoryAlreadyExistsException");
    }
  }
  {
    ASSIGN_OR_RETURN(auto s, db.Prepare("INSERT INTO repositories(name, created_at) VALUES (?, ?)"));
    s.Bind(1, name).Bind(2, now_ms);
    RETURN_IF_ERROR(s.Run());
  }
  const int64_t id = db.LastInsertId();
  RETURN_IF_ERROR(SaveSettings(db, id, settings));
  RETURN_IF_ERROR(tx.Commit());
  return RepositoryRecord{id, std::string(name), now_ms, settings};
}

Result<RepositoryRecord> GetRepository(store::Database& db, std::string_view name,
                                       std::string_view account_id) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare(std::string(kSelectRepository) + " WHERE r.name = ?"));
  s.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFound(RepoNotFoundMessage(name, account_id), "RepositoryNotFoundException");
  return ReadRepository(s);
}

Result<std::vector<RepositoryRecord>> ListRepositories(store::Database& db) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare(std::string(kSelectRepository) + " ORDER BY r.name"));
  std::vector<RepositoryRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadRepository(s));
  }
  return out;
}

Status SaveSettings(store::Database& db, int64_t repo_id, const RepositorySettings& st) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(
      auto s,
      db.Prepare("INSERT INTO repository_settings(repository_id, tag_mutability, "
                 "mutability_filters, scan_on_push, encryption_type, kms_key, policy_text, "
                 "lifecycle_policy_text, lifecycle_evaluated_at, tags) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(repository_id) DO UPDATE SET "
                 "tag_mutability = excluded.tag_mutability, mutability_filters = "
                 "excluded.mutability_filters, scan_on_push = excluded.scan_on_push, "
                 "encryption_type = excluded.encryption_type, kms_key = excluded.kms_key, "
                 "policy_text = excluded.policy_text, lifecycle_policy_text = "
                 "excluded.lifecycle_policy_text, lifecycle_evaluated_at = "
                 "excluded.lifecycle_evaluated_at, tags = excluded.tags"));
  s.Bind(1, repo_id)
      .Bind(2, TagMutabilityName(st.mutability))
      .Bind(3, FiltersToJson(st.mutability_filters))
      .Bind(4, int64_t{st.scan_on_push ? 1 : 0})
      .Bind(5, st.encryption_type)
      .BindOptional(6, st.kms_key.empty() ? std::nullopt : std::optional(st.kms_key))
      .BindOptional(7, st.policy_text)
      .BindOptional(8, st.lifecycle_policy_text);
  if (st.lifecycle_evaluated_at_ms) {
    s.Bind(9, *st.lifecycle_evaluated_at_ms);
  } else {
    s.BindNull(9);
  }
  s.Bind(10, TagsToJson(st.tags));
  return s.Run();
}

Status DeleteRepository(store::Database& db, std::string_view name, bool force,
                        std::string_view account_id) {
  store::Transaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(RepositoryRecord repo, GetRepository(db, name, account_id));
  {
    ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT count(*) FROM manifests WHERE repository_id = ?"));
    s.Bind(1, repo.id);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row && s.ColumnInt(0) > 0 && !force) {
      return FailedPrecondition("The repository with name '" + std::string(name) +
                                    "' in registry with id '" + std::string(account_id) +
                                    "' cannot be deleted because it still contains images",
                                "RepositoryNotEmptyException");
    }
  }
  // Children first: tags and references cascade from manifests, but be explicit.
  for (const char* sql : {"DELETE FROM tags WHERE repository_id = ?",
                          "DELETE FROM manifest_references WHERE repository_id = ?",
                          "DELETE FROM manifests WHERE repository_id = ?",
                          "DELETE FROM repository_blobs WHERE repository_id = ?",
                          "DELETE FROM repository_settings WHERE repository_id = ?",
                          "DELETE FROM repositories WHERE id = ?"}) {
    ASSIGN_OR_RETURN(auto s, db.Prepare(sql));
    s.Bind(1, repo.id);
    RETURN_IF_ERROR(s.Run());
  }
  return tx.Commit();
}

Result<std::vector<ImageRecord>> ListImageRecords(store::Database& db, int64_t repo_id) {
  auto lock = db.Lock();
  std::vector<ImageRecord> out;
  {
    ASSIGN_OR_RETURN(
        auto s,
        db.Prepare("SELECT m.digest, m.media_type, coalesce(m.artifact_type, ''), m.size, "
                   "m.pushed_at, m.last_pulled_at, (SELECT coalesce(sum(b.size), 0) FROM "
                   "manifest_references r JOIN blobs b ON b.digest = r.child_digest WHERE "
                   "r.repository_id = m.repository_id AND r.manifest_digest = m.digest AND "
                   "r.kind = 'layer') FROM manifests m WHERE m.repository_id = ? ORDER BY "
                   "m.pushed_at, m.digest"));
    s.Bind(1, repo_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      ImageRecord r;
      r.digest = s.ColumnText(0);
      r.media_type = s.ColumnText(1);
      r.artifact_type = s.ColumnText(2);
      r.manifest_size = s.ColumnInt(3);
      r.pushed_at_ms = s.ColumnInt(4);
      if (!s.ColumnIsNull(5)) r.last_pulled_at_ms = s.ColumnInt(5);
      r.layers_size = s.ColumnInt(6);
      out.push_back(std::move(r));
    }
  }
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < out.size(); ++i) index[out[i].digest] = i;
  ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT digest, name FROM tags WHERE repository_id = ? "
                                      "ORDER BY name"));
  s.Bind(1, repo_id);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto it = index.find(s.ColumnText(0));
    if (it != index.end()) out[it->second].tags.push_back(s.ColumnText(1));
  }
  return out;
}

Result<std::optional<std::string>> GetRegistrySetting(store::Database& db, std::string_view name) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT value FROM registry_settings WHERE name = ?"));
  s.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

Status PutRegistrySetting(store::Database& db, std::string_view name, std::string_view value) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare("INSERT INTO registry_settings(name, value) VALUES (?, ?) "
                                      "ON CONFLICT(name) DO UPDATE SET value = excluded.value"));
  s.Bind(1, name).Bind(2, value);
  return s.Run();
}

}  // namespace surveyor::registry
