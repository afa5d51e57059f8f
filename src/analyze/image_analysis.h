// Analysing a whole image: each layer is looked up in the LayerCache per analyzer; only layers
// (and analyzers) without a cached result are streamed and walked, then everything is assembled
// into the inventory. Layers are independent, so a second image sharing a base pays only for
// its new layers. One call per thread; the cache may be shared.
#pragma once

#include <string>
#include <vector>

#include "analyze/cache.h"
#include "analyze/inventory.h"
#include "image/decompress.h"
#include "image/image.h"

namespace surveyor::analyze {

struct AnalysisOptions {
  image::DecompressLimits decompress;
  WalkLimits walk;
  // Hash the uncompressed stream and fail when it does not match the config's diff_id, so that a
  // forged config cannot plant results in the cache under another layer's diff_id.
  bool verify_diff_id = true;
};

struct LayerReport {
  std::string digest;
  std::string diff_id;
  bool walked = false;                 // false: everything came from the cache
  std::vector<std::string> analyzers;  // the ones run on this layer (cache misses)
  double seconds = 0;
  uint64_t compressed_bytes = 0;
  uint64_t entries = 0;
};

struct ImageAnalysis {
  image::ImageInfo info;
  Inventory inventory;
  std::vector<LayerReport> layers;
  std::vector<std::string> analyzers;  // ids of all analyzers used
};

// Errors name the layer ("layer 3 (sha256:...): corrupt gzip stream ...").
Result<ImageAnalysis> AnalyzeImage(image::ImageSource& image,
                                   const std::vector<const Analyzer*>& analyzers,
                                   LayerCache* cache, const AnalysisOptions& options = {});

}  // namespace surveyor::analyze
