#include "scan/service.h"

#include <map>
#include <random>
#include <shared_mutex>
#include <set>

#include "analyze/builtin.h"
#include "analyze/image_analysis.h"
#include "common/log.h"
#include "findings/store.h"
#include "image/image.h"
#include "match/matcher.h"
#include "scan/inventory_codec.h"
#include "vulndb/ecosystems.h"

namespace surveyor::scan {
namespace {

constexpr auto kLease = std::chrono::minutes(10);
constexpr size_t kRematchBatch = 64;  // re-match jobs claimed and committed together
// Re-evaluation refreshes an unchanged finding's lastObservedAt at most hourly (row rewrites).
constexpr std::chrono::milliseconds kReevaluationObservedGranularity = std::chrono::hours(1);

int64_t Ms(TimePoint t) { return ToUnixMillis(t); }

// Reads an image's blobs from the registry's own store: layers and configs from the blob
// directory, manifests from the metadata database.
class RegistryFetcher final : public image::BlobFetcher {
 public:
  RegistryFetcher(store::BlobStore& blobs, registry::Registry& registry, std::string repository)
      : blobs_(blobs), registry_(registry), repository_(std::move(repository)) {}
  Result<std::string> ReadBlob(const Digest& d, uint64_t max_bytes) override {
    if (blobs_.Exists(d)) return blobs_.ReadSmall(d, max_bytes);
    return registry_.ManifestContent(repository_, d);
  }
  Result<std::unique_ptr<image::ByteSource>> OpenBlob(const Digest& d) override {
    ASSIGN_OR_RETURN(auto f, image::FileSource::Open(blobs_.BlobPath(d)));
    return std::unique_ptr<image::ByteSource>(std::move(f));
  }

 private:
  store::BlobStore& blobs_;
  registry::Registry& registry_;
  std::string repository_;
};

// The key the inverted index and vulndb's diffs share for a package.
std::pair<std::string, std::string> IndexKey(const analyze::Package& p) {
  match::MatchKey key;
  if (!match::KeyFor(p, key)) return {};
  return {key.ecosystem, vulndb::NormalizePackageName(key.ecosystem, key.name)};
}

}  // namespace

const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "scan: images, inventories, package index, jobs", R"sql(
CREATE TABLE scan_images (
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  status TEXT NOT NULL,
  description TEXT NOT NULL,
  completed_at INTEGER,
  inventory TEXT,
  PRIMARY KEY (repository, digest)
);
CREATE TABLE scan_image_packages (
  ecosystem TEXT NOT NULL,
  name TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (ecosystem, name, repository, digest)
) WITHOUT ROWID;
CREATE INDEX scan_image_packages_image ON scan_image_packages(repository, digest);
CREATE TABLE scan_jobs (
  id INTEGER PRIMARY KEY,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  kind TEXT NOT NULL,
  priority INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_run INTEGER NOT NULL,
  claimed_until INTEGER,
  last_error TEXT,
  UNIQUE (repository, digest, kind)
);
CREATE INDEX scan_jobs_due ON scan_jobs(priority, next_run);
CREATE TABLE scan_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql"},
      {2, "scan: when an image's rescan duration starts (push, re-push, manual scan)", R"sql(
ALTER TABLE scan_images ADD COLUMN armed_at INTEGER;
)sql"},
      {3, "scan: a re-match job's touched packages (NULL: the whole image)", R"sql(
ALTER TABLE scan_jobs ADD COLUMN packages TEXT;
)sql"},
  };
  return kMigrations;
}

Status Migrate(store::Database& db) { return db.Migrate("scan", Migrations()); }

Service::Service(store::Database& db, store::BlobStore& blobs, registry::Registry& registry,
                 const Clock& clock, ServiceOptions options)
    : db_(db), blobs_(blobs), registry_(registry), clock_(clock), options_(std::move(options)) {
  analyzers_ = analyze::BuiltinAnalyzers();
  if (!options_.cache_dir.empty()) {
    (void)PosixFileSystem::Default().MakeDirs(options_.cache_dir);
    cache_ = std::make_unique<analyze::DirectoryLayerCache>(options_.cache_dir);
  }
}

Service::~Service() { Stop(); }

Status Service::Start() {
  {
    // Claims held by a previous run of this process are void: their jobs run again.
    auto lock = db_.Lock();
    RETURN_IF_ERROR(db_.Exec("UPDATE scan_jobs SET claimed_until = NULL"));
  }
  std::lock_guard lock(mu_);
  stopping_ = false;
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { WorkerLoop(); });
  threads_.emplace_back([this] { PollLoop(); });
  return Status::Ok();
}

void Service::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Result<match::VulnDbSource*> Service::Source() {
  // Opened lazily: the database may be imported after the server started.
  if (!source_) {
    if (!PosixFileSystem::Default().Exists(JoinPath(options_.vulndb_dir, "vulndb.sqlite"))) {
      return FailedPrecondition("no vulnerability database in " + options_.vulndb_dir +
                                "; import one with `surveyor db import`");
    }
    ASSIGN_OR_RETURN(auto db, vulndb::VulnDb::Open(options_.vulndb_dir));
    ASSIGN_OR_RETURN(source_, match::VulnDbSource::Open(std::move(db)));
  }
  return source_.get();
}

Status Service::SetStatus(std::string_view repository, std::string_view digest,
                          std::string_view status, std::string_view description) {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(
      "INSERT INTO scan_images(repository, digest, status, description, completed_at) VALUES "
      "(?, ?, ?, ?, ?) ON CONFLICT(repository, digest) DO UPDATE SET status = excluded.status, "
      "description = excluded.description, completed_at = coalesce(excluded.completed_at, "
      "scan_images.completed_at)"));
  stmt.Bind(1, repository).Bind(2, digest).Bind(3, status).Bind(4, description);
  if (status == "COMPLETE" || status == "FAILED") stmt.Bind(5, Ms(clock_.Now()));
  else stmt.BindNull(5);
  return stmt.Run();
}

Status Service::RequestScan(std::string_view repository, std::string_view digest,
                            bool rematch_only) {
  {
    store::MaybeTransaction tx(db_);
    RETURN_IF_ERROR(tx.begin_status());
    const TimePoint now = clock_.Now();
    RETURN_IF_ERROR(EnqueueJob(db_, repository, digest, rematch_only, now));
    if (!rematch_only) {
      RETURN_IF_ERROR(SetStatus(repository, digest, "PENDING", "Waiting for a scan worker."));
      // A push or a manual scan starts the image's rescan duration again.
      ASSIGN_OR_RETURN(auto arm, db_.Prepare("UPDATE scan_images SET armed_at = ? WHERE "
                                             "repository = ? AND digest = ?"));
      arm.Bind(1, Ms(now)).Bind(2, repository).Bind(3, digest);
      RETURN_IF_ERROR(arm.Run());
    }
    RETURN_IF_ERROR(tx.Commit());
  }
  {
    std::lock_guard lock(mu_);
    ++work_generation_;
  }
  cv_.notify_all();
  return Status::Ok();
}

registry::EffectiveScanning Service::ScanningFor(std::string_view repository, bool& basic) {
  bool configured = false;
  {
    auto lock = db_.Lock();
    auto stmt = db_.Prepare("SELECT 1 FROM registry_settings WHERE name = 'scanning_configuration'");
    if (stmt.ok()) {
      auto row = stmt->Step();
      configured = row.ok() && *row;
    }
  }
  registry::ScanningConfiguration config;
  if (configured) {
    auto loaded = registry::LoadScanningConfiguration(db_);
    if (loaded.ok()) config = *loaded;
  } else {
    config.scan_type = "ENHANCED";  // Surveyor's default: scan everything, keep it current
  }
  basic = config.scan_type == "BASIC";
  bool scan_on_push = false;
  auto repo = registry::GetRepository(db_, repository, options_.account_id);
  if (repo.ok()) scan_on_push = repo->settings.scan_on_push;
  return registry::EffectiveScanningFor(config, repository, scan_on_push);
}

Status Service::InManifestPushed(store::Database& /*db*/, std::string_view repository,
                                 const Digest& digest, std::string_view /*tag*/,
                                 std::string_view media_type) {
  // Indexes are not images: their children are pushed (and scanned) on their own.
  if (media_type == "application/vnd.oci.image.index.v1+json" ||
      media_type == "application/vnd.docker.distribution.manifest.list.v2+json") {
    return Status::Ok();
  }
  {
    auto lock = db_.Lock();
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT status FROM scan_images WHERE repository = ? "
                                            "AND digest = ?"));
    stmt.Bind(1, repository).Bind(2, digest.ToString());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    // A retag of a scanned image: nothing new to scan, unless its eligibility had expired (a
    // new push re-arms it).
    if (row && stmt.ColumnText(0) != "SCAN_ELIGIBILITY_EXPIRED") return Status::Ok();
  }
  bool basic = false;
  const registry::EffectiveScanning scanning = ScanningFor(repository, basic);
  // MANUAL, or no matching rule: the image waits for StartImageScan.
  if (!scanning.scan_on_push && scanning.scan_frequency != "CONTINUOUS_SCAN") return Status::Ok();
  return RequestScan(repository, digest.ToString(), false);
}

Status Service::InManifestDeleted(store::Database& /*db*/, std::string_view repository,
                                  const Digest& digest) {
  findings::ImageContext image;
  image.account_id = options_.account_id;
  image.region = options_.region;
  image.repository = std::string(repository);
  image.digest = digest.ToString();
  store::MaybeTransaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(findings::ReconcileResult closed, findings::CloseImage(db_, image, clock_.Now()));
  // The closed findings' events commit with the closing (Inspector2 Finding, status CLOSED).
  if (options_.on_results && !closed.changes.empty()) {
    const findings::SeveritySummary none;
    RETURN_IF_ERROR(options_.on_results(db_, {image, closed, none, false}));
  }
  for (const char* sql : {"DELETE FROM scan_jobs WHERE repository = ? AND digest = ?",
                          "DELETE FROM scan_image_packages WHERE repository = ? AND digest = ?",
                          "DELETE FROM scan_images WHERE repository = ? AND digest = ?"}) {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare(sql));
    stmt.Bind(1, repository).Bind(2, digest.ToString());
    RETURN_IF_ERROR(stmt.Run());
  }
  return tx.Commit();
}

Result<ScanStatus> Service::GetStatus(std::string_view repository, std::string_view digest) {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT status, description, completed_at FROM "
                                          "scan_images WHERE repository = ? AND digest = ?"));
  stmt.Bind(1, repository).Bind(2, digest);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("no scan of " + std::string(repository) + "@" + std::string(digest),
                            "ScanNotFoundException");
  ScanStatus s{stmt.ColumnText(0), stmt.ColumnText(1), {}};
  if (!stmt.ColumnIsNull(2)) s.completed_at = TimePoint(std::chrono::milliseconds(stmt.ColumnInt(2)));
  return s;
}

Result<std::vector<Service::Job>> Service::ClaimJobs(size_t max_rematch) {
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  const int64_t now = Ms(clock_.Now());
  // The most urgent due job decides: an analysis runs alone; re-matches are taken in a batch.
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(
      "SELECT id, repository, digest, kind, attempts, packages FROM scan_jobs WHERE next_run <= ?1 AND "
      "(claimed_until IS NULL OR claimed_until < ?1) ORDER BY priority, next_run, id LIMIT ?2"));
  stmt.Bind(1, now).Bind(2, static_cast<int64_t>(std::max<size_t>(1, max_rematch)));
  std::vector<Job> jobs;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    Job job{stmt.ColumnInt(0), stmt.ColumnText(1), stmt.ColumnText(2), stmt.ColumnText(3),
            static_cast<int>(stmt.ColumnInt(4)) + 1, {}};
    auto packages = DecodePackageSet(stmt.ColumnIsNull(5) ? std::optional<std::string>()
                                                          : std::optional(stmt.ColumnText(5)));
    if (packages.ok()) {
      job.packages = std::move(*packages);
    } else {
      // A damaged list must not wedge the queue: the whole image is re-matched instead.
      log::Warn("re-match job has an unreadable package list; matching the whole image",
                {{"image", job.repository + "@" + job.digest},
                 {"error", packages.status().ToString()}});
    }
    if (!jobs.empty() && (job.kind != "rematch" || jobs.front().kind != "rematch")) break;
    jobs.push_back(std::move(job));
  }
  ASSIGN_OR_RETURN(auto claim, db_.Prepare("UPDATE scan_jobs SET claimed_until = ?, attempts = ? "
                                           "WHERE id = ?"));
  for (const Job& job : jobs) {
    claim.Bind(1, now + std::chrono::duration_cast<std::chrono::milliseconds>(kLease).count())
        .Bind(2, static_cast<int64_t>(job.attempts)).Bind(3, job.id);
    RETURN_IF_ERROR(claim.Run());
    claim.Reset();
  }
  RETURN_IF_ERROR(tx.Commit());
  return jobs;
}

Status Service::LoadContext(const Job& job, BatchCache& cache) {
  const std::string key = job.repository + "@" + job.digest;
  if (cache.images.count(key) && cache.scanning.count(job.repository)) return Status::Ok();
  auto lock = db_.Lock();
  if (!cache.images.count(key)) {
    ASSIGN_OR_RETURN(Digest d, Digest::Parse(job.digest));
    ASSIGN_OR_RETURN(registry::ImageDetails details, registry_.DescribeImage(job.repository, d));
    findings::ImageContext image;
    image.account_id = options_.account_id;
    image.region = options_.region;
    image.repository = job.repository;
    image.digest = job.digest;
    image.tags = details.tags;
    image.pushed_at = details.pushed_at;
    cache.images.emplace(key, std::move(image));
  }
  if (!cache.scanning.count(job.repository)) {
    bool basic = false;
    registry::EffectiveScanning effective = ScanningFor(job.repository, basic);
    cache.scanning.emplace(job.repository, std::pair(std::move(effective), basic));
  }
  return Status::Ok();
}

Result<bool> Service::ComputeFacts(const Job& job, InventoryPtr owned, bool first_scan,
                                   BatchCache& cache, PreparedMatch& out) {
  const analyze::Inventory& inventory = *owned;
  RETURN_IF_ERROR(LoadContext(job, cache));  // already there when the batch preloaded it
  out.image = cache.images.at(job.repository + "@" + job.digest);
  out.image.platform = findings::PlatformName(inventory.os);
  const auto scanning = cache.scanning.find(job.repository);
  const bool basic = scanning->second.second;
  out.continuous = !basic && scanning->second.first.scan_frequency == "CONTINUOUS_SCAN";
  // Re-evaluation after an advisory import is continuous scanning: only where it applies.
  if (!first_scan && (basic || scanning->second.first.scan_frequency != "CONTINUOUS_SCAN")) {
    return false;
  }
  match::VulnDbSource* source = nullptr;
  {
    std::unique_lock create(source_mu_);
    ASSIGN_OR_RETURN(source, Source());
  }
  // Workers match in parallel; an import's Refresh waits for them (exclusive lock).
  std::shared_lock lock(source_mu_);
  match::MatchOptions match_options;
  match_options.os_only = basic;  // BASIC scanning covers OS packages only
  ASSIGN_OR_RETURN(match::MatchResult matched,
                   match::MatchInventory(inventory, *source, match_options, &match_cache_));
  auto result = std::make_shared<const match::MatchResult>(std::move(matched));
  out.facts.clear();
  for (const auto& m : result->matches) {
    out.facts.push_back(findings::FactsFor(m, inventory, &cache.texts, /*lazy_detail=*/true));
  }
  out.inventory = std::move(owned);
  out.matched = std::move(result);
  return true;
}

Result<bool> Service::ComputeRematch(const Job& job, InventoryPtr inventory,
                                     BatchCache& cache, PreparedMatch& out) {
  if (!job.packages) return ComputeFacts(job, std::move(inventory), false, cache, out);
  // Only the touched packages: an advisory that names none of the others cannot change their
  // findings, and the rest of the image is neither matched nor rewritten.
  analyze::Inventory part;
  part.os = inventory->os;
  findings::PackageScope scope;
  for (const analyze::Package& p : inventory->packages) {
    if (!job.packages->count(IndexKey(p))) continue;
    match::MatchKey key;
    if (match::KeyFor(p, key)) scope.emplace(key.ecosystem, key.name);
    part.packages.push_back(p);
  }
  out.scope = std::move(scope);
  return ComputeFacts(job, std::make_shared<const analyze::Inventory>(std::move(part)), false,
                      cache, out);
}

Service::RecordState Service::BeginRecording() {
  RecordState state;
  state.describe = static_cast<bool>(options_.on_results) &&
                   (!options_.wants_changes || options_.wants_changes(db_));
  return state;
}

Result<findings::ReconcileResult> Service::Record(const PreparedMatch& prepared, bool first_scan,
                                                  RecordState& state) {
  // The caller holds the transaction: findings and their events commit together.
  ASSIGN_OR_RETURN(findings::ReconcileResult changes,
                   findings::Reconcile(
                       db_, prepared.image, prepared.facts, clock_.Now(),
                       {.observed_granularity = first_scan ? std::chrono::milliseconds(0)
                                                           : kReevaluationObservedGranularity,
                        .scope = prepared.scope ? &*prepared.scope : nullptr,
                        .texts_stored = &state.texts,
                        .describe_changes = state.describe,
                        .live_scores = prepared.continuous,
                        .scores_stored = &state.scores}));
  // Without described changes the hook only hears of completed scans (nobody wants the rest).
  if (options_.on_results && (state.describe || first_scan)) {
    findings::SeveritySummary summary;  // what a completed scan announces; re-matches do not
    if (first_scan) {
      ASSIGN_OR_RETURN(summary, findings::SummarizeImage(db_, prepared.image.repository,
                                                         prepared.image.digest));
    }
    const findings::ReconcileResult undescribed;
    RETURN_IF_ERROR(options_.on_results(
        db_, {prepared.image, state.describe ? changes : undescribed, summary, first_scan}));
  }
  if (first_scan) {
    // The scan's completion commits with its findings and the scan events that announce it, so
    // a receiver of "ECR Image Scan" never reads a scan still IN_PROGRESS.
    RETURN_IF_ERROR(SetStatus(prepared.image.repository, prepared.image.digest, "COMPLETE",
                              "The scan was completed successfully."));
  }
  return changes;
}

Status Service::Rematch(const Job& job, InventoryPtr inventory, bool first_scan) {
  PreparedMatch prepared;
  BatchCache cache;
  ASSIGN_OR_RETURN(bool applies,
                   first_scan ? ComputeFacts(job, std::move(inventory), true, cache, prepared)
                              : ComputeRematch(job, std::move(inventory), cache, prepared));
  if (!applies) return Status::Ok();
  return RecordOne(job, prepared, first_scan);
}

Status Service::RecordOne(const Job& job, const PreparedMatch& prepared, bool first_scan) {
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  RecordState state = BeginRecording();
  ASSIGN_OR_RETURN(findings::ReconcileResult changes, Record(prepared, first_scan, state));
  RETURN_IF_ERROR(tx.Commit());
  log::Info("image matched", {{"image", job.repository + "@" + job.digest},
                              {"findings", changes.active},
                              {"changes", changes.changes.size()}});
  return Status::Ok();
}

Status Service::Analyze(const Job& job) {
  const auto t0 = std::chrono::steady_clock::now();
  RETURN_IF_ERROR(SetStatus(job.repository, job.digest, "IN_PROGRESS", "Scan in progress."));
  ASSIGN_OR_RETURN(Digest digest, Digest::Parse(job.digest));
  auto fetcher = std::make_shared<RegistryFetcher>(blobs_, registry_, job.repository);
  auto images = image::OpenFromBlobs(fetcher, digest, job.repository + "@" + job.digest);
  if (!images.ok()) {
    return SetStatus(job.repository, job.digest, "UNSUPPORTED_IMAGE",
                     "The image cannot be read as a container image: " + images.status().message());
  }
  std::vector<const analyze::Analyzer*> analyzers;
  for (const auto& a : analyzers_) analyzers.push_back(a.get());
  ASSIGN_OR_RETURN(analyze::ImageAnalysis analysis,
                   analyze::AnalyzeImage(*images->front(), analyzers, cache_.get()));
  const auto t1 = std::chrono::steady_clock::now();
  {
    store::Transaction tx(db_);
    RETURN_IF_ERROR(tx.begin_status());
    ASSIGN_OR_RETURN(auto inv, db_.Prepare("UPDATE scan_images SET inventory = ? WHERE "
                                           "repository = ? AND digest = ?"));
    inv.Bind(1, EncodeInventory(analysis.inventory)).Bind(2, job.repository).Bind(3, job.digest);
    RETURN_IF_ERROR(inv.Run());
    ASSIGN_OR_RETURN(auto clear, db_.Prepare("DELETE FROM scan_image_packages WHERE repository = ? "
                                             "AND digest = ?"));
    clear.Bind(1, job.repository).Bind(2, job.digest);
    RETURN_IF_ERROR(clear.Run());
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& p : analysis.inventory.packages) {
      auto key = IndexKey(p);
      if (!key.first.empty()) keys.insert(std::move(key));
    }
    for (const auto& [ecosystem, name] : keys) {
      ASSIGN_OR_RETURN(auto add, db_.Prepare("INSERT OR IGNORE INTO scan_image_packages(ecosystem, "
                                             "name, repository, digest) VALUES (?, ?, ?, ?)"));
      add.Bind(1, ecosystem).Bind(2, name).Bind(3, job.repository).Bind(4, job.digest);
      RETURN_IF_ERROR(add.Run());
    }
    RETURN_IF_ERROR(tx.Commit());
  }
  const auto t2 = std::chrono::steady_clock::now();
  // Sets the status COMPLETE in the transaction of the findings.
  const size_t packages = analysis.inventory.packages.size();
  RETURN_IF_ERROR(
      Rematch(job, std::make_shared<const analyze::Inventory>(std::move(analysis.inventory)), true));
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  log::Info("image scanned", {{"image", job.repository + "@" + job.digest},
                              {"analyze_ms", ms(t1 - t0)},
                              {"store_inventory_ms", ms(t2 - t1)},
                              {"match_and_reconcile_ms", ms(std::chrono::steady_clock::now() - t2)},
                              {"packages", packages}});
  return Status::Ok();
}

Result<std::optional<std::string>> Service::StoredInventoryText(const Job& job) {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT inventory, status FROM scan_images WHERE "
                                          "repository = ? AND digest = ?"));
  stmt.Bind(1, job.repository).Bind(2, job.digest);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  // Not analysed (yet): nothing to re-match.
  if (!row || stmt.ColumnIsNull(0)) return std::optional<std::string>();
  // Continuous re-evaluation skips images whose rescan duration has expired.
  if (stmt.ColumnView(1) == "SCAN_ELIGIBILITY_EXPIRED") return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

Result<std::optional<analyze::Inventory>> Service::StoredInventory(const Job& job) {
  ASSIGN_OR_RETURN(auto text, StoredInventoryText(job));
  if (!text) return std::optional<analyze::Inventory>();
  ASSIGN_OR_RETURN(analyze::Inventory inventory, DecodeInventory(*text));
  return std::optional<analyze::Inventory>(std::move(inventory));
}

Status Service::RunJob(const Job& job) {
  if (job.kind == "analyze") return Analyze(job);
  ASSIGN_OR_RETURN(auto inventory, StoredInventory(job));
  if (!inventory) return Status::Ok();
  return Rematch(job, std::make_shared<const analyze::Inventory>(std::move(*inventory)), false);
}

Status Service::FinishJob(const Job& job, const Status& s) {
  auto lock = db_.Lock();
  if (s.ok() || job.attempts >= options_.max_attempts) {
    if (!s.ok()) {
      log::Warn("scan failed", {{"image", job.repository + "@" + job.digest}, {"error", s.ToString()}});
      if (job.kind == "analyze") {
        RETURN_IF_ERROR(SetStatus(job.repository, job.digest, "FAILED", s.message()));
      }
    }
    ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM scan_jobs WHERE id = ?"));
    del.Bind(1, job.id);
    return del.Run();
  }
  // Exponential backoff with jitter: 1 s, 2 s, 4 s ... ±50 %.
  static thread_local std::mt19937 rng(std::random_device{}());
  const int64_t base = int64_t{1000} << std::min(job.attempts - 1, 10);
  const int64_t delay = base / 2 + std::uniform_int_distribution<int64_t>(0, base)(rng);
  ASSIGN_OR_RETURN(auto retry, db_.Prepare("UPDATE scan_jobs SET claimed_until = NULL, "
                                           "next_run = ?, last_error = ? WHERE id = ?"));
  retry.Bind(1, Ms(clock_.Now()) + delay).Bind(2, s.message()).Bind(3, job.id);
  return retry.Run();
}

void Service::LoadBatch(RematchBatch& batch) {
  for (auto& item : batch.items) {
    auto text = StoredInventoryText(item.job);
    if (!text.ok()) {
      item.status = text.status();
    } else if (*text) {
      item.inventory = std::move(*text);
      item.status = LoadContext(item.job, batch.cache);
    }
  }
}

void Service::MatchBatch(RematchBatch& batch) {
  for (auto& item : batch.items) {
    if (!item.status.ok() || !item.inventory) continue;
    auto inventory = DecodeInventory(*item.inventory);
    item.inventory.reset();
    if (!inventory.ok()) {
      item.status = inventory.status();
      continue;
    }
    auto applies = ComputeRematch(
        item.job, std::make_shared<const analyze::Inventory>(std::move(*inventory)), batch.cache,
        item.prepared);
    if (applies.ok()) item.applies = *applies;
    else item.status = applies.status();
  }
}

Status Service::RecordBatch(RematchBatch& batch) {
  // The findings of the whole batch, their events and the jobs' removal commit in one
  // transaction (one fsync for the batch instead of several per image).
  size_t changed = 0;
  Status recorded = [&]() -> Status {
    store::Transaction tx(db_);
    RETURN_IF_ERROR(tx.begin_status());
    RecordState state = BeginRecording();
    for (const auto& item : batch.items) {
      if (item.status.ok() && item.applies) {
        ASSIGN_OR_RETURN(findings::ReconcileResult changes, Record(item.prepared, false, state));
        changed += changes.changes.size();
      }
      RETURN_IF_ERROR(FinishJob(item.job, item.status));
    }
    return tx.Commit();
  }();
  if (recorded.ok()) {
    log::Debug("images re-matched", {{"images", batch.items.size()}, {"changes", changed}});
    return Status::Ok();
  }
  // Something in the batch failed to record: run its jobs one by one, so that one bad image
  // cannot hold back the others.
  log::Warn("re-match batch failed; retrying its jobs one by one", {{"error", recorded.ToString()}});
  for (const auto& item : batch.items) RETURN_IF_ERROR(FinishJob(item.job, RunJob(item.job)));
  return Status::Ok();
}

Status Service::Drain() {
  // One hold of the database lock per batch: record the batch, claim the next and read what
  // matching it needs; then match without the lock while another worker takes its turn.
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(std::vector<Job> jobs, ClaimJobs(kRematchBatch));
  for (;;) {
    if (jobs.empty()) return Status::Ok();
    if (jobs.front().kind == "analyze") {
      lock.unlock();
      RETURN_IF_ERROR(FinishJob(jobs.front(), RunJob(jobs.front())));
      lock.lock();
    } else {
      RematchBatch batch;
      batch.items.resize(jobs.size());
      for (size_t i = 0; i < jobs.size(); ++i) batch.items[i].job = std::move(jobs[i]);
      LoadBatch(batch);
      lock.unlock();
      MatchBatch(batch);
      lock.lock();
      RETURN_IF_ERROR(RecordBatch(batch));
    }
    ASSIGN_OR_RETURN(jobs, ClaimJobs(kRematchBatch));
  }
}

Status Service::FreezeNonContinuous() {
  ASSIGN_OR_RETURN(bool any, findings::AnyLiveScores(db_));
  if (!any) return Status::Ok();
  std::vector<registry::RepositoryRecord> repositories;
  {
    auto lock = db_.Lock();
    ASSIGN_OR_RETURN(repositories, registry::ListRepositories(db_));
  }
  for (const auto& repository : repositories) {
    bool basic = false;
    const registry::EffectiveScanning scanning = ScanningFor(repository.name, basic);
    if (!basic && scanning.scan_frequency == "CONTINUOUS_SCAN") continue;
    RETURN_IF_ERROR(findings::FreezeScores(db_, repository.name));
  }
  return Status::Ok();
}

Status Service::ApplyRescores(
    const std::map<std::string, std::shared_ptr<const match::LoadedAdvisory>>& rescored) {
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  RecordState state = BeginRecording();
  const TimePoint now = clock_.Now();
  size_t changed = 0;
  for (const auto& [vulnerability_id, advisory] : rescored) {
    ASSIGN_OR_RETURN(auto sources, findings::VulnerabilitySources(db_, vulnerability_id));
    for (const std::string& source : sources) {
      ASSIGN_OR_RETURN(findings::ReconcileResult changes,
                       findings::Rescore(db_, findings::ScoreFor(vulnerability_id, advisory, source),
                                         now, state.describe));
      changed += changes.changes.size();
      // The changes span images: the hook hears them without one.
      if (options_.on_results && state.describe && !changes.changes.empty()) {
        RETURN_IF_ERROR(options_.on_results(db_, {findings::ImageContext{}, changes, {}, false}));
      }
    }
  }
  RETURN_IF_ERROR(tx.Commit());
  log::Info("re-scored advisories applied", {{"vulnerabilities", rescored.size()},
                                             {"changes", changed}});
  return Status::Ok();
}

Result<size_t> Service::CheckForAdvisoryChanges() {
  std::string since;
  {
    auto lock = db_.Lock();
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT value FROM scan_state WHERE key = "
                                            "'vulndb_import'"));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    since = row ? stmt.ColumnText(0) : "0";
  }
  std::set<std::pair<std::string, std::string>> touched;
  // Vulnerabilities whose advisories were re-scored or re-worded alone, with their new merged
  // records.
  std::map<std::string, std::shared_ptr<const match::LoadedAdvisory>> rescored;
  std::string last = since;
  {
    std::lock_guard lock(source_mu_);
    auto source = Source();
    if (!source.ok()) return size_t{0};  // no database yet: nothing to re-match against
    ASSIGN_OR_RETURN(auto imports, (*source)->db().ChangesSince(since));
    if (imports.empty()) return size_t{0};
    std::set<std::string> rescored_records;
    for (const auto& imp : imports) {
      last = std::to_string(imp.import_id);
      touched.insert(imp.packages.begin(), imp.packages.end());
      for (const auto& c : imp.changes) {
        if (c.kind == "rescored" || c.kind == "revised") rescored_records.insert(c.id);
      }
    }
    RETURN_IF_ERROR((*source)->Refresh());
    match_cache_.Clear();
    for (const std::string& id : rescored_records) {
      ASSIGN_OR_RETURN(auto records, (*source)->db().RecordsFor(id));
      for (const auto& r : records) {
        const std::string& v = r.advisory.canonical_id.empty() ? r.advisory.id
                                                               : r.advisory.canonical_id;
        if (rescored.count(v)) continue;
        auto loaded = (*source)->Load(v);
        if (loaded.ok()) rescored.emplace(v, std::move(*loaded));
      }
    }
  }
  // Repositories that left continuous scanning keep the scores their findings show.
  RETURN_IF_ERROR(FreezeNonContinuous());
  // Re-scored or re-worded alone: their findings' live score rows and texts take the new values,
  // and no image is matched.
  if (!rescored.empty()) RETURN_IF_ERROR(ApplyRescores(rescored));
  // Image → the touched packages it holds: only those are matched again.
  std::map<std::pair<std::string, std::string>, PackageSet> images;
  {
    auto lock = db_.Lock();
    for (const auto& [ecosystem, name] : touched) {
      ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT repository, digest FROM scan_image_packages "
                                              "WHERE ecosystem = ? AND name = ?"));
      stmt.Bind(1, ecosystem).Bind(2, name);
      for (;;) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        images[{stmt.ColumnText(0), stmt.ColumnText(1)}].emplace(ecosystem, name);
      }
    }
  }
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  const TimePoint now = clock_.Now();
  for (const auto& [image, packages] : images) {
    RETURN_IF_ERROR(EnqueueJob(db_, image.first, image.second, true, now, &packages));
  }
  ASSIGN_OR_RETURN(auto save, db_.Prepare("INSERT INTO scan_state(key, value) VALUES "
                                          "('vulndb_import', ?) ON CONFLICT(key) DO UPDATE SET "
                                          "value = excluded.value"));
  save.Bind(1, last);
  RETURN_IF_ERROR(save.Run());
  RETURN_IF_ERROR(tx.Commit());
  if (!images.empty()) {
    std::lock_guard lock(mu_);
    ++work_generation_;
    cv_.notify_all();
  }
  if (!images.empty()) {
    log::Info("advisory changes queued re-matching", {{"images", images.size()},
                                                       {"packages", touched.size()}});
  }
  return images.size();
}

void Service::WorkerLoop() {
  for (;;) {
    uint64_t seen = 0;
    {
      std::unique_lock lock(mu_);
      if (stopping_) return;
      seen = work_generation_;
    }
    Status s = Drain();
    if (!s.ok()) log::Error("scan worker", {{"error", s.ToString()}});
    // Woken as soon as a job is queued; the timeout picks up retries whose backoff has passed
    // and jobs queued by other processes sharing the database.
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(500),
                 [&] { return stopping_ || work_generation_ != seen; });
  }
}

Result<EligibilityResult> Service::CheckEligibility() {
  ASSIGN_OR_RETURN(EligibilityResult r,
                   ApplyRescanEligibility(db_, clock_.Now(), {options_.account_id, options_.region},
                                          options_.on_results));
  if (!r.expired.empty() || !r.rearmed.empty()) {
    log::Info("rescan duration applied", {{"expired", r.expired.size()},
                                          {"rearmed", r.rearmed.size()}});
  }
  if (!r.rearmed.empty()) {
    std::lock_guard lock(mu_);
    ++work_generation_;
    cv_.notify_all();
  }
  return r;
}

void Service::PollLoop() {
  TimePoint last_eligibility{};
  for (;;) {
    auto queued = CheckForAdvisoryChanges();
    if (!queued.ok()) log::Error("advisory poll", {{"error", queued.status().ToString()}});
    if (clock_.Now() - last_eligibility >= options_.eligibility_interval) {
      last_eligibility = clock_.Now();
      auto applied = CheckEligibility();
      if (!applied.ok()) log::Error("rescan duration", {{"error", applied.status().ToString()}});
      // Texts and score rows no finding shows any more (revised or withdrawn advisories).
      auto texts = findings::DeleteUnusedSharedRows(db_);
      if (!texts.ok()) log::Error("finding texts", {{"error", texts.status().ToString()}});
      // The findings grow and change: the planner's statistics follow (store::Database::Analyze),
      // from the first poll on (not in every command that opens the data directory).
      if (Status analyzed = db_.Analyze(); !analyzed.ok()) {
        log::Error("database statistics", {{"error", analyzed.ToString()}});
      }
    }
    std::unique_lock lock(mu_);
    if (cv_.wait_for(lock, options_.poll_interval, [&] { return stopping_; })) return;
  }
}

}  // namespace surveyor::scan
