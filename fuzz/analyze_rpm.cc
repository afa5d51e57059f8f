// Fuzz target: rpm header blobs and the BerkeleyDB / NDB / SQLite (with WAL) containers.
#include "analyze/rpm/rpm.h"
#include "fuzz/analyze_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace r = surveyor::analyze::rpm;
  uint8_t sel;
  std::string_view text = surveyor::fuzz::Rest(data, size, sel);
  surveyor::Result<std::vector<std::string>> blobs = std::vector<std::string>{};
  switch (sel % 5) {
    case 0: (void)r::ParseHeaderBlob(text); return 0;
    case 1: blobs = r::BlobsFromBerkeleyDb(text); break;
    case 2: blobs = r::BlobsFromNdb(text); break;
    case 3: blobs = r::BlobsFromSqlite(text); break;
    default: {
      size_t half = text.size() / 2;
      (void)r::ApplySqliteWal(text.substr(0, half), text.substr(half));
      return 0;
    }
  }
  if (blobs.ok())
    for (const auto& b : *blobs) (void)r::ParseHeaderBlob(b);
  return 0;
}
