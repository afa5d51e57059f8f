// fsck: checks the registry's stored state against itself — every blob's bytes against its
// digest, every manifest's bytes and references, every tag's target, leftover uploads and trash —
// and, with `repair`, fixes index entries where that is safe (it never deletes a manifest).
// It first finishes any garbage collection that was interrupted (see RecoverTrash), as a
// filesystem replays its journal before checking.
// Reads blobs in bounded memory. Run it on a stopped or a live registry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/blob_store.h"
#include "store/sqlite.h"

namespace surveyor::registry {

struct FsckIssue {
  std::string kind;    // blob_missing, blob_corrupt, blob_size, orphan_file, manifest_corrupt,
                       // manifest_reference_missing, tag_dangling, upload_incomplete
  std::string subject; // digest, repository:tag, upload id
  std::string detail;
  bool repaired = false;
};

struct FsckReport {
  uint64_t blobs_checked = 0;
  uint64_t manifests_checked = 0;
  uint64_t tags_checked = 0;
  std::vector<FsckIssue> issues;
  bool clean() const { return issues.empty(); }
};

Result<FsckReport> Fsck(store::Database& db, store::BlobStore& blobs, bool repair);

}  // namespace surveyor::registry
