#include "analyze/rust/rust.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::rust {
namespace {

std::vector<std::string> Names(const std::vector<Package>& pkgs) {
  std::vector<std::string> got;
  for (auto& p : pkgs) got.push_back(p.name + "@" + p.version);
  return got;
}

std::string Deflate(const std::string& s) {
  uLongf n = compressBound(s.size());
  std::string out(n, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(s.data()), s.size()), Z_OK);
  out.resize(n);
  return out;
}

// By reading the fixture: 9 [[package]] tables, the workspace crate "app" has no source.
TEST(CargoLock, TrivyV3) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/rust/cargo/testdata/cargo_v3.lock");
  auto r = ParseCargoLock(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Names(*r), (std::vector<std::string>{"aho-corasick@0.7.20", "libc@0.2.140", "memchr@1.0.2",
                                                 "memchr@2.5.0", "regex@1.7.3", "regex-syntax@0.5.6",
                                                 "regex-syntax@0.6.29", "ucd-util@0.1.10"}));
}

TEST(CargoLock, Invalid) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/rust/cargo/testdata/cargo_invalid.lock");
  auto r = ParseCargoLock(text);
  EXPECT_TRUE(!r.ok() || r->empty());
  EXPECT_FALSE(ParseCargoLock("\x01\x02 binary junk\n").ok());
}

// testdata/hello-auditable.elf is a rustc-built executable with testdata/deps.json added as its
// .dep-v0 section (make_auditable_elf.sh). By reading deps.json: six crates; the root
// "hello-audit" is local and "cc" is a build dependency, so four remain, in list order.
const std::vector<std::string> kAuditableExpected = {"time@0.1.45", "libc@0.2.150", "smallvec@1.6.0",
                                                     "forked-util@0.3.0"};

TEST(Auditable, RealElf) {
  std::string elf = testing::Testdata("rust/testdata/hello-auditable.elf");
  ASSERT_EQ(elf.substr(0, 4), "\x7f" "ELF");
  auto section = FindDepV0Section(elf);
  ASSERT_TRUE(section.ok()) << section.status().ToString();
  auto pkgs = ParseAuditableSection(*section);
  ASSERT_TRUE(pkgs.ok()) << pkgs.status().ToString();
  EXPECT_EQ(Names(*pkgs), kAuditableExpected);
  for (auto& p : *pkgs) EXPECT_EQ(p.type, PackageType::kCargo);
}

TEST(Auditable, AnalyzerReadsExecutables) {
  std::string elf = testing::Testdata("rust/testdata/hello-auditable.elf");
  auto a = MakeAnalyzer();
  FileMeta meta{"usr/local/bin/hello", elf.size(), 0755};
  ASSERT_TRUE(a->Required(meta));
  EXPECT_FALSE(a->Required(FileMeta{"usr/local/bin/hello", elf.size(), 0644}));  // not executable
  EXPECT_FALSE(a->Required(FileMeta{"usr/local/bin/big", kMaxAuditableBinaryBytes + 1, 0755}));
  EXPECT_TRUE(a->Required(FileMeta{"src/Cargo.lock", 10, 0644}));
  StringContent content(elf);
  auto f = a->Analyze(meta, content);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(Names(f->packages), kAuditableExpected);
  // A script, and the same ELF with the section renamed: nothing found, no error.
  StringContent script("#!/bin/sh\necho hi\n");
  auto s = a->Analyze(meta, script);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->packages.empty());
  std::string renamed = elf;
  size_t at = renamed.find(".dep-v0");
  ASSERT_NE(at, std::string::npos);
  renamed[at + 6] = '9';
  EXPECT_EQ(FindDepV0Section(renamed).status().code(), StatusCode::kNotFound);
  StringContent plain(renamed);
  auto p = a->Analyze(meta, plain);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->packages.empty());
}

TEST(Auditable, BadElfHeaders) {
  std::string elf = testing::Testdata("rust/testdata/hello-auditable.elf");
  EXPECT_FALSE(FindDepV0Section("\x7f" "ELF").ok());
  EXPECT_FALSE(FindDepV0Section(elf.substr(0, 100)).ok());  // section headers cut off
  std::string bad = elf;
  bad[4] = 7;  // unknown class
  EXPECT_EQ(FindDepV0Section(bad).status().code(), StatusCode::kInvalidArgument);
  bad = elf;
  for (int i = 0; i < 8; ++i) bad[40 + i] = '\xff';  // e_shoff far outside the file
  EXPECT_EQ(FindDepV0Section(bad).status().code(), StatusCode::kInvalidArgument);
}

struct JsonCase {
  const char* json;
  bool ok;
  std::vector<std::string> want;
};

TEST(Auditable, JsonTable) {
  const JsonCase cases[] = {
      {R"({"packages":[]})", true, {}},
      {R"({"packages":[{"name":"a","version":"1.0.0","source":"crates.io"}]})", true, {"a@1.0.0"}},
      {R"({"packages":[{"name":"a","version":"1.0.0","source":"registry"},{"name":"b","version":"2.0.0","source":"crates.io","kind":"build"}]})",
       true, {"a@1.0.0"}},
      {R"({"packages":[{"name":"r","version":"0.1.0","source":"crates.io","root":true,"dependencies":[0]}]})", true, {"r@0.1.0"}},
      {R"({"format":1,"packages":[{"name":"a","version":"1","source":"local"}]})", true, {}},
      {R"([])", false, {}},
      {R"({"pkgs":[]})", false, {}},
      {R"({"packages":[{"name":"a","source":"crates.io"}]})", false, {}},                       // no version
      {R"({"packages":[{"name":"a","version":"1"}]})", false, {}},                              // no source
      {R"({"packages":[{"name":"a","version":"1","source":"crates.io","kind":"dev"}]})", false, {}},
      {R"({"packages":[{"name":"a","version":"1","source":"crates.io","dependencies":[1]}]})", false, {}},
      {R"({"packages":[{"name":"a","version":"1","source":"crates.io","dependencies":[-1]}]})", false, {}},
      {R"({"packages":[{"name":"a","version":"1","source":"crates.io","dependencies":{}}]})", false, {}},
      {R"({"packages":[{"name":"a","version":"1","source":"crates.io","root":"yes"}]})", false, {}},
      {R"({"packages":[7]})", false, {}},
  };
  for (const auto& c : cases) {
    auto r = ParseAuditableSection(Deflate(c.json));
    EXPECT_EQ(r.ok(), c.ok) << c.json << ": " << (r.ok() ? "" : r.status().ToString());
    if (r.ok()) {
      EXPECT_EQ(Names(*r), c.want) << c.json;
    }
  }
}

TEST(Auditable, CompressionLimits) {
  EXPECT_FALSE(ParseAuditableSection("not zlib at all").ok());
  std::string good = Deflate(R"({"packages":[]})");
  EXPECT_FALSE(ParseAuditableSection(good.substr(0, good.size() - 6)).ok());  // truncated
  // A bomb: 9 MiB of spaces inflate past the 8 MiB cap (and compress to a few KiB).
  std::string bomb = Deflate(std::string(9 << 20, ' '));
  ASSERT_LT(bomb.size(), 64u << 10);
  EXPECT_EQ(ParseAuditableSection(bomb).status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace surveyor::analyze::rust
