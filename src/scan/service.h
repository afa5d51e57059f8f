// The scan service: what turns pushes and advisory imports into findings.
//   push → (registry observer) → an `analyze` job, high priority;
//   a worker analyses the image from the registry's own blob store (per-layer cache), stores its
//   inventory and the inverted index (ecosystem, package) → images, matches it, and reconciles
//   the image's findings;
//   advisory import → (poller over vulndb's import history) → the images whose inventories hold
//   a touched package, found through the index → `rematch` jobs, low priority: matching again,
//   never re-analysis;
//   delete → the image's findings close;
//   rescan duration (eligibility.h) → expired images' findings close, re-armed ones re-match.
// Jobs live in the metadata database (track "scan"), so they survive restarts; failures retry
// with backoff, then the image's status is FAILED with the reason. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "analyze/analyzer.h"
#include "analyze/cache.h"
#include "common/clock.h"
#include "findings/finding.h"
#include "findings/store.h"
#include "match/advisory_source.h"
#include "match/matcher.h"
#include "registry/registry.h"
#include "registry/repository_settings.h"
#include "registry/scanning_config.h"
#include "scan/eligibility.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace surveyor::scan {

const std::vector<store::Migration>& Migrations();
Status Migrate(store::Database& db);

struct ServiceOptions {
  std::string vulndb_dir;          // where `surveyor db import|update` writes
  std::string cache_dir;           // per-layer analysis cache
  int workers = 2;
  std::chrono::milliseconds poll_interval{2000};  // how often new imports are looked for
  // How often the rescan duration is applied (images expire, findings close); also at Start()
  // and whenever UpdateConfiguration changes it.
  std::chrono::milliseconds eligibility_interval{std::chrono::minutes(10)};
  int max_attempts = 3;
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  ResultsHook on_results;  // optional
  // Whether on_results reads the changed findings' JSON now (asked once per transaction; unset:
  // whenever on_results is set). The server asks whether any event rule is enabled: building
  // every changed finding for nobody is most of a re-evaluation's cost.
  std::function<bool(store::Database&)> wants_changes;
};

struct ScanStatus {
  std::string status;  // PENDING, IN_PROGRESS, COMPLETE, FAILED, UNSUPPORTED_IMAGE, ...
  std::string description;
  TimePoint completed_at{};
};

// Everything a scanned image's findings need to know about it.
struct ImageRecord {
  std::string repository;
  std::string digest;
  ScanStatus status;
};

class Service final : public registry::TransactionObserver {
 public:
  Service(store::Database& db, store::BlobStore& blobs, registry::Registry& registry,
          const Clock& clock, ServiceOptions options);
  ~Service() override;

  // Starts the workers and the import poller. Jobs left by a previous run resume.
  Status Start();
  void Stop();

  // registry::TransactionObserver (the registry's database is this service's): a push queues
  // the image's scan, and a deletion closes its findings, inside the registry's transaction, so
  // a crash never keeps the change without them.
  Status InManifestPushed(store::Database& db, std::string_view repository, const Digest& digest,
                          std::string_view tag, std::string_view media_type) override;
  Status InManifestDeleted(store::Database& db, std::string_view repository,
                           const Digest& digest) override;
  Status InTagDeleted(store::Database&, std::string_view, std::string_view,
                      const Digest&) override {
    return Status::Ok();
  }

  // Queues a (re)scan of an image, as StartImageScan does (in the caller's transaction when this
  // thread has one open).
  Status RequestScan(std::string_view repository, std::string_view digest, bool rematch_only);
  Result<ScanStatus> GetStatus(std::string_view repository, std::string_view digest);
  // Looks for new advisory imports now (the poller does this periodically); returns how many
  // images were queued for re-matching.
  Result<size_t> CheckForAdvisoryChanges();
  // Runs queued jobs on the calling thread until none is due (for tools and tests).
  surveyor::Status Drain();
  // Applies the rescan duration now (the poller does this every eligibility_interval).
  Result<EligibilityResult> CheckEligibility();

 private:
  struct Job {
    int64_t id = 0;
    std::string repository, digest, kind;
    int attempts = 0;
    std::optional<PackageSet> packages;  // a re-match's touched packages; nullopt: all
  };
  // What a match produced for one image, before it is recorded.
  struct PreparedMatch {
    findings::ImageContext image;
    // What the facts' lazily built details refer to.
    std::shared_ptr<const analyze::Inventory> inventory;
    std::shared_ptr<const match::MatchResult> matched;
    std::vector<findings::FindingFacts> facts;
    std::optional<findings::PackageScope> scope;  // set when only some packages were matched
    bool continuous = false;  // under continuous scanning: the findings follow their advisories
  };
  // What the images of one batch share while they are matched.
  struct BatchCache {
    std::map<std::string, std::pair<registry::EffectiveScanning, bool>> scanning;  // + basic
    std::map<std::string, findings::ImageContext> images;  // by "repository@digest"
    findings::TextCache texts;
  };
  // A batch of re-match jobs on its way: read from the database, matched, recorded.
  struct RematchBatch {
    struct Item {
      Job job;
      std::optional<std::string> inventory;  // stored, undecoded; nullopt: nothing to re-match
      PreparedMatch prepared;
      bool applies = false;
      surveyor::Status status;
    };
    std::vector<Item> items;
    BatchCache cache;
  };
  // Due jobs, claimed: one analysis, or up to `max_rematch` re-matches.
  Result<std::vector<Job>> ClaimJobs(size_t max_rematch);
  surveyor::Status RunJob(const Job& job);
  // The three steps of a re-match batch. Only matching runs without the database lock, so a
  // worker matches its batch while another records (Drain).
  void LoadBatch(RematchBatch& batch);     // the caller holds the lock
  void MatchBatch(RematchBatch& batch);    // without the lock
  surveyor::Status RecordBatch(RematchBatch& batch);
  // Removes a finished job, or schedules its retry with backoff (FAILED after the last attempt).
  surveyor::Status FinishJob(const Job& job, const surveyor::Status& result);
  surveyor::Status Analyze(const Job& job);
  // The stored inventory of an image to re-match; nullopt when there is nothing to re-match (not
  // analysed yet, or its rescan duration expired).
  Result<std::optional<analyze::Inventory>> StoredInventory(const Job& job);
  // Matches; false when continuous re-evaluation does not apply to the image.
  using InventoryPtr = std::shared_ptr<const analyze::Inventory>;
  Result<bool> ComputeFacts(const Job& job, InventoryPtr inventory, bool first_scan,
                            BatchCache& cache, PreparedMatch& out);
  // Matches a stored inventory again: only the job's touched packages when it has a list.
  Result<bool> ComputeRematch(const Job& job, InventoryPtr inventory,
                              BatchCache& cache, PreparedMatch& out);
  // What one recording transaction has written or decided, shared by its images.
  struct RecordState {
    std::set<std::string> texts;            // vulnerability texts written
    std::map<std::string, int64_t> scores;  // score rows looked up and brought up to date
    bool describe = false;                  // whether changed findings' JSON is built
  };
  RecordState BeginRecording();  // the caller holds the transaction
  // Freezes the scores of repositories no longer under continuous scanning (findings::FreezeScores).
  surveyor::Status FreezeNonContinuous();
  // Brings the findings of re-scored vulnerabilities up to date (findings::Rescore).
  surveyor::Status ApplyRescores(
      const std::map<std::string, std::shared_ptr<const match::LoadedAdvisory>>& rescored);
  // Reconciles and calls the results hook; the caller holds the transaction.
  Result<findings::ReconcileResult> Record(const PreparedMatch& prepared, bool first_scan,
                                           RecordState& state);
  surveyor::Status Rematch(const Job& job, InventoryPtr inventory, bool first_scan);
  surveyor::Status RecordOne(const Job& job, const PreparedMatch& prepared, bool first_scan);
  // The scanning configuration that applies to a repository (ECR rules; Surveyor's default when
  // none was ever set: ENHANCED, every repository, continuously).
  registry::EffectiveScanning ScanningFor(std::string_view repository, bool& basic);
  surveyor::Status SetStatus(std::string_view repository, std::string_view digest,
                             std::string_view status, std::string_view description);
  // What matching an image needs from the metadata database (its context and its repository's
  // scanning configuration), read into `cache` unless already there.
  surveyor::Status LoadContext(const Job& job, BatchCache& cache);
  // The stored inventory, undecoded (nullopt: nothing to re-match).
  Result<std::optional<std::string>> StoredInventoryText(const Job& job);
  Result<match::VulnDbSource*> Source();
  void WorkerLoop();
  void PollLoop();

  store::Database& db_;
  store::BlobStore& blobs_;
  registry::Registry& registry_;
  const Clock& clock_;
  ServiceOptions options_;
  std::vector<std::unique_ptr<analyze::Analyzer>> analyzers_;
  std::unique_ptr<analyze::LayerCache> cache_;

  std::shared_mutex source_mu_;  // guards source_ creation and Refresh (exclusive)
  std::unique_ptr<match::VulnDbSource> source_;
  match::MatchCache match_cache_;  // cleared with every Refresh

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t work_generation_ = 0;  // bumped when a job is queued: wakes idle workers at once
  std::vector<std::thread> threads_;
};

}  // namespace surveyor::scan
