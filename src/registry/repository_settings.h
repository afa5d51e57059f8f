// ECR repository semantics on top of the registry's tables: per-repository settings (tag
// mutability with exclusion filters, scan-on-push, encryption, repository and lifecycle policy
// texts, resource tags; created time is repositories.created_at), the tag-immutability check that
// Registry::PutManifest runs inside its transaction, and the image listings the ECR API reports.
// Functions take the Database and lock it themselves (its mutex is recursive); thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "store/sqlite.h"

namespace surveyor::registry {

enum class TagMutability { kMutable, kImmutable, kImmutableWithExclusion, kMutableWithExclusion };
std::string_view TagMutabilityName(TagMutability m);  // "MUTABLE", ...
std::optional<TagMutability> ParseTagMutability(std::string_view name);

inline constexpr size_t kMaxMutabilityFilters = 5;
inline constexpr size_t kMaxResourceTags = 50;

struct RepositorySettings {
  TagMutability mutability = TagMutability::kMutable;
  std::vector<std::string> mutability_filters;  // WILDCARD filters, anchored `*` globs
  bool scan_on_push = false;
  std::string encryption_type = "AES256";  // AES256 | KMS | KMS_DSSE
  std::string kms_key;
  std::optional<std::string> policy_text;
  std::optional<std::string> lifecycle_policy_text;
  std::optional<int64_t> lifecycle_evaluated_at_ms;
  std::vector<std::pair<std::string, std::string>> tags;  // resource tags, Key/Value, in order
};

struct RepositoryRecord {
  int64_t id = 0;
  std::string name;
  int64_t created_at_ms = 0;
  RepositorySettings settings;  // defaults when the repository was created by a plain push
};

// Anchored glob: `*` matches any run of characters (also none).
bool GlobMatches(std::string_view text, std::string_view pattern);
// Whether pushing `tag` may move it when it already points elsewhere. Pure.
bool TagIsImmutable(const RepositorySettings& settings, std::string_view tag);

// Registry::PutManifest calls this inside its transaction before it moves `tag` of repository
// `repo_id` to `new_digest`: FailedPrecondition with domain code TAG_INVALID and ECR's message
// when the tag exists on another digest and is immutable. The original tag is left alone.
Status CheckTagMove(store::Database& db, int64_t repo_id, std::string_view repository,
                    std::string_view tag, std::string_view new_digest);

// Repositories. Errors carry ECR exception names as domain codes (RepositoryNotFoundException,
// RepositoryAlreadyExistsException, RepositoryNotEmptyException).
Result<RepositoryRecord> CreateRepository(store::Database& db, std::string_view name,
                                          const RepositorySettings& settings, int64_t now_ms,
                                          std::string_view account_id);
Result<RepositoryRecord> GetRepository(store::Database& db, std::string_view name,
                                       std::string_view account_id);
// All repositories ordered by name.
Result<std::vector<RepositoryRecord>> ListRepositories(store::Database& db);
Status SaveSettings(store::Database& db, int64_t repo_id, const RepositorySettings& settings);
// Deletes the repository with its manifests and tags (blobs are left to garbage collection).
// Without `force`, a repository that holds images is RepositoryNotEmptyException.
Status DeleteRepository(store::Database& db, std::string_view name, bool force,
                        std::string_view account_id);

struct ImageRecord {
  std::string digest;
  std::string media_type;
  std::string artifact_type;
  int64_t manifest_size = 0;
  int64_t layers_size = 0;  // sum of the layer blobs (imageSizeInBytes)
  int64_t pushed_at_ms = 0;
  std::optional<int64_t> last_pulled_at_ms;
  std::vector<std::string> tags;  // sorted
};
// The images (manifests) of a repository, ordered by push time then digest.
Result<std::vector<ImageRecord>> ListImageRecords(store::Database& db, int64_t repo_id);

// Registry-wide named settings (JSON texts), e.g. the scanning configuration.
Result<std::optional<std::string>> GetRegistrySetting(store::Database& db, std::string_view name);
Status PutRegistrySetting(store::Database& db, std::string_view name, std::string_view value);

}  // namespace surveyor::registry
