#include "analyze/walker.h"

#include <gtest/gtest.h>

#include "analyze/builtin.h"
#include "analyze/inventory.h"
#include "image/byte_source.h"
#include "image/decompress.h"
#include "image/test_tar.h"

namespace surveyor::analyze {
namespace {

using image::testing::BuildTar;
using image::testing::TarSpec;

// Reports one npm package per "*.fake" file whose content is "name version".
class FakeAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "fake"; }
  int version() const override { return 3; }
  bool Required(const FileMeta& f) const override { return EndsWith(f.path, ".fake"); }
  Result<Findings> Analyze(const FileMeta&, FileContent& c) const override {
    ASSIGN_OR_RETURN(std::string text, c.ReadAll(1024));
    size_t sp = text.find(' ');
    if (sp == std::string::npos) return InvalidArgument("bad fake file");
    Findings f;
    Package p;
    p.type = PackageType::kNpm;
    p.name = text.substr(0, sp);
    p.version = text.substr(sp + 1);
    f.packages.push_back(p);
    return f;
  }
};

struct Fixture {
  std::vector<std::unique_ptr<Analyzer>> owned;
  std::vector<const Analyzer*> list;
  Fixture() {
    owned = BuiltinAnalyzers();
    owned.push_back(std::make_unique<FakeAnalyzer>());
    for (auto& a : owned) list.push_back(a.get());
  }
};

LayerAnalysis Walk(const std::vector<TarSpec>& specs, const Fixture& fx) {
  std::string tar = BuildTar(specs);
  image::MemorySource src(tar);
  auto r = WalkLayer(src, fx.list);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : LayerAnalysis{};
}

std::vector<std::string> Names(const Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.packages) out.push_back(p.name + "@" + p.version);
  return out;
}

const char* kStatus =
    "Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n"
    "Package: node-foo\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: all\n";

TEST(Walker, OsPackagesOwnershipAndSymlinkedOsRelease) {
  Fixture fx;
  LayerAnalysis l1 = Walk({{"usr/lib/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                           {"etc/os-release", "../usr/lib/os-release", 'l'},
                           {"var/lib/dpkg/status", kStatus},
                           {"var/lib/dpkg/info/node-foo.list", "/.\n/usr/share/nodejs/foo/x.fake\n"},
                           {"usr/share/nodejs/foo/x.fake", "foo 1.0.0"},
                           {"app/y.fake", "bar 2.0.0"}},
                          fx);
  EXPECT_EQ(l1.symlinks.size(), 1u);
  Inventory inv = AssembleInventory({{"sha256:l1", "sha256:d1", &l1}});
  EXPECT_EQ(inv.os.id, "debian");
  EXPECT_EQ(inv.os.version_id, "12");
  // foo is owned by node-foo and therefore reported only as the OS package.
  EXPECT_EQ(Names(inv), (std::vector<std::string>{"base-files@12.4", "node-foo@1.0-1", "bar@2.0.0"}));
  EXPECT_EQ(inv.dropped_owned, 1u);
  EXPECT_EQ(inv.packages[0].ecosystem, "Debian:12");
  EXPECT_EQ(inv.packages[0].analyzer, "dpkg@1");
  EXPECT_EQ(inv.packages[0].layer_digest, "sha256:l1");
  EXPECT_EQ(inv.packages[2].analyzer, "fake@3");
  EXPECT_EQ(inv.packages[2].path, "app/y.fake");
}

TEST(Walker, WhiteoutsOpaqueDirsAndReplacement) {
  Fixture fx;
  LayerAnalysis l1 = Walk({{"a/one.fake", "one 1"},
                           {"b/two.fake", "two 1"},
                           {"b/sub/three.fake", "three 1"},
                           {"c/four.fake", "four 1"},
                           {"d/five.fake", "five 1"}},
                          fx);
  LayerAnalysis l2 = Walk({{"a/.wh.one.fake", ""},
                           {"b/.wh..wh..opq", ""},
                           {"b/new.fake", "new 1"},
                           {".wh.c", ""},
                           {"d/five.fake", "five 2"}},
                          fx);
  Inventory inv = AssembleInventory({{"sha256:l1", "", &l1}, {"sha256:l2", "", &l2}});
  EXPECT_EQ(Names(inv), (std::vector<std::string>{"five@2", "new@1"}));
  for (const auto& p : inv.packages) EXPECT_EQ(p.layer_digest, "sha256:l2");
}

TEST(Walker, HardLinksShareFindingsAndUnsafePathsWarn) {
  Fixture fx;
  LayerAnalysis l1 = Walk({{"x/a.fake", "a 1"},
                           {"y/b.fake", "x/a.fake", 'h'},
                           {"../../escape.fake", "evil 1"},
                           {"/abs/ok.fake", "abs 1"}},
                          fx);
  Inventory inv = AssembleInventory({{"sha256:l1", "", &l1}});
  EXPECT_EQ(Names(inv), (std::vector<std::string>{"a@1", "a@1", "abs@1"}));
  EXPECT_EQ(inv.packages[2].path, "abs/ok.fake");
  ASSERT_FALSE(inv.warnings.empty());
  EXPECT_NE(inv.warnings[0].find("unsafe path"), std::string::npos);
}

TEST(Walker, AnalyzerErrorsBecomeWarnings) {
  Fixture fx;
  LayerAnalysis l1 = Walk({{"var/lib/dpkg/status", "garbage without colon\n"},
                           {"bad.fake", "nospace"},
                           {"big.fake", std::string(5000, 'x')},
                           {"good.fake", "good 1"}},
                          fx);
  EXPECT_EQ(l1.warnings.size(), 3u);
  Inventory inv = AssembleInventory({{"sha256:l1", "", &l1}});
  EXPECT_EQ(Names(inv), (std::vector<std::string>{"good@1"}));
}

TEST(Walker, NodeModulesCoveredByTheLockfileAreReportedOnce) {
  Fixture fx;
  LayerAnalysis l1 = Walk(
      {{"app/package-lock.json",
        R"({"lockfileVersion":3,"packages":{"":{},"node_modules/a":{"version":"1.0.0","dev":true}}})"},
       {"app/node_modules/a/package.json", R"({"name":"a","version":"1.0.0"})"},
       {"app/node_modules/b/package.json", R"({"name":"b","version":"2.0.0"})"},
       {"other/node_modules/a/package.json", R"({"name":"a","version":"1.0.0"})"}},
      fx);
  Inventory inv = AssembleInventory({{"sha256:l1", "", &l1}});
  std::vector<std::string> got;
  for (const auto& p : inv.packages) got.push_back(p.name + " " + p.path + (p.dev ? " dev" : ""));
  EXPECT_EQ(got, (std::vector<std::string>{"a app/package-lock.json dev",
                                           "a other/node_modules/a/package.json",
                                           "b app/node_modules/b/package.json"}));
  EXPECT_EQ(inv.dropped_duplicates, 1u);
}

TEST(Walker, SymlinkLoopsTerminate) {
  std::map<std::string, std::string> links = {{"a", "b"}, {"b", "a"}, {"lib", "usr/lib"}};
  std::string p = "a/x";
  EXPECT_FALSE(CanonicalizePath(links, p));
  std::string q = "lib/python3/x";
  EXPECT_TRUE(CanonicalizePath(links, q));
  EXPECT_EQ(q, "usr/lib/python3/x");
}

TEST(Walker, ManyTinyFiles) {
  Fixture fx;
  std::vector<TarSpec> specs;
  for (int i = 0; i < 20000; ++i) specs.push_back({"d/f" + std::to_string(i), "x"});
  LayerAnalysis l = Walk(specs, fx);
  EXPECT_EQ(l.entries, 20000u);
}

TEST(Walker, TruncatedLayerFailsWithDataLoss) {
  Fixture fx;
  std::string tar = BuildTar({{"a.fake", std::string(10000, 'a')}, {"b.fake", "b 1"}});
  std::string gz = image::testing::Gzip(tar);
  gz.resize(gz.size() / 2);
  auto src = image::OpenAutoDecompressor(std::make_unique<image::MemorySource>(gz));
  ASSERT_TRUE(src.ok());
  auto r = WalkLayer(**src, fx.list);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
}

}  // namespace
}  // namespace surveyor::analyze
