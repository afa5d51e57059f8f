#include "lifecycle/executor.h"

#include <algorithm>
#include <unordered_map>

#include "registry/repository_settings.h"

namespace surveyor::lifecycle {
namespace {

Status NoPolicy(std::string_view repository) {
  return NotFound("Lifecycle policy does not exist for the repository with name '" +
                      std::string(repository) + "' in the registry with id '" +
                      std::string(kDefaultAccountId) + "'",
                  "LifecyclePolicyNotFoundException");
}

std::vector<ExpiredImage> Describe(const RepositoryImages& repo,
                                   const std::vector<Expiration>& expirations) {
  std::unordered_map<std::string_view, const Image*> by_digest;
  by_digest.reserve(repo.images.size());
  for (const auto& img : repo.images) by_digest.emplace(img.digest, &img);
  std::vector<ExpiredImage> out;
  out.reserve(expirations.size());
  for (const auto& e : expirations) {
    ExpiredImage x;
    x.digest = e.digest;
    x.rule_priority = e.rule_priority;
    if (auto it = by_digest.find(e.digest); it != by_digest.end()) {
      x.tags = it->second->tags;
      x.pushed_at = it->second->pushed_at;
    }
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace

Status Executor::RecordEvaluation(int64_t repository_id, const std::string& name) {
  // The evaluation time, as GetLifecyclePolicy's lastEvaluatedAt. Read and written in one
  // transaction so a concurrent settings change is not overwritten with a stale copy.
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  auto record = registry::GetRepository(db_, name, kDefaultAccountId);
  if (!record.ok() || record->id != repository_id) return Status::Ok();  // deleted meanwhile
  record->settings.lifecycle_evaluated_at_ms = ToUnixMillis(clock_.Now());
  RETURN_IF_ERROR(registry::SaveSettings(db_, repository_id, record->settings));
  return tx.Commit();
}

Result<RepositoryOutcome> Executor::Preview(std::string_view repository,
                                            std::string_view policy_text,
                                            std::optional<TimePoint> now) {
  ASSIGN_OR_RETURN(auto record, registry::GetRepository(db_, repository, kDefaultAccountId));
  std::string text(policy_text);
  if (text.empty()) {
    if (!record.settings.lifecycle_policy_text) return NoPolicy(repository);
    text = *record.settings.lifecycle_policy_text;
  }
  ASSIGN_OR_RETURN(Policy policy, ParseLifecyclePolicy(text));
  // Pull times a server in this process holds back would change sinceImagePulled.
  RETURN_IF_ERROR(registry_.FlushPullTimes());
  ASSIGN_OR_RETURN(RepositoryImages images, LoadRepositoryImages(db_, record.id));
  const Plan plan = PlanExpirations(policy, images, now.value_or(clock_.Now()));
  RepositoryOutcome out;
  out.repository = record.name;
  out.has_policy = true;
  out.images = images.images.size();
  out.expired = Describe(images, plan.expirations);
  out.kept_referenced = Describe(images, plan.kept_referenced);
  return out;
}

Result<RepositoryOutcome> Executor::Run(std::string_view repository, const RunOptions& options) {
  ASSIGN_OR_RETURN(auto record, registry::GetRepository(db_, repository, kDefaultAccountId));
  if (!record.settings.lifecycle_policy_text) {
    RepositoryOutcome out;
    out.repository = record.name;
    return out;
  }
  return RunOne(record.id, record.name, *record.settings.lifecycle_policy_text, options);
}

Result<std::vector<RepositoryOutcome>> Executor::RunAll(const RunOptions& options) {
  ASSIGN_OR_RETURN(auto records, registry::ListRepositories(db_));
  std::vector<RepositoryOutcome> out;
  for (const auto& r : records) {
    if (!r.settings.lifecycle_policy_text) continue;
    auto one = RunOne(r.id, r.name, *r.settings.lifecycle_policy_text, options);
    if (one.ok()) {
      out.push_back(std::move(*one));
    } else {
      RepositoryOutcome failed;
      failed.repository = r.name;
      failed.has_policy = true;
      failed.error = one.status();
      out.push_back(std::move(failed));
    }
  }
  return out;
}

Result<RepositoryOutcome> Executor::RunOne(int64_t repository_id, const std::string& name,
                                           const std::string& policy_text,
                                           const RunOptions& options) {
  const TimePoint now = options.now.value_or(clock_.Now());
  const size_t batch = std::max<size_t>(1, options.batch_size);
  RepositoryOutcome out;
  out.repository = name;
  out.has_policy = true;
  ASSIGN_OR_RETURN(Policy policy, ParseLifecyclePolicy(policy_text));
  RETURN_IF_ERROR(registry_.FlushPullTimes());
  // First look without the write lock: most evaluations expire nothing.
  {
    ASSIGN_OR_RETURN(RepositoryImages images, LoadRepositoryImages(db_, repository_id));
    const Plan plan = PlanExpirations(policy, images, now);
    out.images = images.images.size();
    out.kept_referenced = Describe(images, plan.kept_referenced);
    if (options.dry_run) {
      out.expired = Describe(images, plan.expirations);
      return out;
    }
    if (plan.expirations.empty()) {
      RETURN_IF_ERROR(RecordEvaluation(repository_id, name));
      return out;
    }
  }
  if (before_delete_) before_delete_();
  // Decide again inside each deletion transaction, on exactly the state being changed: the
  // policy text (it may have been replaced or removed), tags, pushes and pull times as they are
  // now. Each batch takes the oldest `batch` expirations; the loop ends when a batch comes back
  // short. Every full batch deletes `batch` manifests, so the loop ends.
  for (;;) {
    std::vector<ExpiredImage> chosen_details;
    std::vector<ExpiredImage> kept;
    auto chooser = [&](int64_t repo_id) -> Result<std::vector<Digest>> {
      chosen_details.clear();
      kept.clear();
      ASSIGN_OR_RETURN(auto record, registry::GetRepository(db_, name, kDefaultAccountId));
      if (record.id != repo_id || !record.settings.lifecycle_policy_text) {
        return std::vector<Digest>();
      }
      ASSIGN_OR_RETURN(Policy current, ParseLifecyclePolicy(*record.settings.lifecycle_policy_text));
      ASSIGN_OR_RETURN(RepositoryImages images, LoadRepositoryImages(db_, repo_id));
      Plan plan = PlanExpirations(current, images, now);
      if (plan.expirations.size() > batch) plan.expirations.resize(batch);
      chosen_details = Describe(images, plan.expirations);
      kept = Describe(images, plan.kept_referenced);
      std::vector<Digest> digests;
      digests.reserve(plan.expirations.size());
      for (const auto& e : plan.expirations) {
        ASSIGN_OR_RETURN(Digest d, Digest::Parse(e.digest));
        digests.push_back(std::move(d));
      }
      return digests;
    };
    ASSIGN_OR_RETURN(std::vector<Digest> deleted, registry_.DeleteChosenManifests(name, chooser));
    std::unordered_map<std::string, const ExpiredImage*> details;
    for (const auto& d : chosen_details) details.emplace(d.digest, &d);
    for (const Digest& d : deleted) {
      auto it = details.find(d.ToString());
      if (it != details.end()) out.expired.push_back(*it->second);
    }
    out.kept_referenced = std::move(kept);
    if (chosen_details.size() < batch || deleted.empty()) break;
  }
  RETURN_IF_ERROR(RecordEvaluation(repository_id, name));
  return out;
}

}  // namespace surveyor::lifecycle
