#include "analyze/golang/golang.h"

#include <gtest/gtest.h>

#include <cstring>

namespace surveyor::analyze::golang {
namespace {

const std::string kMagic("\xff Go buildinf:", 14);

std::string Varint(const std::string& s) {
  std::string out;
  uint64_t n = s.size();
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7f) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
  return out + s;
}

// 16 arbitrary bytes on each side, as the linker writes them.
std::string Wrap(const std::string& modinfo) {
  return std::string("0123456789abcdef") + modinfo + std::string("fedcba9876543210");
}

const std::string kModinfo =
    "path\texample.com/app\n"
    "mod\texample.com/app\t(devel)\t\n"
    "dep\tgithub.com/pkg/errors\tv0.9.1\th1:abc=\n"
    "dep\tgolang.org/x/text\tv0.3.0\th1:def=\n"
    "=>\tgolang.org/x/text\tv0.3.8\th1:ghi=\n"
    "dep\texample.com/local\tv1.0.0\n"
    "=>\t../local\t\t\n"
    "build\t-compiler=gc\n";

// A fake little-endian ELF with an inline (Go 1.18+) build info blob at a 16-aligned offset.
std::string InlineElf() {
  std::string elf = "\x7f" "ELF";
  elf.resize(64, '\0');
  elf[4] = 2;
  elf[5] = 1;
  elf.resize(4096, 'x');
  std::string blob = kMagic;
  blob += static_cast<char>(8);
  blob += static_cast<char>(2);
  blob.resize(32, '\0');
  blob += Varint("go1.21.5") + Varint(Wrap(kModinfo));
  return elf + blob + std::string(100, '\0');
}

void Put64(std::string& s, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) s[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void Put32(std::string& s, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[off + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}
void Put16(std::string& s, size_t off, uint16_t v) {
  s[off] = static_cast<char>(v & 0xff);
  s[off + 1] = static_cast<char>(v >> 8);
}

// A pre-1.18 layout: build info holds pointers to string headers, mapped by one PT_LOAD segment
// at vaddr 0x400000 covering the whole file.
std::string PointerElf() {
  std::string elf(8192, '\0');
  std::memcpy(elf.data(), "\x7f" "ELF", 4);
  elf[4] = 2;
  elf[5] = 1;
  Put64(elf, 32, 64);  // e_phoff
  Put16(elf, 54, 56);  // e_phentsize
  Put16(elf, 56, 1);   // e_phnum
  const uint64_t base = 0x400000;
  Put32(elf, 64, 1);                    // PT_LOAD
  Put64(elf, 64 + 8, 0);                // p_offset
  Put64(elf, 64 + 16, base);            // p_vaddr
  Put64(elf, 64 + 32, elf.size());      // p_filesz
  const std::string version = "go1.17.13";
  const std::string mod = Wrap("path\tex.com/old\nmod\tex.com/old\tv1.2.3\t\ndep\tgithub.com/a/b\tv0.1.0\t\n");
  size_t vstr = 1024, mstr = 2048, vhdr = 4000, mhdr = 4016, info = 4096;
  std::memcpy(elf.data() + vstr, version.data(), version.size());
  std::memcpy(elf.data() + mstr, mod.data(), mod.size());
  Put64(elf, vhdr, base + vstr);
  Put64(elf, vhdr + 8, version.size());
  Put64(elf, mhdr, base + mstr);
  Put64(elf, mhdr + 8, mod.size());
  std::memcpy(elf.data() + info, kMagic.data(), kMagic.size());
  elf[info + 14] = 8;
  elf[info + 15] = 0;
  Put64(elf, info + 16, base + vhdr);
  Put64(elf, info + 24, base + mhdr);
  return elf;
}

std::vector<std::string> Ids(const std::vector<Package>& ps) {
  std::vector<std::string> out;
  for (auto& p : ps) out.push_back(p.name + "@" + p.version);
  return out;
}

TEST(GoBuildInfo, InlineWithReplacements) {
  auto info = ReadBuildInfo(InlineElf());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->go_version, "go1.21.5");
  EXPECT_EQ(Ids(PackagesFromBuildInfo(*info)),
            (std::vector<std::string>{"stdlib@1.21.5", "example.com/app@(devel)",
                                      "github.com/pkg/errors@v0.9.1", "golang.org/x/text@v0.3.8",
                                      "example.com/local@v1.0.0"}));
}

TEST(GoBuildInfo, PointerFormat) {
  auto info = ReadBuildInfo(PointerElf());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(Ids(PackagesFromBuildInfo(*info)),
            (std::vector<std::string>{"stdlib@1.17.13", "ex.com/old@v1.2.3", "github.com/a/b@v0.1.0"}));
}

TEST(GoBuildInfo, NotGoAndCorrupt) {
  EXPECT_EQ(ReadBuildInfo("#!/bin/sh\n").status().code(), StatusCode::kNotFound);
  std::string elf = "\x7f" "ELF";
  elf.resize(8192, 'z');
  EXPECT_EQ(ReadBuildInfo(elf).status().code(), StatusCode::kNotFound);
  std::string bad = InlineElf();
  bad.resize(4096 + 34);  // cut inside the strings
  EXPECT_FALSE(ReadBuildInfo(bad).ok());
  std::string ptr = PointerElf();
  Put64(ptr, 4096 + 16, 0xdeadbeef);  // dangling pointer
  EXPECT_FALSE(ReadBuildInfo(ptr).ok());
}

TEST(GoBuildInfo, GopathBuildHasOnlyStdlib) {
  BuildInfo info{"go1.19.8", ""};
  EXPECT_EQ(Ids(PackagesFromBuildInfo(info)), std::vector<std::string>{"stdlib@1.19.8"});
}

}  // namespace
}  // namespace surveyor::analyze::golang
