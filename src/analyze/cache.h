// The per-layer result cache. Entries are keyed by (layer diff_id, analyzer name@version), one
// entry per analyzer, plus one for the walker's own facts (whiteouts, symlinks) — so bumping an
// analyzer's version invalidates exactly what it produced. LayerCache is the interface the
// registry's store can implement; DirectoryLayerCache is a simple file-per-entry default.
// Implementations must be safe for concurrent use by several scans.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "analyze/walker.h"
#include "common/fs.h"

namespace surveyor::analyze {

class LayerCache {
 public:
  virtual ~LayerCache() = default;
  // nullopt when absent. Errors only for I/O problems.
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  virtual Status Put(std::string_view key, std::string_view value) = 0;
};

// <dir>/<sha256 of key>.json, written atomically through the FileSystem seam.
class DirectoryLayerCache final : public LayerCache {
 public:
  DirectoryLayerCache(std::string dir, FileSystem& fs = PosixFileSystem::Default())
      : dir_(std::move(dir)), fs_(fs) {}
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Status Put(std::string_view key, std::string_view value) override;

 private:
  std::string PathFor(std::string_view key) const;
  std::string dir_;
  FileSystem& fs_;
};

// The walker's own version: bump when whiteout/symlink recording changes.
inline constexpr std::string_view kWalkerId = "walker@1";
std::string CacheKey(std::string_view diff_id, std::string_view analyzer_id);

// Serialisation of the cached pieces (JSON). Parse errors are DataLoss (a corrupt entry is
// treated as a miss by the caller).
std::string SerializeFindings(const std::vector<FileFindings>& files);
Result<std::vector<FileFindings>> ParseFindings(std::string_view text);
std::string SerializeLayerFacts(const LayerAnalysis& la);
Status ParseLayerFacts(std::string_view text, LayerAnalysis& la);

}  // namespace surveyor::analyze
