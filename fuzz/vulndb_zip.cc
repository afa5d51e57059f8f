// libFuzzer target: the zip reader (vulndb/zip_reader.h) over arbitrary bytes. Check, then every
// entry read to its end: no crash, no read outside the input, no endless loop; the output per
// input is capped so that a small "bomb" cannot make one run take minutes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#ifdef SURVEYOR_HAVE_ISAL_ZIP
#include "vulndb/zip_reader.h"
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
#ifdef SURVEYOR_HAVE_ISAL_ZIP
  using namespace surveyor::vulndb;
  if (size > (1 << 20)) return 0;
  ZipBytes in(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)ZipReader::Check(in);
  auto reader = ZipReader::Open(in);
  if (!reader.ok()) return 0;
  ZipEntry entry;
  char buf[4096];
  uint64_t total = 0;
  while (total < (16u << 20)) {
    auto more = (*reader)->Next(entry);
    if (!more.ok() || !*more) break;
    while (total < (16u << 20)) {
      auto n = (*reader)->Read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
      total += *n;
    }
  }
#else
  (void)data;
  (void)size;
#endif
  return 0;
}
