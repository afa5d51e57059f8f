// Fuzz target: image archives — the in-place tar index (ustar/GNU/pax headers) and the
// docker-archive / oci-archive readers on top of it (manifest.json, index.json, configs).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "image/image.h"
#include "image/tar_index.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/surveyor-fuzz-archive-" + std::to_string(::getpid()) + ".tar";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  auto idx = surveyor::image::TarIndex::Build(path, 10000);
  if (idx.ok()) {
    for (const auto& [name, m] : idx->members()) (void)idx->Find(name);
    auto imgs = surveyor::image::OpenImage(path);
    if (imgs.ok()) {
      for (auto& img : *imgs)
        for (size_t i = 0; i < img->info().layers.size() && i < 4; ++i) (void)img->OpenLayer(i);
    }
  }
  return 0;
}
