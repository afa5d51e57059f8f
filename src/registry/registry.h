// The registry: repositories, blob uploads (monolithic, chunked, resumable across restarts),
// cross-repository mounts, manifests, tags and referrers, per the OCI distribution spec 1.1.
// Owns no transport: the /v2 API layer (api/oci) translates HTTP to these calls. Thread-safe:
// metadata goes through the Database lock, blob bytes through the BlobStore; writes to one upload
// are serialised by a per-upload mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/digest.h"
#include "common/json.h"
#include "common/stream.h"
#include "oci/manifest.h"
#include "oci/reference.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace surveyor::registry {

struct Options {
  // A push to a repository that does not exist creates it (plain OCI registry behaviour).
  bool create_repository_on_push = true;
  uint64_t max_manifest_bytes = 4 << 20;
  uint64_t max_blob_bytes = uint64_t{64} << 30;
  size_t max_page_size = 1000;  // tags list and catalog
};

struct BlobInfo {
  Digest digest;
  uint64_t size = 0;
  std::string path;  // on-disk file, for zero-copy sends
};

struct UploadState {
  std::string id;
  std::string repository;
  uint64_t size = 0;  // bytes received so far
};

struct StoredManifest {
  Digest digest;
  std::string media_type;
  std::string content;
};

struct PutManifestResult {
  Digest digest;
  std::optional<Digest> subject;
};

// What the scanner and the APIs report about a stored image.
struct ImageDetails {
  std::string media_type;
  int64_t size = 0;
  TimePoint pushed_at{};
  std::optional<TimePoint> last_pulled_at;
  std::vector<std::string> tags;
};

// One page of a listing; `next` is the `last` value of the following page, if any.
struct Page {
  std::vector<std::string> items;
  std::optional<std::string> next;
};

// The start and inclusive end of a PATCH's Content-Range.
struct ChunkRange {
  uint64_t start = 0;
  uint64_t end = 0;
};

// Hears about changes to images, after they are committed (work that must not hold the write
// transaction, e.g. queueing a scan; see TransactionObserver for what must commit with it). Called on the thread that made the
// change; implementations must be quick (enqueue work, do not do it) and thread-safe.
class Observer {
 public:
  virtual ~Observer() = default;
  // A manifest was stored and, when `tag` is non-empty, tagged.
  virtual void OnManifestPushed(std::string_view repository, const Digest& digest,
                                std::string_view tag, std::string_view media_type) = 0;
  // A manifest was deleted (with all its tags).
  virtual void OnManifestDeleted(std::string_view repository, const Digest& digest) = 0;
  // A tag was removed from a manifest that stays.
  virtual void OnTagDeleted(std::string_view repository, std::string_view tag,
                            const Digest& digest) = 0;
};

// Hears about changes to images inside the registry's write transaction, before it commits:
// `db` has that transaction open (the registry holds its lock), so what an implementation writes
// through `db` commits or rolls back with the change. A non-OK Status aborts the change: the
// registry rolls back and returns that Status to its caller. Must not open a transaction of its
// own, and must not block on anything but `db`. Used for the events outbox.
class TransactionObserver {
 public:
  virtual ~TransactionObserver() = default;
  virtual Status InManifestPushed(store::Database& db, std::string_view repository,
                                  const Digest& digest, std::string_view tag,
                                  std::string_view media_type) = 0;
  virtual Status InManifestDeleted(store::Database& db, std::string_view repository,
                                   const Digest& digest) = 0;
  virtual Status InTagDeleted(store::Database& db, std::string_view repository,
                              std::string_view tag, const Digest& digest) = 0;
};

class Registry {
 public:
  Registry(store::Database& db, store::BlobStore& blobs, const Clock& clock, Options options);
  ~Registry();

  // Blobs. BLOB_UNKNOWN unless the blob was uploaded to or mounted in `repository`.
  Result<BlobInfo> StatBlob(std::string_view repository, const Digest& digest);
  Status DeleteBlob(std::string_view repository, const Digest& digest);

  // Uploads.
  Result<UploadState> StartUpload(std::string_view repository);
  Result<UploadState> GetUpload(std::string_view repository, std::string_view id);
  // Appends a chunk. With `range`, its start must equal the bytes received so far (else
  // OutOfRange → 416) and its length must equal the body's.
  Result<UploadState> AppendUpload(std::string_view repository, std::string_view id,
                                   std::optional<ChunkRange> range, ByteSource& body);
  // Appends `final_chunk` (may be empty), verifies `digest`, and commits. A mismatch discards the
  // whole upload (DIGEST_INVALID).
  Result<BlobInfo> CompleteUpload(std::string_view repository, std::string_view id,
                                  const Digest& digest, ByteSource& final_chunk);
  Status CancelUpload(std::string_view repository, std::string_view id);
  // Links a blob of `from` into `repository`; false when `from` does not have it.
  Result<bool> MountBlob(std::string_view repository, std::string_view from, const Digest& digest);

  // Manifests. `reference` is a tag or a digest.
  Result<PutManifestResult> PutManifest(std::string_view repository, std::string_view reference,
                                        std::string_view content_type, std::string content);
  // `record_pull` notes the pull time (for lifecycle rules); HEAD passes false.
  Result<StoredManifest> GetManifest(std::string_view repository, std::string_view reference,
                                     bool record_pull);
  Result<ImageDetails> DescribeImage(std::string_view repository, const Digest& digest);
  // The stored bytes of a manifest by digest, in any repository (for content-addressed readers).
  Result<std::string> ManifestContent(std::string_view repository, const Digest& digest);

  // By digest: deletes the manifest and every tag on it. By tag: deletes only the tag.
  Status DeleteManifest(std::string_view repository, std::string_view reference);

  // Deletes the manifests `choose` names, each with every tag on it, as DeleteManifest does by
  // digest, in one write transaction: `choose` (given the repository's id) runs inside that
  // transaction, under the lock pushes take, so what it reads is exactly the state the deletions
  // apply to (lifecycle expiry decides there, so a concurrent re-tag or pull cannot be missed).
  // Pending pull times are written first. Observers hear OnManifestDeleted for each deleted
  // manifest after the commit. Returns the digests deleted; names already gone are skipped.
  using ManifestChooser = std::function<Result<std::vector<Digest>>(int64_t repository_id)>;
  Result<std::vector<Digest>> DeleteChosenManifests(std::string_view repository,
                                                    const ManifestChooser& choose);

  // Listings, lexically ordered, starting after `last`.
  Result<Page> ListTags(std::string_view repository, std::optional<size_t> n,
                        std::string_view last);
  Result<Page> Catalog(std::optional<size_t> n, std::string_view last);
  // An OCI image index of the manifests whose subject is `digest`.
  Result<Json> Referrers(std::string_view repository, const Digest& digest,
                         std::string_view artifact_type);

  // Cancels upload sessions that have received nothing for `max_idle`; returns how many.
  Result<size_t> PurgeStaleUploads(std::chrono::seconds max_idle);

  // Writes pending pull times. Called periodically and at shutdown.
  Status FlushPullTimes();

  // Sum of the sizes of stored blobs, and uploads in progress (for metrics).
  Result<uint64_t> StorageBytes();
  size_t ActiveUploads();

  const Options& options() const { return options_; }

  // Adds an observer; call before serving. Observers must outlive the registry.
  void AddObserver(Observer* observer) { observers_.push_back(observer); }
  // Adds an in-transaction observer; same lifetime rules.
  void AddTransactionObserver(TransactionObserver* observer) {
    tx_observers_.push_back(observer);
  }

 private:
  struct UploadSession;
  Result<int64_t> FindRepository(std::string_view name);
  Result<int64_t> FindOrCreateRepository(std::string_view name);
  Result<bool> BlobLinked(int64_t repo_id, const Digest& digest);
  Status LinkBlob(int64_t repo_id, const Digest& digest, uint64_t size);
  std::shared_ptr<UploadSession> Session(std::string_view id);
  void DropSession(std::string_view id);
  Result<Digest> ResolveReference(int64_t repo_id, const oci::Reference& ref);

  std::vector<Observer*> observers_;
  std::vector<TransactionObserver*> tx_observers_;
  store::Database& db_;
  store::BlobStore& blobs_;
  const Clock& clock_;
  Options options_;

  std::mutex sessions_mu_;
  std::unordered_map<std::string, std::shared_ptr<UploadSession>> sessions_;

  std::mutex pulls_mu_;
  std::map<std::pair<int64_t, std::string>, int64_t> pending_pulls_;
  TimePoint last_pull_flush_{};
};

}  // namespace surveyor::registry
