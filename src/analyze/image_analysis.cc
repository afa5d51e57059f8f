#include "analyze/image_analysis.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "common/digest.h"
#include "common/hash_pipeline.h"

namespace surveyor::analyze {
namespace {

// Hashes the bytes that pass through on a second thread (HashPipeline), so verification
// overlaps with decompression and the tar walk. Each read is copied into a buffer the pipeline
// lends; at most kBuffers of them are in flight (bounded memory).
class HashingSource final : public image::ByteSource {
 public:
  explicit HashingSource(image::ByteSource& in) : in_(in), pipeline_(hasher_, kBuffers, kBufferBytes) {}
  Result<size_t> Read(char* buf, size_t n) override {
    ASSIGN_OR_RETURN(size_t got, in_.Read(buf, std::min(n, kBufferBytes)));
    if (got > 0) {
      std::memcpy(pipeline_.Borrow().data(), buf, got);
      pipeline_.Hash(got);
    }
    return got;
  }
  uint64_t consumed() const override { return in_.consumed(); }
  Digest Finish() {
    pipeline_.Finish();
    return hasher_.Finish();
  }
  // Reads whatever the tar reader left after the end-of-archive marker (padding).
  Status Drain() {
    std::vector<char> buf(kBufferBytes);
    while (true) {
      ASSIGN_OR_RETURN(size_t got, Read(buf.data(), buf.size()));
      if (got == 0) return Status::Ok();
    }
  }

 private:
  static constexpr size_t kBuffers = 8;
  static constexpr size_t kBufferBytes = 256 << 10;

  image::ByteSource& in_;
  Hasher hasher_;
  HashPipeline pipeline_;  // after hasher_: destroyed (its worker stopped) before it
};

}  // namespace

Result<ImageAnalysis> AnalyzeImage(image::ImageSource& image,
                                   const std::vector<const Analyzer*>& analyzers,
                                   LayerCache* cache, const AnalysisOptions& options) {
  ImageAnalysis out;
  out.info = image.info();
  for (const Analyzer* a : analyzers) out.analyzers.push_back(a->id());
  const auto& layers = out.info.layers;
  std::vector<LayerAnalysis> results(layers.size());
  for (size_t i = 0; i < layers.size(); ++i) {
    auto start = std::chrono::steady_clock::now();
    const image::LayerInfo& li = layers[i];
    std::string where = "layer " + std::to_string(i + 1) + " (" + li.digest.ToString() + ")";
    std::string key_id = !li.diff_id.empty() ? li.diff_id : li.digest.ToString();
    LayerReport report;
    report.digest = li.digest.ToString();
    report.diff_id = li.diff_id;
    LayerAnalysis& la = results[i];
    std::vector<const Analyzer*> missing;
    bool facts_cached = false;
    if (cache) {
      auto facts = cache->Get(CacheKey(key_id, kWalkerId));
      if (facts.ok() && facts->has_value() && ParseLayerFacts(**facts, la).ok()) facts_cached = true;
      for (const Analyzer* a : analyzers) {
        auto entry = facts_cached ? cache->Get(CacheKey(key_id, a->id()))
                                  : Result<std::optional<std::string>>(std::optional<std::string>());
        if (entry.ok() && entry->has_value()) {
          auto parsed = ParseFindings(**entry);
          if (parsed.ok()) {
            la.by_analyzer[a->id()] = std::move(*parsed);
            continue;
          }
        }
        missing.push_back(a);
      }
    } else {
      missing = analyzers;
    }
    if (!missing.empty() || !facts_cached) {
      ASSIGN_OR_RETURN(auto blob, image.OpenLayer(i));
      auto decoded = image::OpenAutoDecompressor(std::move(blob), options.decompress);
      if (!decoded.ok()) return decoded.status().WithContext(where);
      std::unique_ptr<HashingSource> hashing;
      bool verify = options.verify_diff_id == AnalysisOptions::Verify::kAlways ||
                    (options.verify_diff_id == AnalysisOptions::Verify::kWhenCaching && cache != nullptr);
      if (verify && !li.diff_id.empty()) hashing = std::make_unique<HashingSource>(**decoded);
      image::ByteSource& stream = hashing ? static_cast<image::ByteSource&>(*hashing) : **decoded;
      auto walked = WalkLayer(stream, missing, options.walk);
      if (!walked.ok()) return walked.status().WithContext(where);
      if (hashing) {
        Status drained = hashing->Drain();
        if (!drained.ok()) return drained.WithContext(where);
        std::string got = hashing->Finish().ToString();
        if (got != li.diff_id)
          return DataLoss(where + ": uncompressed content is " + got + ", config says " + li.diff_id);
      }
      report.compressed_bytes = (*decoded)->consumed();
      report.walked = true;
      // Merge fresh analyzer results with the cached ones (the facts are recomputed in full).
      for (auto& [id, files] : walked->by_analyzer) la.by_analyzer[id] = std::move(files);
      la.whiteouts = std::move(walked->whiteouts);
      la.opaque_dirs = std::move(walked->opaque_dirs);
      la.symlinks = std::move(walked->symlinks);
      la.warnings = std::move(walked->warnings);
      la.entries = walked->entries;
      la.file_bytes = walked->file_bytes;
      for (const Analyzer* a : missing) report.analyzers.push_back(a->id());
      if (cache) {
        // Cache failures cost only speed next time; they do not fail the scan.
        (void)cache->Put(CacheKey(key_id, kWalkerId), SerializeLayerFacts(la));
        for (const Analyzer* a : missing)
          (void)cache->Put(CacheKey(key_id, a->id()), SerializeFindings(la.by_analyzer[a->id()]));
      }
    }
    report.entries = la.entries;
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.layers.push_back(std::move(report));
  }
  std::vector<LayerInput> inputs;
  for (size_t i = 0; i < layers.size(); ++i)
    inputs.push_back(LayerInput{layers[i].digest.ToString(), layers[i].diff_id, &results[i]});
  out.inventory = AssembleInventory(inputs);
  return out;
}

}  // namespace surveyor::analyze
