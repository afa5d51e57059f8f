// What the lifecycle evaluator needs to know about a repository's stored images, loaded from the
// registry's tables, and the planning step shared by preview (ECR and CLI) and the executor:
// evaluate the policy, then keep every image a surviving image index still references.
// Loading locks the Database itself (its mutex is recursive, so it also runs inside a caller's
// transaction). PlanExpirations is pure. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lifecycle/evaluator.h"
#include "lifecycle/policy.h"
#include "store/sqlite.h"

namespace surveyor::lifecycle {

// A summary of what evaluation reads from a repository's tables: a push or deletion (count and sum
// of manifest rowids), a tag added, moved or removed (count, sum of update times and name
// lengths) and, when asked for (`with_pulls`: the policy has a sinceImagePulled rule), a recorded
// pull (sum of last-pull times) change it. Sums are additive, so the fingerprint after deleting
// some images is the fingerprint before minus theirs. Times enter modulo a prime below 2^31.
struct Fingerprint {
  int64_t manifests = 0, rowids = 0, pulled = 0, tags = 0, tag_updates = 0, tag_names = 0;
  bool operator==(const Fingerprint&) const = default;
  Fingerprint& operator-=(const Fingerprint& o);
};

// The whole repository's fingerprint, or (with `digests`) the share of just those manifests.
Result<Fingerprint> RepositoryFingerprint(store::Database& db, int64_t repository_id,
                                          bool with_pulls = true);
Result<Fingerprint> ManifestsFingerprint(store::Database& db, int64_t repository_id,
                                         const std::vector<std::string>& digests,
                                         bool with_pulls = true);
// Whether any rule of `policy` is sinceImagePulled.
bool UsesPullTimes(const Policy& policy);

// Hashes a digest string by eight bytes of its hex part (already uniformly random for real
// digests); other strings fall back to std::hash. For the maps keyed by digest.
struct DigestHash {
  size_t operator()(std::string_view s) const;
};

struct RepositoryImages {
  std::vector<Image> images;  // every manifest of the repository, in no particular order
  // (parent, child): the manifests an image index (or manifest list) of the repository names.
  std::vector<std::pair<std::string, std::string>> references;
  Fingerprint fingerprint;  // of the state these images were read from
};

// Reads every manifest of repository `repository_id` with its tags, push and last pull times, and
// the fingerprint, from one consistent snapshot (a read transaction unless the caller has one).
Result<RepositoryImages> LoadRepositoryImages(store::Database& db, int64_t repository_id,
                                              bool with_pulls = true);

struct Plan {
  std::vector<Expiration> expirations;  // oldest first, as Evaluate orders them
  // Selected by a rule but kept because an image index that stays names them: deleting them
  // would break that index (a multi-architecture image). They expire with their index.
  std::vector<Expiration> kept_referenced;
};

Plan PlanExpirations(const Policy& policy, const RepositoryImages& repo, TimePoint now);

}  // namespace surveyor::lifecycle
