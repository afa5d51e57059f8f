#include "registry/registry.h"

#include "registry/repository_settings.h"

#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>

namespace surveyor::registry {
namespace {

constexpr auto kPullFlushInterval = std::chrono::seconds(5);

int64_t Millis(TimePoint t) { return ToUnixMillis(t); }

std::string NewUploadId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// Upload ids are ours: 32 lower-case hex characters. Anything else is unknown, never a path.
bool IsUploadId(std::string_view id) {
  return id.size() == 32 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status UploadUnknown() { return NotFound("upload unknown", "BLOB_UPLOAD_UNKNOWN"); }
Status NameUnknown(std::string_view name) {
  return NotFound("repository '" + std::string(name) + "' not found", "NAME_UNKNOWN");
}

// Counts the bytes a source yields, to compare with a declared Content-Range.
class CountingSource final : public ByteSource {
 public:
  explicit CountingSource(ByteSource& inner) : inner_(inner) {}
  Result<size_t> Read(char* buffer, size_t size) override {
    auto n = inner_.Read(buffer, size);
    if (n.ok()) count_ += *n;
    return n;
  }
  uint64_t count() const { return count_; }

 private:
  ByteSource& inner_;
  uint64_t count_ = 0;
};

}  // namespace

struct Registry::UploadSession {
  std::mutex mu;
  std::optional<Hasher> hasher;  // sha256 of the bytes received, when known since byte 0
  uint64_t hashed = 0;
};

Registry::Registry(store::Database& db, store::BlobStore& blobs, const Clock& clock,
                   Options options)
    : db_(db), blobs_(blobs), clock_(clock), options_(options) {}

Registry::~Registry() { (void)FlushPullTimes(); }

Result<int64_t> Registry::FindRepository(std::string_view name) {
  RETURN_IF_ERROR(oci::ValidateRepositoryName(name));
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT id FROM repositories WHERE name = ?"));
  stmt.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NameUnknown(name);
  return stmt.ColumnInt(0);
}

Result<int64_t> Registry::FindOrCreateRepository(std::string_view name) {
  auto found = FindRepository(name);
  if (found.ok() || found.status().domain_code() != "NAME_UNKNOWN" ||
      !options_.create_repository_on_push) {
    return found;
  }
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(
                                  "INSERT INTO repositories(name, created_at) VALUES (?, ?) "
                                  "ON CONFLICT(name) DO NOTHING"));
  stmt.Bind(1, name).Bind(2, Millis(clock_.Now()));
  RETURN_IF_ERROR(stmt.Run());
  return FindRepository(name);
}

Result<bool> Registry::BlobLinked(int64_t repo_id, const Digest& digest) {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT 1 FROM repository_blobs WHERE repository_id = ? "
                                          "AND digest = ?"));
  stmt.Bind(1, repo_id).Bind(2, digest.ToString());
  return stmt.Step();
}

Status Registry::LinkBlob(int64_t repo_id, const Digest& digest, uint64_t size) {
  auto lock = db_.Lock();
  const int64_t now = Millis(clock_.Now());
  {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("INSERT INTO blobs(digest, size, created_at) VALUES "
                                            "(?, ?, ?) ON CONFLICT(digest) DO NOTHING"));
    stmt.Bind(1, digest.ToString()).Bind(2, static_cast<int64_t>(size)).Bind(3, now);
    RETURN_IF_ERROR(stmt.Run());
  }
  // A fresh link (or a refreshed one) restarts the garbage-collection grace period.
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("INSERT INTO repository_blobs(repository_id, digest, "
                                          "created_at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE "
                                          "SET created_at = excluded.created_at"));
  stmt.Bind(1, repo_id).Bind(2, digest.ToString()).Bind(3, now);
  return stmt.Run();
}

Result<BlobInfo> Registry::StatBlob(std::string_view repository, const Digest& digest) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  ASSIGN_OR_RETURN(bool linked, BlobLinked(repo_id, digest));
  if (!linked) return NotFound("blob unknown to this repository", "BLOB_UNKNOWN");
  auto size = blobs_.BlobSize(digest);
  if (!size.ok()) {
    return size.status().code() == StatusCode::kNotFound
               ? DataLoss("blob " + digest.ToString() + " is indexed but missing from storage",
                          "BLOB_UNKNOWN")
               : size.status();
  }
  return BlobInfo{digest, *size, blobs_.BlobPath(digest)};
}

Status Registry::DeleteBlob(std::string_view repository, const Digest& digest) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("DELETE FROM repository_blobs WHERE repository_id = ? "
                                          "AND digest = ?"));
  stmt.Bind(1, repo_id).Bind(2, digest.ToString());
  RETURN_IF_ERROR(stmt.Run());
  if (db_.Changes() == 0) return NotFound("blob unknown to this repository", "BLOB_UNKNOWN");
  return Status::Ok();
}

std::shared_ptr<Registry::UploadSession> Registry::Session(std::string_view id) {
  std::lock_guard lock(sessions_mu_);
  auto& s = sessions_[std::string(id)];
  if (!s) s = std::make_shared<UploadSession>();
  return s;
}

void Registry::DropSession(std::string_view id) {
  std::lock_guard lock(sessions_mu_);
  sessions_.erase(std::string(id));
}

size_t Registry::ActiveUploads() {
  auto ids = blobs_.ListUploads();
  return ids.ok() ? ids->size() : 0;
}

Result<UploadState> Registry::StartUpload(std::string_view repository) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindOrCreateRepository(repository));
  (void)repo_id;
  const std::string id = NewUploadId();
  RETURN_IF_ERROR(blobs_.CreateUpload(id, repository));
  auto session = Session(id);
  session->hasher.emplace(DigestAlgorithm::kSha256);
  return UploadState{id, std::string(repository), 0};
}

Result<UploadState> Registry::GetUpload(std::string_view repository, std::string_view id) {
  RETURN_IF_ERROR(oci::ValidateRepositoryName(repository));
  if (!IsUploadId(id)) return UploadUnknown();
  ASSIGN_OR_RETURN(std::string owner, blobs_.UploadRepository(id));
  if (owner != repository) return UploadUnknown();
  ASSIGN_OR_RETURN(uint64_t size, blobs_.UploadSize(id));
  return UploadState{std::string(id), std::string(repository), size};
}

Result<UploadState> Registry::AppendUpload(std::string_view repository, std::string_view id,
                                           std::optional<ChunkRange> range, ByteSource& body) {
  ASSIGN_OR_RETURN(UploadState state, GetUpload(repository, id));
  auto session = Session(id);
  std::lock_guard lock(session->mu);
  ASSIGN_OR_RETURN(state.size, blobs_.UploadSize(id));  // re-read under the upload's lock
  if (range) {
    if (range->start != state.size || range->end < range->start) {
      return OutOfRange("chunk range " + std::to_string(range->start) + "-" +
                            std::to_string(range->end) + " does not continue the upload at " +
                            std::to_string(state.size),
                        "BLOB_UPLOAD_INVALID");
    }
  }
  const bool hashing = session->hasher.has_value() && session->hashed == state.size;
  if (!hashing) session->hasher.reset();
  CountingSource counted(body);
  Hasher* hasher = hashing ? &*session->hasher : nullptr;
  auto new_size = blobs_.AppendToUpload(id, counted, hasher, options_.max_blob_bytes);
  if (!new_size.ok()) {
    // The store truncated the file back; the hash state has seen bytes that are gone.
    session->hasher.reset();
    return new_size.status();
  }
  if (range && counted.count() != range->end - range->start + 1) {
    // The client declared one length and sent another: the upload no longer has a known shape.
    session->hasher.reset();
    return InvalidArgument("chunk length does not match Content-Range", "SIZE_INVALID");
  }
  if (hashing) session->hashed = *new_size;
  state.size = *new_size;
  return state;
}

Result<BlobInfo> Registry::CompleteUpload(std::string_view repository, std::string_view id,
                                          const Digest& digest, ByteSource& final_chunk) {
  ASSIGN_OR_RETURN(UploadState state, AppendUpload(repository, id, std::nullopt, final_chunk));
  auto session = Session(id);
  Digest actual;
  {
    std::lock_guard lock(session->mu);
    if (session->hasher && session->hashed == state.size &&
        digest.algorithm() == DigestAlgorithm::kSha256) {
      actual = session->hasher->Finish();
      session->hasher.reset();
    } else {
      ASSIGN_OR_RETURN(actual, blobs_.HashUpload(id, digest.algorithm()));
    }
  }
  if (actual != digest) {
    (void)CancelUpload(repository, id);
    return InvalidArgument("upload content has digest " + actual.ToString() + ", not " +
                               digest.ToString() + "; the upload was discarded",
                           "DIGEST_INVALID");
  }
  ASSIGN_OR_RETURN(int64_t repo_id, FindOrCreateRepository(repository));
  RETURN_IF_ERROR(blobs_.SyncUpload(id));
  {
    // Publishing the file and recording it happen under one write transaction, which garbage
    // collection also holds while it moves dead blobs away: a blob is never published into the
    // hands of a collector that has already judged it dead.
    store::Transaction tx(db_);
    RETURN_IF_ERROR(tx.begin_status());
    RETURN_IF_ERROR(blobs_.PublishUpload(id, digest));
    RETURN_IF_ERROR(LinkBlob(repo_id, digest, state.size));
    RETURN_IF_ERROR(tx.Commit());
  }
  DropSession(id);
  return BlobInfo{digest, state.size, blobs_.BlobPath(digest)};
}

Status Registry::CancelUpload(std::string_view repository, std::string_view id) {
  ASSIGN_OR_RETURN(UploadState state, GetUpload(repository, id));
  DropSession(state.id);
  return blobs_.DeleteUpload(id);
}

Result<size_t> Registry::PurgeStaleUploads(std::chrono::seconds max_idle) {
  ASSIGN_OR_RETURN(auto ids, blobs_.ListUploads());
  size_t purged = 0;
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& id : ids) {
    std::error_code ec;
    auto mtime = std::filesystem::last_write_time(blobs_.UploadPath(id), ec);
    if (ec) mtime = std::filesystem::last_write_time(blobs_.UploadPath(id) + ".repo", ec);
    if (ec || now - mtime < max_idle) continue;
    std::lock_guard lock(Session(id)->mu);
    if (blobs_.DeleteUpload(id).ok()) ++purged;
    DropSession(id);
  }
  return purged;
}

Result<bool> Registry::MountBlob(std::string_view repository, std::string_view from,
                                 const Digest& digest) {
  RETURN_IF_ERROR(oci::ValidateRepositoryName(repository));
  auto from_id = FindRepository(from);
  if (!from_id.ok()) return false;  // an unknown source falls back to a normal upload
  ASSIGN_OR_RETURN(bool linked, BlobLinked(*from_id, digest));
  if (!linked) return false;
  auto size = blobs_.BlobSize(digest);
  if (!size.ok()) return false;
  ASSIGN_OR_RETURN(int64_t repo_id, FindOrCreateRepository(repository));
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  // Re-checked inside the transaction: the source may have lost the blob meanwhile.
  ASSIGN_OR_RETURN(bool still_linked, BlobLinked(*from_id, digest));
  if (!still_linked || !blobs_.Exists(digest)) return false;
  RETURN_IF_ERROR(LinkBlob(repo_id, digest, *size));
  RETURN_IF_ERROR(tx.Commit());
  return true;
}

Result<Digest> Registry::ResolveReference(int64_t repo_id, const oci::Reference& ref) {
  auto lock = db_.Lock();
  if (ref.is_digest()) {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT 1 FROM manifests WHERE repository_id = ? AND "
                                            "digest = ?"));
    stmt.Bind(1, repo_id).Bind(2, ref.digest().ToString());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFound("manifest unknown", "MANIFEST_UNKNOWN");
    return ref.digest();
  }
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("SELECT digest FROM tags WHERE repository_id = ? AND name = ?"));
  stmt.Bind(1, repo_id).Bind(2, ref.tag());
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("manifest unknown: no tag '" + ref.tag() + "'", "MANIFEST_UNKNOWN");
  return Digest::Parse(stmt.ColumnText(0));
}

Result<PutManifestResult> Registry::PutManifest(std::string_view repository,
                                                std::string_view reference,
                                                std::string_view content_type, std::string content) {
  RETURN_IF_ERROR(oci::ValidateRepositoryName(repository));
  ASSIGN_OR_RETURN(oci::Reference ref, oci::ParseReference(reference));
  if (content.size() > options_.max_manifest_bytes) {
    return ResourceExhausted("manifest is larger than the limit of " +
                                 std::to_string(options_.max_manifest_bytes) + " bytes",
                             "SIZE_INVALID");
  }
  ASSIGN_OR_RETURN(oci::Manifest manifest, oci::ParseManifest(content, content_type));
  const DigestAlgorithm algorithm =
      ref.is_digest() ? ref.digest().algorithm() : DigestAlgorithm::kSha256;
  const Digest digest = ComputeDigest(content, algorithm);
  if (ref.is_digest() && ref.digest() != digest) {
    return InvalidArgument("manifest content has digest " + digest.ToString() + ", not " +
                               ref.digest().ToString(),
                           "DIGEST_INVALID");
  }
  ASSIGN_OR_RETURN(int64_t repo_id, FindOrCreateRepository(repository));

  struct Child {
    Digest digest;
    const char* kind;
  };
  std::vector<Child> children;
  if (manifest.config) children.push_back({manifest.config->digest, "config"});
  for (const auto& l : manifest.layers) {
    // Foreign / non-distributable layers live elsewhere by definition.
    if (l.media_type.find("foreign") != std::string::npos ||
        l.media_type.find("nondistributable") != std::string::npos) {
      continue;
    }
    children.push_back({l.digest, "layer"});
  }
  for (const auto& m : manifest.manifests) children.push_back({m.digest, "manifest"});

  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  for (const auto& child : children) {
    const bool is_manifest = std::string_view(child.kind) == "manifest";
    ASSIGN_OR_RETURN(auto stmt,
                     db_.Prepare(is_manifest ? "SELECT 1 FROM manifests WHERE repository_id = ? "
                                               "AND digest = ?"
                                             : "SELECT 1 FROM repository_blobs WHERE "
                                               "repository_id = ? AND digest = ?"));
    stmt.Bind(1, repo_id).Bind(2, child.digest.ToString());
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return InvalidArgument(std::string(is_manifest ? "child manifest " : "blob ") +
                                 child.digest.ToString() + " (" + child.kind +
                                 ") is not in repository " + std::string(repository),
                             "MANIFEST_BLOB_UNKNOWN");
    }
  }
  const int64_t now = Millis(clock_.Now());
  const std::optional<std::string> subject =
      manifest.subject ? std::optional(manifest.subject->digest.ToString()) : std::nullopt;
  {
    ASSIGN_OR_RETURN(auto stmt,
                     db_.Prepare("INSERT INTO manifests(repository_id, digest, media_type, size, "
                                 "artifact_type, subject, content, pushed_at) VALUES "
                                 "(?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt.Bind(1, repo_id)
        .Bind(2, digest.ToString())
        .Bind(3, manifest.media_type)
        .Bind(4, static_cast<int64_t>(content.size()))
        .BindOptional(5, manifest.artifact_type.empty() ? std::nullopt
                                                        : std::optional(manifest.artifact_type))
        .BindOptional(6, subject)
        .BindBlob(7, content)
        .Bind(8, now);
    RETURN_IF_ERROR(stmt.Run());
  }
  for (const auto& child : children) {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("INSERT INTO manifest_references(repository_id, "
                                            "manifest_digest, child_digest, kind) VALUES "
                                            "(?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt.Bind(1, repo_id).Bind(2, digest.ToString()).Bind(3, child.digest.ToString()).Bind(
        4, child.kind);
    RETURN_IF_ERROR(stmt.Run());
  }
  if (!ref.is_digest()) {
    // ECR tag immutability: an immutable tag never moves (the original stays).
    RETURN_IF_ERROR(CheckTagMove(db_, repo_id, repository, ref.tag(), digest.ToString()));
    ASSIGN_OR_RETURN(auto stmt,
                     db_.Prepare("INSERT INTO tags(repository_id, name, digest, updated_at) VALUES "
                                 "(?, ?, ?, ?) ON CONFLICT(repository_id, name) DO UPDATE SET "
                                 "digest = excluded.digest, updated_at = excluded.updated_at"));
    stmt.Bind(1, repo_id).Bind(2, ref.tag()).Bind(3, digest.ToString()).Bind(4, now);
    RETURN_IF_ERROR(stmt.Run());
  }
  const std::string_view pushed_tag = ref.is_digest() ? std::string_view() : ref.tag();
  for (TransactionObserver* o : tx_observers_) {
    RETURN_IF_ERROR(o->InManifestPushed(db_, repository, digest, pushed_tag, manifest.media_type));
  }
  RETURN_IF_ERROR(tx.Commit());
  for (Observer* o : observers_) {
    o->OnManifestPushed(repository, digest, ref.is_digest() ? "" : ref.tag(), manifest.media_type);
  }
  PutManifestResult result{digest, std::nullopt};
  if (manifest.subject) result.subject = manifest.subject->digest;
  return result;
}

Result<StoredManifest> Registry::GetManifest(std::string_view repository,
                                             std::string_view reference, bool record_pull) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  ASSIGN_OR_RETURN(oci::Reference ref, oci::ParseReference(reference));
  ASSIGN_OR_RETURN(Digest digest, ResolveReference(repo_id, ref));
  StoredManifest out;
  {
    auto lock = db_.Lock();
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT media_type, content FROM manifests WHERE "
                                            "repository_id = ? AND digest = ?"));
    stmt.Bind(1, repo_id).Bind(2, digest.ToString());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFound("manifest unknown", "MANIFEST_UNKNOWN");
    out.digest = digest;
    out.media_type = stmt.ColumnText(0);
    out.content = stmt.ColumnText(1);
  }
  if (record_pull) {
    const TimePoint now = clock_.Now();
    bool flush = false;
    {
      std::lock_guard lock(pulls_mu_);
      pending_pulls_[{repo_id, digest.ToString()}] = Millis(now);
      flush = now - last_pull_flush_ >= kPullFlushInterval;
    }
    if (flush) (void)FlushPullTimes();
  }
  return out;
}

Result<ImageDetails> Registry::DescribeImage(std::string_view repository, const Digest& digest) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  auto lock = db_.Lock();
  ImageDetails d;
  {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT media_type, size, pushed_at, last_pulled_at "
                                            "FROM manifests WHERE repository_id = ? AND digest = ?"));
    stmt.Bind(1, repo_id).Bind(2, digest.ToString());
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFound("manifest unknown", "MANIFEST_UNKNOWN");
    d.media_type = stmt.ColumnText(0);
    d.size = stmt.ColumnInt(1);
    d.pushed_at = TimePoint(std::chrono::milliseconds(stmt.ColumnInt(2)));
    if (!stmt.ColumnIsNull(3)) d.last_pulled_at = TimePoint(std::chrono::milliseconds(stmt.ColumnInt(3)));
  }
  ASSIGN_OR_RETURN(auto tags, db_.Prepare("SELECT name FROM tags WHERE repository_id = ? AND "
                                          "digest = ? ORDER BY name"));
  tags.Bind(1, repo_id).Bind(2, digest.ToString());
  for (;;) {
    ASSIGN_OR_RETURN(bool row, tags.Step());
    if (!row) break;
    d.tags.push_back(tags.ColumnText(0));
  }
  return d;
}

Result<std::string> Registry::ManifestContent(std::string_view repository, const Digest& digest) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT content FROM manifests WHERE repository_id = ? "
                                          "AND digest = ?"));
  stmt.Bind(1, repo_id).Bind(2, digest.ToString());
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("manifest unknown", "MANIFEST_UNKNOWN");
  return stmt.ColumnText(0);
}

Status Registry::FlushPullTimes() {
  std::map<std::pair<int64_t, std::string>, int64_t> pending;
  {
    std::lock_guard lock(pulls_mu_);
    pending.swap(pending_pulls_);
    last_pull_flush_ = clock_.Now();
  }
  if (pending.empty()) return Status::Ok();
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  for (const auto& [key, millis] : pending) {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE manifests SET last_pulled_at = max(coalesce("
                                            "last_pulled_at, 0), ?) WHERE repository_id = ? AND "
                                            "digest = ?"));
    stmt.Bind(1, millis).Bind(2, key.first).Bind(3, key.second);
    RETURN_IF_ERROR(stmt.Run());
  }
  return tx.Commit();
}

Status Registry::DeleteManifest(std::string_view repository, std::string_view reference) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  ASSIGN_OR_RETURN(oci::Reference ref, oci::ParseReference(reference));
  store::Transaction tx(db_);
  RETURN_IF_ERROR(tx.begin_status());
  if (!ref.is_digest()) {
    ASSIGN_OR_RETURN(Digest target, ResolveReference(repo_id, ref));
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare("DELETE FROM tags WHERE repository_id = ? AND name = ?"));
    stmt.Bind(1, repo_id).Bind(2, ref.tag());
    RETURN_IF_ERROR(stmt.Run());
    for (TransactionObserver* o : tx_observers_) {
      RETURN_IF_ERROR(o->InTagDeleted(db_, repository, ref.tag(), target));
    }
    RETURN_IF_ERROR(tx.Commit());
    for (Observer* o : observers_) o->OnTagDeleted(repository, ref.tag(), target);
    return Status::Ok();
  }
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("DELETE FROM manifests WHERE repository_id = ? AND digest = ?"));
  stmt.Bind(1, repo_id).Bind(2, ref.digest().ToString());
  RETURN_IF_ERROR(stmt.Run());
  if (db_.Changes() == 0) return NotFound("manifest unknown", "MANIFEST_UNKNOWN");
  for (TransactionObserver* o : tx_observers_) {
    RETURN_IF_ERROR(o->InManifestDeleted(db_, repository, ref.digest()));
  }
  RETURN_IF_ERROR(tx.Commit());
  for (Observer* o : observers_) o->OnManifestDeleted(repository, ref.digest());
  return Status::Ok();
}

Result<std::vector<Digest>> Registry::DeleteChosenManifests(std::string_view repository,
                                                            const ManifestChooser& choose) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  RETURN_IF_ERROR(FlushPullTimes());
  std::vector<Digest> deleted;
  {
    store::Transaction tx(db_);
    RETURN_IF_ERROR(tx.begin_status());
    ASSIGN_OR_RETURN(std::vector<Digest> chosen, choose(repo_id));
    for (const Digest& digest : chosen) {
      ASSIGN_OR_RETURN(auto stmt,
                       db_.Prepare("DELETE FROM manifests WHERE repository_id = ? AND digest = ?"));
      stmt.Bind(1, repo_id).Bind(2, digest.ToString());
      RETURN_IF_ERROR(stmt.Run());
      if (db_.Changes() == 0) continue;
      deleted.push_back(digest);
      for (TransactionObserver* o : tx_observers_) {
        RETURN_IF_ERROR(o->InManifestDeleted(db_, repository, digest));
      }
    }
    RETURN_IF_ERROR(tx.Commit());
  }
  for (const Digest& digest : deleted) {
    for (Observer* o : observers_) o->OnManifestDeleted(repository, digest);
  }
  return deleted;
}

namespace {
Result<Page> RunPage(store::Database& db, std::string_view sql_with_filter, int64_t repo_id,
                     std::optional<size_t> n, size_t max_page, std::string_view last) {
  const size_t limit = std::min(n.value_or(max_page), max_page);
  Page page;
  if (limit == 0) return page;
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql_with_filter));
  int i = 1;
  if (repo_id >= 0) stmt.Bind(i++, repo_id);
  stmt.Bind(i, last);
  stmt.Bind(i + 1, static_cast<int64_t>(limit + 1));
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    page.items.push_back(stmt.ColumnText(0));
  }
  if (page.items.size() > limit) {
    page.items.pop_back();
    page.next = page.items.back();
  }
  return page;
}
}  // namespace

Result<Page> Registry::ListTags(std::string_view repository, std::optional<size_t> n,
                                std::string_view last) {
  ASSIGN_OR_RETURN(int64_t repo_id, FindRepository(repository));
  return RunPage(db_,
                 "SELECT name FROM tags WHERE repository_id = ? AND name > ? ORDER BY name "
                 "LIMIT ?",
                 repo_id, n, options_.max_page_size, last);
}

Result<Page> Registry::Catalog(std::optional<size_t> n, std::string_view last) {
  return RunPage(db_, "SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?", -1, n,
                 options_.max_page_size, last);
}

Result<Json> Registry::Referrers(std::string_view repository, const Digest& digest,
                                 std::string_view artifact_type) {
  Json index = {{"schemaVersion", 2},
                {"mediaType", std::string(oci::kOciIndex)},
                {"manifests", Json::array()}};
  auto repo_id = FindRepository(repository);
  if (!repo_id.ok()) {
    // An unknown repository has no referrers; the spec wants an empty index, not an error.
    if (repo_id.status().domain_code() == "NAME_UNKNOWN") return index;
    return repo_id.status();
  }
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT digest, media_type, size, artifact_type, content "
                                          "FROM manifests WHERE repository_id = ? AND subject = ? "
                                          "ORDER BY digest"));
  stmt.Bind(1, *repo_id).Bind(2, digest.ToString());
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const std::string at = stmt.ColumnText(3);
    if (!artifact_type.empty() && at != artifact_type) continue;
    Json d = {{"mediaType", stmt.ColumnText(1)},
              {"digest", stmt.ColumnText(0)},
              {"size", stmt.ColumnInt(2)}};
    if (!at.empty()) d["artifactType"] = at;
    auto content = ParseJson(stmt.ColumnText(4));
    if (content.ok()) {
      if (const Json* a = GetObject(*content, "annotations")) d["annotations"] = *a;
    }
    index["manifests"].push_back(std::move(d));
  }
  return index;
}

Result<uint64_t> Registry::StorageBytes() {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT coalesce(sum(size), 0) FROM blobs"));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? static_cast<uint64_t>(stmt.ColumnInt(0)) : 0;
}

}  // namespace surveyor::registry
