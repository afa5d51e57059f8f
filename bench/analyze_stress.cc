// Stress runs for the layer walker (issue 5), all streamed, nothing written to disk:
//   analyze_stress big [GB]     one gzip layer of GB (default 2) generated on the fly: 64 MiB files
//                               plus an oversized package-lock.json, an ELF with a Go note, a junk
//                               jar; reports time, warnings and peak RSS
//   analyze_stress tiny [N]     one layer of N (default 1,000,000) tiny files
// The tar stream is produced by a generator, gzip-compressed on the fly with zlib level 1, then
// read back through our decompressor, tar reader and every builtin analyzer.
#include <sys/resource.h>
#include <zlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "analyze/builtin.h"
#include "analyze/walker.h"
#include "image/decompress.h"

using namespace surveyor;  // NOLINT

namespace {

struct Spec {
  std::string name;
  uint64_t size;
  unsigned mode;
  char fill;  // 'r' pseudo-random text, 'e' ELF with Go note, 'j' json-ish
};

// Produces a ustar stream (GNU base-256 sizes are not needed below 8 GiB per file).
class TarGenerator {
 public:
  TarGenerator(uint64_t count, Spec (*spec)(uint64_t)) : count_(count), spec_(spec) {}
  // Fills up to n bytes; returns 0 at the end.
  size_t Read(char* out, size_t n) {
    size_t done = 0;
    while (done < n) {
      if (pending_pos_ < pending_.size()) {
        size_t k = std::min(n - done, pending_.size() - pending_pos_);
        std::memcpy(out + done, pending_.data() + pending_pos_, k);
        pending_pos_ += k;
        done += k;
        continue;
      }
      if (data_left_ > 0) {
        size_t k = static_cast<size_t>(std::min<uint64_t>(n - done, data_left_));
        // Text from a 256-word vocabulary: compresses about 3:1, and quickly.
        for (size_t i = 0; i < k; ++i) {
          if ((pos_ & 7) == 0) {
            state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
            word_ = static_cast<unsigned>(state_ >> 56);
          }
          out[done + i] = static_cast<char>('a' + ((word_ * 2654435761u >> (4 * (pos_ & 7))) & 15));
          ++pos_;
        }
        data_left_ -= k;
        done += k;
        if (data_left_ == 0) pending_.assign((512 - cur_size_ % 512) % 512, '\0'), pending_pos_ = 0;
        continue;
      }
      if (next_ < count_) {
        Spec s = spec_(next_++);
        Header(s);
        continue;
      }
      if (!ended_) {
        ended_ = true;
        pending_.assign(1024, '\0');
        pending_pos_ = 0;
        continue;
      }
      break;
    }
    return done;
  }

 private:
  void Header(const Spec& s) {
    std::string h(512, '\0');
    std::snprintf(h.data(), 100, "%s", s.name.c_str());
    std::snprintf(h.data() + 100, 8, "%07o", s.mode);
    std::snprintf(h.data() + 108, 8, "%07o", 0);
    std::snprintf(h.data() + 116, 8, "%07o", 0);
    std::snprintf(h.data() + 124, 12, "%011llo", static_cast<unsigned long long>(s.size));
    std::snprintf(h.data() + 136, 12, "%011o", 0);
    h[156] = '0';
    std::memcpy(h.data() + 257, "ustar\0" "00", 8);
    std::memset(h.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h.data() + 148, 8, "%06o", sum);
    pending_ = h;
    pending_pos_ = 0;
    cur_size_ = s.size;
    data_left_ = s.size;
    std::string prefix;
    if (s.fill == 'e') {
      prefix = std::string("\x7f" "ELF\x02\x01", 6);
      prefix.resize(64, '\0');
      prefix += std::string("Go\0\0", 4);
      prefix.resize(4096, '\0');
    } else if (s.fill == 'j') {
      prefix = "{\"lockfileVersion\":3,\"packages\":{";
    }
    if (!prefix.empty() && prefix.size() <= s.size) {
      pending_ += prefix;
      data_left_ -= prefix.size();
    }
  }

  uint64_t count_;
  Spec (*spec_)(uint64_t);
  uint64_t next_ = 0;
  std::string pending_;
  size_t pending_pos_ = 0;
  uint64_t data_left_ = 0;
  uint64_t cur_size_ = 0;
  uint64_t state_ = 42;
  uint64_t pos_ = 0;
  unsigned word_ = 0;
  bool ended_ = false;
};

// gzip-compresses the generator's output on the fly (zlib level 1).
class GzipGenerated final : public image::ByteSource {
 public:
  explicit GzipGenerated(TarGenerator& gen) : gen_(gen), in_(1 << 20) {
    std::memset(&zs_, 0, sizeof zs_);
    deflateInit2(&zs_, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  }
  ~GzipGenerated() override { deflateEnd(&zs_); }
  Result<size_t> Read(char* buf, size_t n) override {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = static_cast<uInt>(n);
    while (zs_.avail_out == n && !finished_) {
      if (zs_.avail_in == 0 && !eof_) {
        size_t got = gen_.Read(in_.data(), in_.size());
        if (got == 0) eof_ = true;
        zs_.next_in = reinterpret_cast<Bytef*>(in_.data());
        zs_.avail_in = static_cast<uInt>(got);
      }
      int rc = deflate(&zs_, eof_ ? Z_FINISH : Z_NO_FLUSH);
      if (rc == Z_STREAM_END) finished_ = true;
    }
    size_t produced = n - zs_.avail_out;
    consumed_ += produced;
    return produced;
  }
  uint64_t consumed() const override { return consumed_; }

 private:
  TarGenerator& gen_;
  std::vector<char> in_;
  z_stream zs_;
  bool eof_ = false, finished_ = false;
  uint64_t consumed_ = 0;
};

uint64_t g_big_files = 32;

Spec BigSpec(uint64_t i) {
  if (i == 0) return {"app/package-lock.json", 100ull << 20, 0644, 'j'};  // over the 64 MiB limit
  if (i == 1) return {"usr/local/bin/tool", 30ull << 20, 0755, 'e'};
  if (i == 2) return {"opt/app/junk.jar", 50ull << 20, 0644, 'r'};
  return {"data/blob" + std::to_string(i), 64ull << 20, 0644, 'r'};
}

Spec TinySpec(uint64_t i) {
  return {"d" + std::to_string(i % 1000) + "/f" + std::to_string(i), 1, 0644, 'r'};
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "big";
  uint64_t count;
  Spec (*spec)(uint64_t);
  if (mode == "tiny") {
    count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
    spec = TinySpec;
  } else {
    double gb = argc > 2 ? std::atof(argv[2]) : 2.0;
    g_big_files = static_cast<uint64_t>(gb * 1024 / 64);
    count = g_big_files;
    spec = BigSpec;
  }
  auto owned = analyze::BuiltinAnalyzers();
  std::vector<const analyze::Analyzer*> list;
  for (auto& a : owned) list.push_back(a.get());
  TarGenerator gen(count, spec);
  std::unique_ptr<image::ByteSource> raw;
  bool plain = std::getenv("STRESS_PLAIN") != nullptr;  // skip gzip: measures the walker alone
  if (plain) {
    struct Plain final : image::ByteSource {
      explicit Plain(TarGenerator& g) : g(g) {}
      Result<size_t> Read(char* b, size_t n) override {
        size_t got = g.Read(b, n);
        c += got;
        return got;
      }
      uint64_t consumed() const override { return c; }
      TarGenerator& g;
      uint64_t c = 0;
    };
    raw = std::make_unique<Plain>(gen);
  } else {
    raw = std::make_unique<GzipGenerated>(gen);
  }
  auto src = image::OpenAutoDecompressor(std::move(raw));
  if (!src.ok()) return 1;
  auto t0 = std::chrono::steady_clock::now();
  auto r = analyze::WalkLayer(**src, list);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  if (!r.ok()) {
    std::printf("%s: failed: %s (%.1f s, peak RSS %ld KB)\n", mode.c_str(), r.status().ToString().c_str(),
                secs, ru.ru_maxrss);
    return 1;
  }
  std::printf("%s: %lu entries, %.2f GB file data, %zu warnings, %.1f s, compressed %.2f GB, peak RSS %ld KB\n",
              mode.c_str(), static_cast<unsigned long>(r->entries), r->file_bytes / 1e9, r->warnings.size(),
              secs, (*src)->consumed() / 1e9, ru.ru_maxrss);
  for (size_t i = 0; i < r->warnings.size() && i < 5; ++i) std::printf("  warning: %s\n", r->warnings[i].c_str());
  return 0;
}
