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
  if (expirations.empty()) return {};
  std::unordered_map<std::string_view, const Image*, DigestHash> by_digest;
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
  // First look, from a read snapshot, without the write lock: most evaluations expire nothing.
  bool with_pulls = UsesPullTimes(policy);
  ASSIGN_OR_RETURN(RepositoryImages snapshot,
                   LoadRepositoryImages(db_, repository_id, with_pulls));
  Plan plan = PlanExpirations(policy, snapshot, now);
  std::vector<ExpiredImage> details = Describe(snapshot, plan.expirations);
  out.images = snapshot.images.size();
  out.kept_referenced = Describe(snapshot, plan.kept_referenced);
  if (options.dry_run) {
    out.expired = std::move(details);
    return out;
  }
  if (plan.expirations.empty()) {
    RETURN_IF_ERROR(RecordEvaluation(repository_id, name));
    return out;
  }
  if (before_delete_) before_delete_();
  // Each batch is decided inside its deletion transaction. When the repository's fingerprint and
  // policy text are what the plan was made from (the fingerprint expected after the previous
  // batch's own deletions), the plan still holds and the next `batch` expirations go. Otherwise
  // something changed (a push, re-tag, pull, deletion or new policy): the images are read again
  // inside the transaction and the plan is remade from the state the deletions apply to.
  std::string policy_seen = policy_text;
  Fingerprint expected = snapshot.fingerprint;
  size_t next = 0;
  bool stop = false;
  while (!stop && next < plan.expirations.size()) {
    std::vector<ExpiredImage> chosen;
    auto chooser = [&](int64_t repo_id) -> Result<std::vector<Digest>> {
      ASSIGN_OR_RETURN(auto record, registry::GetRepository(db_, name, kDefaultAccountId));
      if (record.id != repo_id || !record.settings.lifecycle_policy_text) {
        stop = true;  // the repository or its policy went away meanwhile
        return std::vector<Digest>();
      }
      ASSIGN_OR_RETURN(Fingerprint current, RepositoryFingerprint(db_, repo_id, with_pulls));
      if (current != expected || *record.settings.lifecycle_policy_text != policy_seen) {
        policy_seen = *record.settings.lifecycle_policy_text;
        ASSIGN_OR_RETURN(Policy now_policy, ParseLifecyclePolicy(policy_seen));
        with_pulls = UsesPullTimes(now_policy);
        ASSIGN_OR_RETURN(snapshot, LoadRepositoryImages(db_, repo_id, with_pulls));
        plan = PlanExpirations(now_policy, snapshot, now);
        details = Describe(snapshot, plan.expirations);
        out.kept_referenced = Describe(snapshot, plan.kept_referenced);
        current = snapshot.fingerprint;
        next = 0;
      }
      const size_t end = std::min(plan.expirations.size(), next + batch);
      std::vector<std::string> texts;
      std::vector<Digest> digests;
      for (size_t k = next; k < end; ++k) {
        ASSIGN_OR_RETURN(Digest d, Digest::Parse(plan.expirations[k].digest));
        digests.push_back(std::move(d));
        texts.push_back(plan.expirations[k].digest);
        chosen.push_back(details[k]);
      }
      ASSIGN_OR_RETURN(Fingerprint leaving, ManifestsFingerprint(db_, repo_id, texts, with_pulls));
      expected = current;
      expected -= leaving;
      next = end;
      if (digests.empty()) stop = true;
      return digests;
    };
    ASSIGN_OR_RETURN(std::vector<Digest> deleted, registry_.DeleteChosenManifests(name, chooser));
    std::unordered_map<std::string, const ExpiredImage*> by_digest;
    for (const auto& c : chosen) by_digest.emplace(c.digest, &c);
    for (const Digest& d : deleted) {
      auto it = by_digest.find(d.ToString());
      if (it != by_digest.end()) out.expired.push_back(*it->second);
    }
  }
  RETURN_IF_ERROR(RecordEvaluation(repository_id, name));
  return out;
}

}  // namespace surveyor::lifecycle
