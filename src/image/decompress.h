// Layer decompression: gzip (ISA-L igzip streaming inflate, zlib when built without ISA-L),
// zstd (libzstd) and uncompressed, detected from the stream's first bytes. The decompressor owns
// its input source. Limits on expanded size and on the expanded/compressed ratio stop bombs with
// ResourceExhausted; corrupt or truncated input is DataLoss. One thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "image/byte_source.h"

namespace surveyor::image {

enum class Compression { kNone, kGzip, kZstd };
std::string_view CompressionName(Compression c);

struct DecompressLimits {
  // Hard cap on the bytes one stream may expand to.
  uint64_t max_expanded_bytes = uint64_t{64} << 30;
  // Expanded/compressed ratio above which the stream is rejected, checked once more than
  // `ratio_grace_bytes` have been produced (small, highly compressible layers are normal).
  uint64_t max_ratio = 250;
  uint64_t ratio_grace_bytes = uint64_t{64} << 20;
};

// Looks at the first bytes of a stream: 1f 8b → gzip, 28 b5 2f fd → zstd, anything else → none.
Compression DetectCompression(std::string_view head);

// Wraps `input`; `kNone` passes bytes through (limits still apply).
std::unique_ptr<ByteSource> OpenDecompressor(std::unique_ptr<ByteSource> input, Compression c,
                                             const DecompressLimits& limits = {});

// Peeks at the input's first bytes, then wraps it with the matching decompressor.
Result<std::unique_ptr<ByteSource>> OpenAutoDecompressor(std::unique_ptr<ByteSource> input,
                                                         const DecompressLimits& limits = {});

// True when the gzip path uses ISA-L (false: zlib fallback).
bool GzipUsesIsal();

}  // namespace surveyor::image
