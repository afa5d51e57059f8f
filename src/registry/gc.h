// Online garbage collection: mark and sweep over the metadata database while the registry keeps
// serving. Each sweep step runs in one write transaction, which is the consistent snapshot its
// marks are taken from; pushes serialise against it on the same lock.
//   1. a repository's blob link that no manifest of that repository references, older than the
//      grace period, is removed;
//   2. a blob no repository links, older than the grace period, is moved to the trash in the same
//      transaction and deleted after the commit;
//   3. blob files with no metadata row (left by a crash between rename and commit) older than the
//      grace period are deleted.
// Never collected: uploads in progress (not blobs yet), blobs a manifest being pushed references
// (the push holds the lock while it checks), blobs within the grace period of their upload.
// Memory is bounded by the batch size, whatever the number of blobs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace surveyor::registry {

struct GcOptions {
  std::chrono::seconds grace{3600};
  bool dry_run = false;
  size_t batch_size = 5000;
  size_t max_listed = 1000;  // how many deleted digests the report names
};

struct GcReport {
  uint64_t links_removed = 0;
  uint64_t blobs_deleted = 0;
  uint64_t bytes_reclaimed = 0;
  uint64_t orphan_files_deleted = 0;
  uint64_t trash_recovered = 0;
  std::vector<std::string> deleted;  // first max_listed digests
};

Result<GcReport> CollectGarbage(store::Database& db, store::BlobStore& blobs, const Clock& clock,
                                const GcOptions& options);

// Finishes what a collector killed mid-sweep left in the trash: files whose metadata row still
// exists go back, the others are deleted. Run before serving and before fsck.
Result<uint64_t> RecoverTrash(store::Database& db, store::BlobStore& blobs);

}  // namespace surveyor::registry
