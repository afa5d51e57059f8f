#include "image/decompress.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#ifdef SURVEYOR_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

namespace surveyor::image {
namespace {

constexpr size_t kInChunk = 256 << 10;

// Replays bytes already peeked before reading on from the source.
class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::string prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < prefix_.size()) {
      size_t k = std::min(n, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, k);
      pos_ += k;
      return k;
    }
    return rest_->Read(buf, n);
  }
  uint64_t consumed() const override { return rest_->consumed(); }

 private:
  std::string prefix_;
  size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

// Shared accounting for the limits.
class LimitedDecoder : public ByteSource {
 public:
  LimitedDecoder(std::unique_ptr<ByteSource> in, const DecompressLimits& limits)
      : in_(std::move(in)), limits_(limits), inbuf_(kInChunk) {}
  uint64_t consumed() const override { return in_->consumed(); }

 protected:
  Status Account(size_t produced) {
    produced_ += produced;
    if (produced_ > limits_.max_expanded_bytes) {
      return ResourceExhausted("layer expands beyond the limit of " +
                               std::to_string(limits_.max_expanded_bytes) + " bytes");
    }
    if (produced_ > limits_.ratio_grace_bytes &&
        produced_ / std::max<uint64_t>(1, in_->consumed()) > limits_.max_ratio) {
      return ResourceExhausted("compression ratio above " + std::to_string(limits_.max_ratio) +
                               ":1 (decompression bomb?)");
    }
    return Status::Ok();
  }
  // Refills the input buffer; returns bytes read (0 at end of input).
  Result<size_t> Fill() {
    ASSIGN_OR_RETURN(size_t got, in_->Read(inbuf_.data(), inbuf_.size()));
    return got;
  }

  std::unique_ptr<ByteSource> in_;
  DecompressLimits limits_;
  std::vector<char> inbuf_;
  uint64_t produced_ = 0;
};

class PlainSource final : public LimitedDecoder {
 public:
  using LimitedDecoder::LimitedDecoder;
  Result<size_t> Read(char* buf, size_t n) override {
    ASSIGN_OR_RETURN(size_t got, in_->Read(buf, n));
    produced_ += got;
    if (produced_ > limits_.max_expanded_bytes) return ResourceExhausted("layer exceeds size limit");
    return got;
  }
};

#ifdef SURVEYOR_HAVE_ISAL
class GzipSource final : public LimitedDecoder {
 public:
  GzipSource(std::unique_ptr<ByteSource> in, const DecompressLimits& limits)
      : LimitedDecoder(std::move(in), limits) {
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;
  }
  Result<size_t> Read(char* buf, size_t n) override {
    if (done_ || n == 0) return size_t{0};
    n = std::min<size_t>(n, UINT32_MAX);
    st_.next_out = reinterpret_cast<uint8_t*>(buf);
    st_.avail_out = static_cast<uint32_t>(n);
    while (st_.avail_out == n) {
      if (st_.block_state == ISAL_BLOCK_FINISH) {
        // End of one gzip member: another may follow (concatenated gzip).
        if (st_.avail_in == 0) {
          ASSIGN_OR_RETURN(size_t got, Fill());
          if (got == 0) { done_ = true; break; }
          SetInput(got);
        }
        if (st_.next_in[0] == 0) {  // zero padding after the last member
          done_ = true;
          break;
        }
        uint8_t* keep_in = st_.next_in;
        uint32_t keep_avail = st_.avail_in;
        isal_inflate_reset(&st_);
        st_.crc_flag = ISAL_GZIP;
        st_.next_in = keep_in;
        st_.avail_in = keep_avail;
        st_.next_out = reinterpret_cast<uint8_t*>(buf);
        st_.avail_out = static_cast<uint32_t>(n);
      }
      if (st_.avail_in == 0) {
        ASSIGN_OR_RETURN(size_t got, Fill());
        if (got == 0) {
          if (!seen_input_) return DataLoss("empty gzip stream");
          return DataLoss("truncated gzip stream");
        }
        SetInput(got);
      }
      int rc = isal_inflate(&st_);
      if (rc < 0) return DataLoss("corrupt gzip stream (igzip error " + std::to_string(rc) + ")");
    }
    size_t produced = n - st_.avail_out;
    RETURN_IF_ERROR(Account(produced));
    return produced;
  }

 private:
  void SetInput(size_t got) {
    seen_input_ = true;
    st_.next_in = reinterpret_cast<uint8_t*>(inbuf_.data());
    st_.avail_in = static_cast<uint32_t>(got);
  }
  inflate_state st_;
  bool done_ = false;
  bool seen_input_ = false;
};
#else
class GzipSource final : public LimitedDecoder {
 public:
  GzipSource(std::unique_ptr<ByteSource> in, const DecompressLimits& limits)
      : LimitedDecoder(std::move(in), limits) {
    std::memset(&zs_, 0, sizeof(zs_));
    ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipSource() override { inflateEnd(&zs_); }
  Result<size_t> Read(char* buf, size_t n) override {
    if (!ok_) return Internal("zlib init failed");
    if (done_ || n == 0) return size_t{0};
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(std::min<size_t>(n, UINT32_MAX));
    size_t want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0) {
        ASSIGN_OR_RETURN(size_t got, Fill());
        if (got == 0) {
          if (member_done_) { done_ = true; break; }
          return DataLoss("truncated gzip stream");
        }
        zs_.next_in = reinterpret_cast<Bytef*>(inbuf_.data());
        zs_.avail_in = static_cast<uInt>(got);
      }
      if (member_done_) {
        if (zs_.next_in[0] == 0) { done_ = true; break; }
        inflateReset(&zs_);
        member_done_ = false;
      }
      int rc = inflate(&zs_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) { member_done_ = true; continue; }
      if (rc != Z_OK && rc != Z_BUF_ERROR) return DataLoss("corrupt gzip stream (zlib)");
    }
    size_t produced = want - zs_.avail_out;
    RETURN_IF_ERROR(Account(produced));
    return produced;
  }

 private:
  z_stream zs_;
  bool ok_ = false;
  bool done_ = false;
  bool member_done_ = false;
};
#endif

class ZstdSource final : public LimitedDecoder {
 public:
  ZstdSource(std::unique_ptr<ByteSource> in, const DecompressLimits& limits)
      : LimitedDecoder(std::move(in), limits), ds_(ZSTD_createDStream()) {
    // Bound the window a hostile frame may ask for (128 MiB).
    ZSTD_DCtx_setParameter(ds_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdSource() override { ZSTD_freeDStream(ds_); }
  Result<size_t> Read(char* buf, size_t n) override {
    if (done_ || n == 0) return size_t{0};
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (in_pos_ == in_size_) {
        ASSIGN_OR_RETURN(size_t got, Fill());
        if (got == 0) {
          if (last_ret_ == 0 && seen_input_) { done_ = true; break; }
          return DataLoss(seen_input_ ? "truncated zstd stream" : "empty zstd stream");
        }
        seen_input_ = true;
        in_size_ = got;
        in_pos_ = 0;
      }
      ZSTD_inBuffer in{inbuf_.data(), in_size_, in_pos_};
      size_t ret = ZSTD_decompressStream(ds_, &out, &in);
      in_pos_ = in.pos;
      if (ZSTD_isError(ret)) {
        return DataLoss(std::string("corrupt zstd stream: ") + ZSTD_getErrorName(ret));
      }
      last_ret_ = ret;
    }
    RETURN_IF_ERROR(Account(out.pos));
    return out.pos;
  }

 private:
  ZSTD_DStream* ds_;
  size_t in_size_ = 0;
  size_t in_pos_ = 0;
  size_t last_ret_ = 1;
  bool done_ = false;
  bool seen_input_ = false;
};

}  // namespace

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
  }
  return "?";
}

Compression DetectCompression(std::string_view head) {
  if (head.size() >= 2 && static_cast<uint8_t>(head[0]) == 0x1f &&
      static_cast<uint8_t>(head[1]) == 0x8b)
    return Compression::kGzip;
  if (head.size() >= 4 && static_cast<uint8_t>(head[0]) == 0x28 &&
      static_cast<uint8_t>(head[1]) == 0xb5 && static_cast<uint8_t>(head[2]) == 0x2f &&
      static_cast<uint8_t>(head[3]) == 0xfd)
    return Compression::kZstd;
  return Compression::kNone;
}

std::unique_ptr<ByteSource> OpenDecompressor(std::unique_ptr<ByteSource> input, Compression c,
                                             const DecompressLimits& limits) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipSource>(std::move(input), limits);
    case Compression::kZstd: return std::make_unique<ZstdSource>(std::move(input), limits);
    case Compression::kNone: break;
  }
  return std::make_unique<PlainSource>(std::move(input), limits);
}

Result<std::unique_ptr<ByteSource>> OpenAutoDecompressor(std::unique_ptr<ByteSource> input,
                                                         const DecompressLimits& limits) {
  std::string head(4, '\0');
  size_t have = 0;
  while (have < head.size()) {
    ASSIGN_OR_RETURN(size_t got, input->Read(head.data() + have, head.size() - have));
    if (got == 0) break;
    have += got;
  }
  head.resize(have);
  Compression c = DetectCompression(head);
  auto prefixed = std::make_unique<PrefixedSource>(std::move(head), std::move(input));
  return OpenDecompressor(std::move(prefixed), c, limits);
}

bool GzipUsesIsal() {
#ifdef SURVEYOR_HAVE_ISAL
  return true;
#else
  return false;
#endif
}

}  // namespace surveyor::image
