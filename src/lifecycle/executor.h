// The lifecycle executor: evaluates a repository's stored lifecycle policy against its images
// and expires the selected ones through Registry::DeleteChosenManifests, so that every registry
// observer hears of each deletion (the events outbox writes an "ECR Image Action" DELETE event,
// the scan service closes the image's findings).
// Safety while pushes continue: a first look from a read snapshot makes the plan; each batch of
// deletions is then decided inside its own write transaction (the lock pushes take), where the
// repository's fingerprint (images, tags, push/pull times) and policy text must still be what the
// plan was made from, or the plan is remade there from the current state. So an image re-tagged,
// pulled or deleted between evaluation and deletion is judged on its new state. Batches keep
// pushes from waiting long. Thread-safe (state lives in the Database); the Registry and Database
// outlive it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "lifecycle/images.h"
#include "registry/registry.h"
#include "store/sqlite.h"

namespace surveyor::lifecycle {

struct ExpiredImage {
  std::string digest;
  std::vector<std::string> tags;
  TimePoint pushed_at;
  int64_t rule_priority = 0;
};

struct RepositoryOutcome {
  std::string repository;
  bool has_policy = false;
  size_t images = 0;                   // images the (first) evaluation saw
  std::vector<ExpiredImage> expired;   // deleted, or with dry_run/preview: would be deleted
  std::vector<ExpiredImage> kept_referenced;  // selected, kept because an index names them
  Status error = Status::Ok();         // in RunAll: this repository failed, the others ran
};

struct RunOptions {
  bool dry_run = false;               // evaluate and report, delete nothing
  std::optional<TimePoint> now;       // evaluation time; default the executor's clock
  size_t batch_size = 2000;           // deletions per write transaction (at least 1)
};

class Executor {
 public:
  Executor(store::Database& db, registry::Registry& registry, const Clock& clock)
      : db_(db), registry_(registry), clock_(clock) {}

  // Evaluates `policy_text` (the stored policy when empty) without deleting anything.
  // Errors: NAME_UNKNOWN-style NotFound for the repository (RepositoryNotFoundException),
  // LifecyclePolicyNotFoundException when there is no policy, the parser's InvalidParameter.
  Result<RepositoryOutcome> Preview(std::string_view repository, std::string_view policy_text,
                                    std::optional<TimePoint> now);

  // Applies the stored policy of one repository (none: nothing happens, has_policy false) and,
  // unless dry_run, records the evaluation time as the repository's lifecycle_evaluated_at_ms.
  Result<RepositoryOutcome> Run(std::string_view repository, const RunOptions& options);

  // Run for every repository that has a lifecycle policy, by name. A failing repository is
  // reported in its outcome's `error` and does not stop the others.
  Result<std::vector<RepositoryOutcome>> RunAll(const RunOptions& options);

  // Runs between Run's first look and its deletions (tests change the repository there).
  void SetBeforeDeleteHookForTest(std::function<void()> hook) { before_delete_ = std::move(hook); }

 private:
  Result<RepositoryOutcome> RunOne(int64_t repository_id, const std::string& name,
                                   const std::string& policy_text, const RunOptions& options);
  Status RecordEvaluation(int64_t repository_id, const std::string& name);

  store::Database& db_;
  registry::Registry& registry_;
  const Clock& clock_;
  std::function<void()> before_delete_;
};

// Account id used only in error messages of repository look-ups.
inline constexpr char kDefaultAccountId[] = "123456789012";

}  // namespace surveyor::lifecycle
