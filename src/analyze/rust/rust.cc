#include "analyze/rust/rust.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "analyze/toml_lite.h"
#include "common/json.h"

namespace surveyor::analyze::rust {
namespace {

constexpr std::string_view kSectionName = ".dep-v0";

// Reads an unsigned integer of `n` bytes at `off` in the ELF's byte order.
uint64_t ReadUint(std::string_view b, size_t off, size_t n, bool big) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t byte = static_cast<uint8_t>(b[off + (big ? i : n - 1 - i)]);
    v = (v << 8) | byte;
  }
  return v;
}

bool InRange(uint64_t off, uint64_t len, size_t size) { return off <= size && len <= size - off; }

class CargoAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "cargo"; }
  // 2: also cargo-auditable binaries.
  int version() const override { return 2; }
  bool Required(const FileMeta& f) const override {
    if (BaseName(f.path) == "Cargo.lock") return true;
    return (f.mode & 0111) != 0 && f.size >= 1024 && f.size <= kMaxAuditableBinaryBytes;
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    Findings out;
    if (BaseName(f.path) == "Cargo.lock") {
      ASSIGN_OR_RETURN(std::string text, content.ReadAll(32 << 20));
      ASSIGN_OR_RETURN(out.packages, ParseCargoLock(text));
      return out;
    }
    // One buffer, read in place: most executables are not ELF (scripts) and stop after 4 bytes.
    std::string elf(4, '\0');
    size_t have = 0;
    while (have < 4) {
      ASSIGN_OR_RETURN(size_t n, content.Read(elf.data() + have, 4 - have));
      if (n == 0) break;
      have += n;
    }
    if (have < 4 || elf.compare(0, 4, "\x7f" "ELF") != 0) return out;  // not ELF: nothing to do
    elf.resize(std::min<uint64_t>(std::max<uint64_t>(content.size_hint(), 4), kMaxAuditableBinaryBytes));
    while (true) {
      if (have == elf.size()) {
        if (elf.size() >= kMaxAuditableBinaryBytes) {
          char probe;
          ASSIGN_OR_RETURN(size_t extra, content.Read(&probe, 1));
          if (extra != 0) return ResourceExhausted("executable larger than " + std::to_string(kMaxAuditableBinaryBytes) + " bytes");
          break;
        }
        elf.resize(std::min<uint64_t>(elf.size() * 2, kMaxAuditableBinaryBytes));
      }
      ASSIGN_OR_RETURN(size_t n, content.Read(elf.data() + have, elf.size() - have));
      if (n == 0) break;
      have += n;
    }
    elf.resize(have);
    auto section = FindDepV0Section(elf);
    if (!section.ok()) {
      if (section.status().code() == StatusCode::kNotFound) return out;  // not built with auditable
      return section.status();
    }
    ASSIGN_OR_RETURN(out.packages, ParseAuditableSection(*section));
    return out;
  }
};

}  // namespace

Result<std::vector<Package>> ParseCargoLock(std::string_view text) {
  ASSIGN_OR_RETURN(auto tables, ReadTomlArrayTables(text, "package"));
  std::vector<Package> out;
  for (auto& t : tables) {
    if (t["name"].empty() || t["version"].empty() || t["source"].empty()) continue;
    Package p;
    p.type = PackageType::kCargo;
    p.name = t["name"];
    p.version = t["version"];
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string_view> FindDepV0Section(std::string_view b) {
  if (b.size() < 16 || b.substr(0, 4) != "\x7f" "ELF") return InvalidArgument("not an ELF file");
  const uint8_t cls = static_cast<uint8_t>(b[4]);
  const uint8_t data = static_cast<uint8_t>(b[5]);
  if (cls != 1 && cls != 2) return InvalidArgument("unknown ELF class " + std::to_string(cls));
  if (data != 1 && data != 2) return InvalidArgument("unknown ELF byte order " + std::to_string(data));
  const bool is64 = cls == 2;
  const bool big = data == 2;
  const size_t ehsize = is64 ? 64 : 52;
  if (b.size() < ehsize) return InvalidArgument("truncated ELF header");
  const uint64_t shoff = is64 ? ReadUint(b, 40, 8, big) : ReadUint(b, 32, 4, big);
  const uint64_t shentsize = ReadUint(b, is64 ? 58 : 46, 2, big);
  uint64_t shnum = ReadUint(b, is64 ? 60 : 48, 2, big);
  uint64_t shstrndx = ReadUint(b, is64 ? 62 : 50, 2, big);
  const uint64_t min_entsize = is64 ? 64 : 40;
  if (shoff == 0) return NotFound("ELF file has no section headers");
  if (shentsize < min_entsize) return InvalidArgument("ELF section header entries too small");
  if (!InRange(shoff, shentsize, b.size())) return InvalidArgument("ELF section headers outside the file");
  // Section 0 holds the real count and string table index when they overflow 16 bits.
  if (shnum == 0) shnum = is64 ? ReadUint(b, shoff + 32, 8, big) : ReadUint(b, shoff + 20, 4, big);
  if (shstrndx == 0xffff) shstrndx = ReadUint(b, shoff + (is64 ? 44 : 28), 4, big);
  if (shnum == 0 || shnum > (b.size() - shoff) / shentsize)
    return InvalidArgument("ELF section header count does not fit the file");
  if (shstrndx >= shnum) return InvalidArgument("ELF section name table index out of range");
  struct Sh {
    uint64_t name, type, offset, size;
  };
  auto header = [&](uint64_t i) {
    const size_t h = shoff + i * shentsize;
    Sh s;
    s.name = ReadUint(b, h, 4, big);
    s.type = ReadUint(b, h + 4, 4, big);
    s.offset = is64 ? ReadUint(b, h + 24, 8, big) : ReadUint(b, h + 16, 4, big);
    s.size = is64 ? ReadUint(b, h + 32, 8, big) : ReadUint(b, h + 20, 4, big);
    return s;
  };
  const Sh strtab = header(shstrndx);
  if (!InRange(strtab.offset, strtab.size, b.size())) return InvalidArgument("ELF section name table outside the file");
  const std::string_view names = b.substr(strtab.offset, strtab.size);
  for (uint64_t i = 1; i < shnum; ++i) {
    const Sh s = header(i);
    if (s.name >= names.size()) continue;
    std::string_view n = names.substr(s.name);
    n = n.substr(0, n.find('\0'));
    if (n != kSectionName) continue;
    if (s.type == 8) return InvalidArgument(".dep-v0 section has no content (NOBITS)");
    if (!InRange(s.offset, s.size, b.size())) return InvalidArgument(".dep-v0 section outside the file");
    return b.substr(s.offset, s.size);
  }
  return NotFound("no .dep-v0 section");
}

Result<std::vector<Package>> ParseAuditableSection(std::string_view compressed) {
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (inflateInit(&z) != Z_OK) return Internal("zlib initialisation failed");
  std::string json;
  char buf[64 << 10];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(std::min<size_t>(compressed.size(), UINT32_MAX));
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return InvalidArgument(std::string(".dep-v0 is not valid zlib data") + (z.msg ? std::string(": ") + z.msg : ""));
    }
    const size_t got = sizeof buf - z.avail_out;
    if (json.size() + got > kMaxAuditableJsonBytes) {
      inflateEnd(&z);
      return ResourceExhausted(".dep-v0 inflates to more than " + std::to_string(kMaxAuditableJsonBytes) + " bytes");
    }
    json.append(buf, got);
    if (rc == Z_OK && got == 0 && z.avail_in == 0) {
      inflateEnd(&z);
      return InvalidArgument(".dep-v0 zlib data is truncated");
    }
  }
  inflateEnd(&z);
  return ParseAuditableJson(json);
}

Result<std::vector<Package>> ParseAuditableJson(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument(".dep-v0 JSON is not an object");
  const Json* packages = GetArray(doc, "packages");
  if (!packages) return InvalidArgument(".dep-v0 JSON has no \"packages\" array");
  if (packages->size() > kMaxAuditablePackages)
    return ResourceExhausted(".dep-v0 lists more than " + std::to_string(kMaxAuditablePackages) + " packages");
  std::vector<Package> out;
  for (size_t i = 0; i < packages->size(); ++i) {
    const Json& p = (*packages)[i];
    const std::string where = ".dep-v0 package " + std::to_string(i);
    if (!p.is_object()) return InvalidArgument(where + " is not an object");
    auto name = GetString(p, "name");
    auto version = GetString(p, "version");
    auto source = GetString(p, "source");
    if (!name || name->empty() || !version || version->empty())
      return InvalidArgument(where + " lacks a name or version");
    if (!source) return InvalidArgument(where + " (" + *name + ") lacks a source");
    std::string kind = "runtime";
    if (p.contains("kind")) {
      auto k = GetString(p, "kind");
      if (!k || (*k != "runtime" && *k != "build"))
        return InvalidArgument(where + " (" + *name + ") has kind that is neither runtime nor build");
      kind = *k;
    }
    if (p.contains("dependencies")) {
      const Json* deps = GetArray(p, "dependencies");
      if (!deps) return InvalidArgument(where + " (" + *name + "): dependencies is not an array");
      for (const auto& d : *deps) {
        if (!d.is_number_unsigned() || d.get<uint64_t>() >= packages->size())
          return InvalidArgument(where + " (" + *name + ") depends on a package index not in the list");
      }
    }
    if (p.contains("root") && !p["root"].is_boolean())
      return InvalidArgument(where + " (" + *name + "): root is not a boolean");
    if (*source == "local" || kind == "build") continue;
    Package pkg;
    pkg.type = PackageType::kCargo;
    pkg.name = *name;
    pkg.version = *version;
    out.push_back(std::move(pkg));
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<CargoAnalyzer>(); }

}  // namespace surveyor::analyze::rust
