// What the lifecycle evaluator needs to know about a repository's stored images, loaded from the
// registry's tables, and the planning step shared by preview (ECR and CLI) and the executor:
// evaluate the policy, then keep every image a surviving image index still references.
// Loading locks the Database itself (its mutex is recursive, so it also runs inside a caller's
// transaction). PlanExpirations is pure. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lifecycle/evaluator.h"
#include "lifecycle/policy.h"
#include "store/sqlite.h"

namespace surveyor::lifecycle {

struct RepositoryImages {
  std::vector<Image> images;  // every manifest of the repository, in no particular order
  // (parent, child): the manifests an image index (or manifest list) of the repository names.
  std::vector<std::pair<std::string, std::string>> references;
};

// Reads every manifest of repository `repository_id` with its tags, push and last pull times.
Result<RepositoryImages> LoadRepositoryImages(store::Database& db, int64_t repository_id);

struct Plan {
  std::vector<Expiration> expirations;  // oldest first, as Evaluate orders them
  // Selected by a rule but kept because an image index that stays names them: deleting them
  // would break that index (a multi-architecture image). They expire with their index.
  std::vector<Expiration> kept_referenced;
};

Plan PlanExpirations(const Policy& policy, const RepositoryImages& repo, TimePoint now);

}  // namespace surveyor::lifecycle
