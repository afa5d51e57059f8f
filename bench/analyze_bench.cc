// Image analysis benchmark (issue 5). Prints wall time for, on the same layers:
//   decompress  — our gzip/zstd stream only (the decompression lower bound, as igzip -d)
//   tar         — decompress + tar walk, no analyzers
//   analyze     — the full cold analysis (all builtin analyzers, no cache)
//   verify      — as analyze, plus diff_id verification
//   warm-base   — a second image sharing the base: only its new layers are walked (cache on)
// Usage: analyze_bench oci:DIR:TAG [second-image-sharing-base] [repeats]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "analyze/builtin.h"
#include "analyze/image_analysis.h"
#include "image/decompress.h"
#include "image/image.h"
#include "image/tar_reader.h"

using namespace surveyor;  // NOLINT

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int Fail(const Status& s) {
  std::fprintf(stderr, "error: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s IMAGE [SECOND_IMAGE] [REPEATS]\n", argv[0]);
    return 2;
  }
  std::string ref = argv[1];
  std::string second = argc > 2 ? argv[2] : "";
  int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  auto imgs = image::OpenImage(ref);
  if (!imgs.ok()) return Fail(imgs.status());
  image::ImageSource& img = *(*imgs)[0];
  auto owned = analyze::BuiltinAnalyzers();
  std::vector<const analyze::Analyzer*> list;
  for (auto& a : owned) list.push_back(a.get());
  std::printf("image %s: %zu layers, gzip via %s\n", ref.c_str(), img.info().layers.size(),
              image::GzipUsesIsal() ? "ISA-L" : "zlib");
  for (int r = 0; r < repeats; ++r) {
    double t0 = Now();
    uint64_t bytes = 0;
    std::vector<char> buf(1 << 20);
    for (size_t i = 0; i < img.info().layers.size(); ++i) {
      auto blob = img.OpenLayer(i);
      if (!blob.ok()) return Fail(blob.status());
      auto dec = image::OpenAutoDecompressor(std::move(*blob));
      if (!dec.ok()) return Fail(dec.status());
      while (true) {
        auto n = (*dec)->Read(buf.data(), buf.size());
        if (!n.ok()) return Fail(n.status());
        if (*n == 0) break;
        bytes += *n;
      }
    }
    double t1 = Now();
    uint64_t entries = 0;
    for (size_t i = 0; i < img.info().layers.size(); ++i) {
      auto dec = image::OpenAutoDecompressor(std::move(*img.OpenLayer(i)));
      image::TarReader tr(**dec);
      while (true) {
        auto e = tr.Next();
        if (!e.ok()) return Fail(e.status());
        if (!*e) break;
        ++entries;
      }
    }
    double t2 = Now();
    analyze::AnalysisOptions noverify;
    noverify.verify_diff_id = false;
    auto a = analyze::AnalyzeImage(img, list, nullptr, noverify);
    if (!a.ok()) return Fail(a.status());
    double t3 = Now();
    auto v = analyze::AnalyzeImage(img, list, nullptr);
    if (!v.ok()) return Fail(v.status());
    double t4 = Now();
    std::printf("run %d: %.1f MB uncompressed, %lu entries, %zu packages\n", r, bytes / 1e6,
                static_cast<unsigned long>(entries), a->inventory.packages.size());
    std::printf("  decompress %.3f s  tar %.3f s  analyze %.3f s  analyze+verify %.3f s\n", t1 - t0,
                t2 - t1, t3 - t2, t4 - t3);
  }
  if (!second.empty()) {
    auto dir = std::filesystem::temp_directory_path() / ("surveyor-bench-cache-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    analyze::DirectoryLayerCache cache(dir.string());
    double t0 = Now();
    auto first = analyze::AnalyzeImage(img, list, &cache);
    if (!first.ok()) return Fail(first.status());
    double t1 = Now();
    auto simgs = image::OpenImage(second);
    if (!simgs.ok()) return Fail(simgs.status());
    auto s = analyze::AnalyzeImage(*(*simgs)[0], list, &cache);
    if (!s.ok()) return Fail(s.status());
    double t2 = Now();
    std::printf("cache: first image %.3f s; second image %s %.3f s, layers walked:", t1 - t0,
                second.c_str(), t2 - t1);
    for (const auto& l : s->layers) std::printf(" %s", l.walked ? "walked" : "cached");
    std::printf("\n");
    std::filesystem::remove_all(dir);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf("peak RSS %ld KB\n", ru.ru_maxrss);
  return 0;
}
