// Fuzz target: a whole layer — decompression (gzip/zstd/none, auto-detected), the tar reader and
// the walker with every builtin analyzer, then the inventory merge.
#include "analyze/builtin.h"
#include "analyze/inventory.h"
#include "analyze/walker.h"
#include "image/decompress.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace surveyor;  // NOLINT
  static auto owned = analyze::BuiltinAnalyzers();
  static std::vector<const analyze::Analyzer*> list = [] {
    std::vector<const analyze::Analyzer*> l;
    for (auto& a : owned) l.push_back(a.get());
    return l;
  }();
  image::DecompressLimits limits;
  limits.max_expanded_bytes = 64 << 20;
  limits.ratio_grace_bytes = 1 << 20;
  auto src = image::OpenAutoDecompressor(
      std::make_unique<image::MemorySource>(std::string_view(reinterpret_cast<const char*>(data), size)), limits);
  if (!src.ok()) return 0;
  auto la = analyze::WalkLayer(**src, list);
  if (la.ok()) (void)analyze::AssembleInventory({{"sha256:x", "", &*la}});
  return 0;
}
