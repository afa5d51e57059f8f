#include "analyze/golang/golang.h"

#include <algorithm>
#include <cstring>

namespace surveyor::analyze::golang {
namespace {

constexpr std::string_view kMagic("\xff Go buildinf:", 14);
constexpr uint64_t kMaxBinaryBytes = 32 << 20;
constexpr size_t kMaxString = 1 << 20;

uint64_t ReadUint(std::string_view b, size_t off, int size, bool big_endian) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) {
    uint8_t byte = static_cast<uint8_t>(b[off + (big_endian ? i : size - 1 - i)]);
    v = (v << 8) | byte;
  }
  return v;
}

struct Segment {
  uint64_t vaddr, offset, filesz;
};

// PT_LOAD segments from the program header table.
Result<std::vector<Segment>> LoadSegments(std::string_view elf) {
  if (elf.size() < 52 || elf.substr(0, 4) != "\x7f" "ELF") return InvalidArgument("not ELF");
  bool is64 = elf[4] == 2;
  bool be = elf[5] == 2;
  uint64_t phoff, phentsize, phnum;
  if (is64) {
    if (elf.size() < 64) return InvalidArgument("short ELF header");
    phoff = ReadUint(elf, 32, 8, be);
    phentsize = ReadUint(elf, 54, 2, be);
    phnum = ReadUint(elf, 56, 2, be);
  } else {
    phoff = ReadUint(elf, 28, 4, be);
    phentsize = ReadUint(elf, 42, 2, be);
    phnum = ReadUint(elf, 44, 2, be);
  }
  std::vector<Segment> out;
  for (uint64_t i = 0; i < phnum && i < 256; ++i) {
    if (phentsize < (is64 ? 56u : 32u) || phentsize > elf.size()) break;
    // Overflow-safe: phoff and phentsize come from the file and may be anything.
    if (phoff > elf.size() || i > (elf.size() - phoff) / phentsize) break;
    const uint64_t at = phoff + i * phentsize;
    if (phentsize > elf.size() - at) break;
    uint32_t type = static_cast<uint32_t>(ReadUint(elf, at, 4, be));
    if (type != 1) continue;  // PT_LOAD
    Segment s;
    if (is64) {
      s.offset = ReadUint(elf, at + 8, 8, be);
      s.vaddr = ReadUint(elf, at + 16, 8, be);
      s.filesz = ReadUint(elf, at + 32, 8, be);
    } else {
      s.offset = ReadUint(elf, at + 4, 4, be);
      s.vaddr = ReadUint(elf, at + 8, 4, be);
      s.filesz = ReadUint(elf, at + 16, 4, be);
    }
    out.push_back(s);
  }
  return out;
}

bool MapAddr(const std::vector<Segment>& segs, uint64_t addr, uint64_t len, size_t file_size,
             uint64_t& off) {
  for (const auto& s : segs) {
    if (addr >= s.vaddr && addr - s.vaddr < s.filesz && len <= s.filesz - (addr - s.vaddr)) {
      if (s.offset > file_size || addr - s.vaddr > file_size - s.offset) return false;
      off = s.offset + (addr - s.vaddr);
      return len <= file_size - off;
    }
  }
  return false;
}

// A Go string header (data pointer, length) at virtual address `addr`.
Result<std::string> ReadGoString(std::string_view elf, const std::vector<Segment>& segs,
                                 uint64_t addr, int ptr, bool be) {
  uint64_t off;
  if (!MapAddr(segs, addr, 2 * ptr, elf.size(), off)) return InvalidArgument("bad string header address");
  uint64_t data = ReadUint(elf, off, ptr, be);
  uint64_t len = ReadUint(elf, off + ptr, ptr, be);
  if (len == 0) return std::string();
  if (len > kMaxString) return InvalidArgument("string too long");
  uint64_t doff;
  if (!MapAddr(segs, data, len, elf.size(), doff)) return InvalidArgument("bad string address");
  return std::string(elf.substr(doff, len));
}

bool ReadVarintString(std::string_view b, size_t& pos, std::string& out) {
  uint64_t len = 0;
  int shift = 0;
  while (true) {
    if (pos >= b.size() || shift > 63) return false;
    uint8_t c = static_cast<uint8_t>(b[pos++]);
    len |= static_cast<uint64_t>(c & 0x7f) << shift;
    if (!(c & 0x80)) break;
    shift += 7;
  }
  if (len > kMaxString || len > b.size() - pos) return false;
  out.assign(b.substr(pos, len));
  pos += len;
  return true;
}

std::string StripSentinels(std::string s) {
  // modinfo is wrapped in 16-byte markers; the text itself ends in "\n".
  if (s.size() >= 33 && s[s.size() - 17] == '\n') return s.substr(16, s.size() - 32);
  return s;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (true) {
    size_t j = line.find('\t', i);
    out.push_back(line.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

class GoAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "go-binary"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    return (f.mode & 0111) != 0 && f.size >= 1024 && f.size <= kMaxBinaryBytes;
  }
  Result<Findings> Analyze(const FileMeta&, FileContent& content) const override {
    Findings out;
    // Look at the first page first: most executables are not ELF, or are ELF without the Go
    // build-id note, and their bytes need not be buffered.
    std::string data;
    data.reserve(std::min<uint64_t>(content.size_hint(), kMaxBinaryBytes) + 1);
    data.resize(kHead);
    size_t have = 0;
    while (have < kHead) {
      ASSIGN_OR_RETURN(size_t n, content.Read(data.data() + have, kHead - have));
      if (n == 0) break;
      have += n;
    }
    data.resize(have);
    if (have < 64 || data.compare(0, 4, "\x7f" "ELF") != 0) return out;
    if (data.find(std::string_view("Go\0\0", 4)) == std::string::npos) return ScanWithoutNote(data, content);
    char buf[64 << 10];
    while (true) {
      ASSIGN_OR_RETURN(size_t n, content.Read(buf, sizeof buf));
      if (n == 0) break;
      if (data.size() + n > kMaxBinaryBytes) return ResourceExhausted("Go binary larger than the limit");
      data.append(buf, n);
    }
    auto info = ReadBuildInfo(data);
    if (!info.ok()) {
      if (info.status().code() == StatusCode::kNotFound) return out;
      return info.status();
    }
    out.packages = PackagesFromBuildInfo(*info);
    return out;
  }

 private:
  static constexpr size_t kHead = 8192;

  // An ELF without the Go note (e.g. built with an empty build id): stream through it looking for
  // inline (Go 1.18+) build info, keeping only a small window in memory.
  static Result<Findings> ScanWithoutNote(std::string window, FileContent& content) {
    Findings out;
    uint64_t base = 0;  // file offset of window[0]
    char buf[64 << 10];
    while (true) {
      size_t pos = 0;
      while ((pos = window.find(kMagic, pos)) != std::string::npos) {
        if ((base + pos) % 16 != 0) { ++pos; continue; }
        // Collect enough bytes after the magic for the inline strings (bounded).
        while (window.size() < pos + 32 + 2 * kMaxString / 16) {
          ASSIGN_OR_RETURN(size_t n, content.Read(buf, sizeof buf));
          if (n == 0) break;
          window.append(buf, n);
        }
        if (window.size() < pos + 32) return InvalidArgument("truncated Go build info");
        uint8_t flags = static_cast<uint8_t>(window[pos + 15]);
        if (!(flags & 2)) {
          out.warnings.push_back("pre-1.18 Go build info without a Go note; not read");
          return out;
        }
        // Rebuild a minimal ELF-looking buffer for the common parser.
        std::string fake = "\x7f" "ELF";
        fake.resize(16, '\0');
        fake += window.substr(pos);
        auto info = ReadBuildInfo(fake);
        if (!info.ok()) return info.status();
        out.packages = PackagesFromBuildInfo(*info);
        return out;
      }
      size_t keep = std::min<size_t>(window.size(), 16);
      base += window.size() - keep;
      window.erase(0, window.size() - keep);
      ASSIGN_OR_RETURN(size_t n, content.Read(buf, sizeof buf));
      if (n == 0) return out;
      window.append(buf, n);
    }
  }
};

}  // namespace

Result<BuildInfo> ReadBuildInfo(std::string_view elf) {
  if (elf.size() < 4 || elf.substr(0, 4) != "\x7f" "ELF") return NotFound("not an ELF file");
  size_t pos = 0;
  while (true) {
    pos = elf.find(kMagic, pos);
    if (pos == std::string_view::npos) return NotFound("no Go build info");
    if (pos % 16 == 0 && pos + 32 <= elf.size()) break;  // the section is 16-byte aligned
    ++pos;
  }
  int ptr = static_cast<uint8_t>(elf[pos + 14]);
  uint8_t flags = static_cast<uint8_t>(elf[pos + 15]);
  bool be = flags & 1;
  BuildInfo info;
  if (flags & 2) {
    size_t p = pos + 32;
    if (!ReadVarintString(elf, p, info.go_version) || !ReadVarintString(elf, p, info.modinfo))
      return InvalidArgument("truncated inline Go build info");
  } else {
    if (ptr != 4 && ptr != 8) return InvalidArgument("bad pointer size in Go build info");
    ASSIGN_OR_RETURN(auto segs, LoadSegments(elf));
    uint64_t vaddr = ReadUint(elf, pos + 16, ptr, be);
    uint64_t maddr = ReadUint(elf, pos + 16 + ptr, ptr, be);
    ASSIGN_OR_RETURN(info.go_version, ReadGoString(elf, segs, vaddr, ptr, be));
    ASSIGN_OR_RETURN(info.modinfo, ReadGoString(elf, segs, maddr, ptr, be));
  }
  if (info.go_version.rfind("go", 0) != 0) return InvalidArgument("bad Go version string");
  info.modinfo = StripSentinels(std::move(info.modinfo));
  return info;
}

std::vector<Package> PackagesFromBuildInfo(const BuildInfo& info) {
  std::vector<Package> out;
  auto make = [](std::string name, std::string version) {
    Package p;
    p.type = PackageType::kGo;
    p.name = std::move(name);
    p.version = std::move(version);
    return p;
  };
  std::string go = info.go_version.substr(2);
  // "go1.19.4 X:boringcrypto" → "1.19.4"
  go = go.substr(0, go.find_first_of(" \t"));
  out.push_back(make("stdlib", go));
  std::string_view m = info.modinfo;
  size_t i = 0;
  while (i < m.size()) {
    size_t j = m.find('\n', i);
    if (j == std::string_view::npos) j = m.size();
    auto f = SplitTabs(m.substr(i, j - i));
    i = j + 1;
    if (f.empty()) continue;
    if ((f[0] == "mod" || f[0] == "dep") && f.size() >= 3) {
      out.push_back(make(std::string(f[1]), std::string(f[2])));
    } else if (f[0] == "=>" && f.size() >= 2 && out.size() > 1) {
      Package& last = out.back();
      if (f.size() >= 3 && !f[2].empty()) {
        last.name = std::string(f[1]);
        last.version = std::string(f[2]);
      }
      // A local directory replacement has no version: keep the required module and version.
    }
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<GoAnalyzer>(); }

}  // namespace surveyor::analyze::golang
