// The content-addressed blob store on the local filesystem.
//   <root>/blobs/<algorithm>/<first two hex>/<hex>   committed content, immutable
//   <root>/uploads/<id>                              data of an upload in progress
// A blob appears under blobs/ only after its bytes were verified against the digest and fsynced,
// by an atomic rename; readers never see partial content. Thread-safe (the filesystem is the
// only state); callers serialise writes to one upload.
#pragma once

#include <cstdint>
#include <string>

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

  Status CreateUpload(std::string_view upload_id);
  Result<uint64_t> UploadSize(std::string_view upload_id);
  // Streams `source` onto the end of the upload, feeding `hasher` when given. Stops with
  // ResourceExhausted (SIZE_INVALID) once the upload would exceed `max_total` bytes. On error the
  // upload is truncated back to its size before the call, so a failed chunk leaves no trace.
  Result<uint64_t> AppendToUpload(std::string_view upload_id, ByteSource& source,
                                  Hasher* hasher, uint64_t max_total);
  // Hashes the upload's data from the start (after a restart lost the streaming hash state).
  Result<Digest> HashUpload(std::string_view upload_id, DigestAlgorithm algorithm);
  // fsyncs the upload data and renames it to its content address. When a blob with that digest
  // already exists the upload is simply removed.
  Status CommitUpload(std::string_view upload_id, const Digest& digest);
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
