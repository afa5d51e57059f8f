// The content-addressed blob store on the local filesystem.
//   <root>/blobs/<algorithm>/<first two hex>/<hex>   committed content, immutable
//   <root>/uploads/<id>                              data of an upload in progress
//   <root>/uploads/<id>.repo                         the repository the upload belongs to
// Upload sessions are not fsynced: they survive a restart or kill -9 (the page cache outlives the
// process), and a session lost to a power cut was never acknowledged, so the client starts over.
// A blob appears under blobs/ only after its bytes were verified against the digest and fsynced,
// by an atomic rename; readers never see partial content. Thread-safe (the filesystem is the
// only state); callers serialise writes to one upload.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/digest.h"
#include "common/fs.h"
#include "common/stream.h"

namespace surveyor::store {

class BlobStore {
 public:
  BlobStore(std::string root, FileSystem& fs) : root_(std::move(root)), fs_(fs) {}

  Status Init();

  std::string BlobPath(const Digest& digest) const;
  std::string UploadPath(std::string_view upload_id) const;

  // NotFound when absent.
  Result<uint64_t> BlobSize(const Digest& digest);
  bool Exists(const Digest& digest);

  Status CreateUpload(std::string_view upload_id, std::string_view repository);
  // The repository an upload was started in; NotFound (BLOB_UPLOAD_UNKNOWN) when there is none.
  Result<std::string> UploadRepository(std::string_view upload_id);
  // Ids of the uploads in progress.
  Result<std::vector<std::string>> ListUploads();
  Result<uint64_t> UploadSize(std::string_view upload_id);
  // Streams `source` onto the end of the upload, feeding `hasher` when given (on a second
  // thread, while the next bytes arrive; the hasher is the caller's again on return). Stops with
  // ResourceExhausted (SIZE_INVALID) once the upload would exceed `max_total` bytes. On error the
  // upload is truncated back to its size before the call, so a failed chunk leaves no trace.
  Result<uint64_t> AppendToUpload(std::string_view upload_id, ByteSource& source,
                                  Hasher* hasher, uint64_t max_total);
  // Hashes a committed blob's file, reporting its size (fsck).
  Result<Digest> HashBlob(const Digest& digest, uint64_t& size);
  // Hashes the upload's data from the start (after a restart lost the streaming hash state).
  Result<Digest> HashUpload(std::string_view upload_id, DigestAlgorithm algorithm);
  // fsyncs the upload data and renames it to its content address. When a blob with that digest
  // already exists the upload is simply removed. The registry calls SyncUpload first, outside
  // any lock, then PublishUpload inside the metadata transaction that records the blob, so that
  // garbage collection (which moves dead blobs away inside its own transaction) cannot race it.
  Status CommitUpload(std::string_view upload_id, const Digest& digest);
  Status SyncUpload(std::string_view upload_id);
  Status PublishUpload(std::string_view upload_id, const Digest& digest);

  // Garbage collection moves a dead blob to <root>/trash/ inside its metadata transaction and
  // deletes it after the commit; a crash in between leaves it there for RecoverTrash.
  std::string TrashPath(const Digest& digest) const;
  Status MoveToTrash(const Digest& digest);
  Status RestoreFromTrash(const Digest& digest);
  Status EmptyTrashEntry(const Digest& digest);
  // Digests currently in the trash.
  Result<std::vector<Digest>> ListTrash();
  // Every committed blob file's digest, for fsck and orphan sweeps: `fn` gets the digests of one
  // prefix directory at a time (1/256th of the store), so memory stays bounded.
  Status ForEachBlobBatch(const std::function<Status(const std::vector<Digest>&)>& fn);
  Status DeleteUpload(std::string_view upload_id);

  // Stores small content (manifests) directly under its digest.
  Status PutSmall(const Digest& digest, std::string_view content);
  Result<std::string> ReadSmall(const Digest& digest, uint64_t max_bytes);
  Status Delete(const Digest& digest);

  const std::string& root() const { return root_; }

 private:
  std::string root_;
  FileSystem& fs_;
};

}  // namespace surveyor::store
