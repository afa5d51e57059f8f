// The walker: one pass over one layer's tar stream. Each regular file is offered to every
// analyzer's Required(); only the files someone asked for are read (streamed for one analyzer,
// buffered once up to a limit when several want it). Whiteouts, opaque directories and symlinks
// are recorded for the merge across layers. Nothing is written to disk. One thread per call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "analyze/analyzer.h"
#include "image/byte_source.h"

namespace surveyor::analyze {

struct FileFindings {
  std::string path;
  Findings findings;
};

// What one layer holds, independent of every other layer (so it can be cached by diff_id).
struct LayerAnalysis {
  // analyzer id ("dpkg@1") → findings per file, in tar order.
  std::map<std::string, std::vector<FileFindings>> by_analyzer;
  std::vector<std::string> whiteouts;    // paths removed from lower layers
  std::vector<std::string> opaque_dirs;  // directories whose lower-layer content is hidden
  std::vector<std::pair<std::string, std::string>> symlinks;  // path → root-relative target
  std::vector<std::string> warnings;     // per-file problems
  uint64_t entries = 0;
  uint64_t file_bytes = 0;
};

struct WalkLimits {
  uint64_t max_entries = 20'000'000;
  uint64_t max_symlinks = 1'000'000;
  // When several analyzers want one file it is read into memory once, up to this size.
  uint64_t max_shared_file_bytes = 16 << 20;
  size_t max_warnings = 1000;
};

// Walks the (already decompressed) tar stream. Fails only when the tar itself is unreadable
// (DataLoss), the stream hits a decompression limit (ResourceExhausted) or a walk limit is hit;
// problems with single files become warnings.
Result<LayerAnalysis> WalkLayer(image::ByteSource& tar_stream,
                                const std::vector<const Analyzer*>& analyzers,
                                const WalkLimits& limits = {});

}  // namespace surveyor::analyze
