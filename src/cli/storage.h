// Opens a data directory's registry storage (metadata.db and the blob store), as `serve`, `gc`
// and `fsck` all need it. The caller owns the result.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "store/blob_store.h"
#include "store/sqlite.h"

namespace surveyor::cli {

struct Storage {
  std::unique_ptr<store::Database> db;
  std::unique_ptr<store::BlobStore> blobs;
};

Result<Storage> OpenStorage(const std::string& data_dir);

}  // namespace surveyor::cli
