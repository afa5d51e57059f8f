#include "cli/storage.h"

#include "common/fs.h"
#include "findings/store.h"
#include "events/schema.h"
#include "registry/schema.h"
#include "scan/service.h"

namespace surveyor::cli {

Result<Storage> OpenStorage(const std::string& data_dir) {
  FileSystem& fs = PosixFileSystem::Default();
  RETURN_IF_ERROR(fs.MakeDirs(data_dir).WithContext("cannot create data directory " + data_dir));
  Storage storage;
  ASSIGN_OR_RETURN(storage.db, store::Database::Open(JoinPath(data_dir, "metadata.db")));
  // Every component that keeps tables in the metadata database, bottom-up.
  RETURN_IF_ERROR(registry::Migrate(*storage.db));
  RETURN_IF_ERROR(findings::Migrate(*storage.db));
  RETURN_IF_ERROR(scan::Migrate(*storage.db));
  RETURN_IF_ERROR(events::Migrate(*storage.db));
  storage.blobs = std::make_unique<store::BlobStore>(data_dir, fs);
  RETURN_IF_ERROR(storage.blobs->Init());
  return storage;
}

}  // namespace surveyor::cli
