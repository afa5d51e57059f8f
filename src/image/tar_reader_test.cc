#include "image/tar_reader.h"

#include <gtest/gtest.h>

#include "image/decompress.h"
#include "image/test_tar.h"

namespace surveyor::image {
namespace {

using testing::BuildTar;
using testing::TarFormat;
using testing::TarSpec;

struct NormCase {
  const char* raw;
  const char* want;  // nullptr = escapes the root
};

TEST(NormalizeTarPath, Table) {
  const NormCase cases[] = {
      {"./usr/bin/x", "usr/bin/x"}, {"/etc/passwd", "etc/passwd"}, {"a//b/./c/", "a/b/c"},
      {"a/../b", "b"},              {"../etc/passwd", nullptr},    {"a/../../b", nullptr},
      {"./", ""},                   {"/", ""},
  };
  for (const auto& c : cases) {
    auto got = NormalizeTarPath(c.raw);
    if (c.want == nullptr) {
      EXPECT_FALSE(got.has_value()) << c.raw;
    } else {
      ASSERT_TRUE(got.has_value()) << c.raw;
      EXPECT_EQ(*got, c.want) << c.raw;
    }
  }
}

TEST(ResolveLinkTarget, StaysInsideRoot) {
  EXPECT_EQ(ResolveLinkTarget("etc/os-release", "../usr/lib/os-release"), "usr/lib/os-release");
  EXPECT_EQ(ResolveLinkTarget("lib", "usr/lib"), "usr/lib");
  EXPECT_EQ(ResolveLinkTarget("a/b/c", "/x/y"), "x/y");
  EXPECT_EQ(ResolveLinkTarget("a/b", "../../../../etc/shadow"), "etc/shadow");
}

std::vector<TarEntry> ReadAllEntries(const std::string& tar, Status* err) {
  MemorySource src(tar);
  TarReader r(src);
  std::vector<TarEntry> out;
  while (true) {
    auto e = r.Next();
    if (!e.ok()) {
      *err = e.status();
      return out;
    }
    if (!*e) break;
    out.push_back(**e);
  }
  *err = Status::Ok();
  return out;
}

class Formats : public ::testing::TestWithParam<TarFormat> {};

TEST_P(Formats, LongNamesLinksAndData) {
  std::string long_name = "opt/" + std::string(180, 'n') + "/" + std::string(120, 'm') + ".txt";
  std::string tar = BuildTar({{"etc/", "", 'd', 0755},
                              {"etc/hello", "hi there", 'f', 0644},
                              {long_name, "long", 'f', 0600},
                              {"etc/link", "../usr/lib/os-release", 'l'},
                              {"etc/hard", "etc/hello", 'h'}},
                             GetParam());
  MemorySource src(tar);
  TarReader r(src);
  std::vector<TarEntry> got;
  std::string hello;
  while (true) {
    auto e = r.Next();
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    if (!*e) break;
    if ((*e)->path == "etc/hello") {
      char buf[64];
      auto n = r.ReadData(buf, sizeof buf);
      ASSERT_TRUE(n.ok());
      hello.assign(buf, *n);
    }
    got.push_back(**e);
  }
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].type, EntryType::kDir);
  EXPECT_EQ(got[0].path, "etc");
  EXPECT_EQ(hello, "hi there");
  EXPECT_EQ(got[1].size, 8u);
  EXPECT_EQ(got[2].path, long_name);
  EXPECT_EQ(got[2].mode, 0600u);
  EXPECT_EQ(got[3].type, EntryType::kSymlink);
  EXPECT_EQ(got[3].link_target, "../usr/lib/os-release");
  EXPECT_EQ(got[4].type, EntryType::kHardlink);
  EXPECT_EQ(got[4].link_target, "etc/hello");
}

INSTANTIATE_TEST_SUITE_P(All, Formats, ::testing::Values(TarFormat::kPax, TarFormat::kGnu));

TEST(TarReader, UnsafePathsAreFlagged) {
  std::string tar = BuildTar({{"../../etc/evil", "x"}, {"ok", "y"}});
  Status err;
  auto entries = ReadAllEntries(tar, &err);
  ASSERT_TRUE(err.ok()) << err.ToString();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_TRUE(entries[0].unsafe_path);
  EXPECT_FALSE(entries[1].unsafe_path);
}

TEST(TarReader, TruncatedTarIsDataLoss) {
  std::string tar = BuildTar({{"a", std::string(5000, 'a')}, {"b", std::string(5000, 'b')}});
  tar.resize(3000);
  Status err;
  ReadAllEntries(tar, &err);
  EXPECT_EQ(err.code(), StatusCode::kDataLoss) << err.ToString();
}

TEST(TarReader, GarbageIsDataLoss) {
  std::string junk(4096, 'z');
  Status err;
  ReadAllEntries(junk, &err);
  EXPECT_EQ(err.code(), StatusCode::kDataLoss) << err.ToString();
}

TEST(TarReader, EmptyStreamIsEmptyLayer) {
  Status err;
  auto entries = ReadAllEntries("", &err);
  EXPECT_TRUE(err.ok()) << err.ToString();
  EXPECT_TRUE(entries.empty());
}

TEST(TarReader, ThroughGzip) {
  std::string tar = BuildTar({{"var/lib/dpkg/status", "Package: a\n"}});
  auto src = OpenAutoDecompressor(std::make_unique<MemorySource>(testing::Gzip(tar)));
  ASSERT_TRUE(src.ok());
  TarReader r(**src);
  auto e = r.Next();
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->path, "var/lib/dpkg/status");
}

}  // namespace
}  // namespace surveyor::image
