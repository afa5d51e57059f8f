#include "analyze/image_analysis.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "analyze/builtin.h"
#include "image/test_image.h"

namespace surveyor::analyze {
namespace {

using namespace image::testing;  // NOLINT

// A counting in-memory cache.
class MemoryCache final : public LayerCache {
 public:
  Result<std::optional<std::string>> Get(std::string_view key) override {
    ++gets;
    auto it = m.find(std::string(key));
    if (it == m.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Status Put(std::string_view key, std::string_view value) override {
    ++puts;
    m[std::string(key)] = std::string(value);
    return Status::Ok();
  }
  std::map<std::string, std::string> m;
  int gets = 0, puts = 0;
};

class VersionedFake final : public Analyzer {
 public:
  explicit VersionedFake(int v) : v_(v) {}
  std::string_view name() const override { return "txt"; }
  int version() const override { return v_; }
  bool Required(const FileMeta& f) const override { return EndsWith(f.path, ".pkg"); }
  Result<Findings> Analyze(const FileMeta& f, FileContent& c) const override {
    ASSIGN_OR_RETURN(std::string text, c.ReadAll(100));
    Findings out;
    Package p;
    p.type = PackageType::kGem;
    p.name = std::string(BaseName(f.path));
    p.version = text + (v_ > 1 ? "-v2" : "");
    out.packages.push_back(p);
    return out;
  }

 private:
  int v_;
};

const char* kStatus = "Package: libc6\nStatus: install ok installed\nVersion: 2.36-9\nSource: glibc\nArchitecture: amd64\n";

struct Images {
  std::string dir;
  BuiltLayer base, app, extra;
  Images() {
    dir = TempDir("analysis");
    base = GzipLayer({{"etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n"},
                      {"var/lib/dpkg/status", kStatus},
                      {"gems/a.pkg", "1"}});
    app = ZstdLayer({{"app/package-lock.json",
                      R"({"lockfileVersion":3,"packages":{"":{},"node_modules/lodash":{"version":"4.17.20"}}})"},
                     {"gems/.wh.a.pkg", ""}});
    extra = GzipLayer({{"gems/b.pkg", "2"}});
    std::string m1 = WriteImageBlobs(dir, {base, app});
    std::string m2 = WriteImageBlobs(dir, {base, extra});
    WriteLayoutIndex(dir, {{m1, "app", ""}, {m2, "extra", ""}});
  }
  std::unique_ptr<image::ImageSource> Open(const std::string& tag) {
    auto r = image::OpenImage("oci:" + dir + ":" + tag);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return std::move((*r)[0]);
  }
};

std::vector<std::string> Ids(const Inventory& inv) {
  std::vector<std::string> out;
  for (const auto& p : inv.packages) out.push_back(p.ecosystem + " " + p.name + "@" + p.version);
  return out;
}

TEST(AnalyzeImage, EndToEndOnABuiltImage) {
  Images imgs;
  auto owned = BuiltinAnalyzers();
  VersionedFake fake(1);
  std::vector<const Analyzer*> list;
  for (auto& a : owned) list.push_back(a.get());
  list.push_back(&fake);
  auto img = imgs.Open("app");
  auto r = AnalyzeImage(*img, list, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(r->inventory), (std::vector<std::string>{"Debian:12 libc6@2.36-9", "npm lodash@4.17.20"}));
  const Package& libc = r->inventory.packages[0];
  EXPECT_EQ(libc.source_name, "glibc");
  EXPECT_EQ(libc.layer_digest, ComputeDigest(imgs.base.blob).ToString());
  EXPECT_EQ(r->inventory.packages[1].layer_digest, ComputeDigest(imgs.app.blob).ToString());
  EXPECT_EQ(r->inventory.packages[1].path, "app/package-lock.json");
}

TEST(AnalyzeImage, SharedBaseIsAnalysedOnceAndVersionBumpsInvalidateOnlyTheirs) {
  Images imgs;
  MemoryCache cache;
  VersionedFake v1(1), v2(2);
  auto dpkg = BuiltinAnalyzers();
  std::vector<const Analyzer*> list{dpkg[0].get(), dpkg[1].get(), &v1};
  auto app = imgs.Open("app");
  auto r1 = AnalyzeImage(*app, list, &cache);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_TRUE(r1->layers[0].walked && r1->layers[1].walked);

  auto extra = imgs.Open("extra");
  auto r2 = AnalyzeImage(*extra, list, &cache);
  ASSERT_TRUE(r2.ok());
  EXPECT_FALSE(r2->layers[0].walked) << "shared base layer must come from the cache";
  EXPECT_TRUE(r2->layers[1].walked);
  EXPECT_EQ(Ids(r2->inventory),
            (std::vector<std::string>{"Debian:12 libc6@2.36-9", "RubyGems a.pkg@1", "RubyGems b.pkg@2"}));

  // Bump the fake analyzer: only it runs again on the base; dpkg and os-release stay cached.
  std::vector<const Analyzer*> bumped{dpkg[0].get(), dpkg[1].get(), &v2};
  auto r3 = AnalyzeImage(*extra, bumped, &cache);
  ASSERT_TRUE(r3.ok());
  EXPECT_TRUE(r3->layers[0].walked);
  EXPECT_EQ(r3->layers[0].analyzers, std::vector<std::string>{"txt@2"});
  EXPECT_EQ(Ids(r3->inventory),
            (std::vector<std::string>{"Debian:12 libc6@2.36-9", "RubyGems a.pkg@1-v2", "RubyGems b.pkg@2-v2"}));
}

TEST(AnalyzeImage, DirectoryCacheRoundTrip) {
  Images imgs;
  std::string cdir = TempDir("cache");
  DirectoryLayerCache cache(cdir);
  auto owned = BuiltinAnalyzers();
  std::vector<const Analyzer*> list;
  for (auto& a : owned) list.push_back(a.get());
  auto img = imgs.Open("app");
  auto cold = AnalyzeImage(*img, list, &cache);
  ASSERT_TRUE(cold.ok());
  auto warm = AnalyzeImage(*img, list, &cache);
  ASSERT_TRUE(warm.ok());
  for (const auto& l : warm->layers) EXPECT_FALSE(l.walked);
  ASSERT_EQ(Ids(warm->inventory), Ids(cold->inventory));
  for (size_t i = 0; i < warm->inventory.packages.size(); ++i) {
    EXPECT_EQ(warm->inventory.packages[i].purl, cold->inventory.packages[i].purl);
    EXPECT_EQ(warm->inventory.packages[i].analyzer, cold->inventory.packages[i].analyzer);
  }
  // A corrupt entry is a miss, not a failure.
  for (const auto& e : std::filesystem::directory_iterator(cdir)) WriteFile(e.path().string(), "garbage");
  auto again = AnalyzeImage(*img, list, &cache);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Ids(again->inventory), Ids(cold->inventory));
}

TEST(AnalyzeImage, ForgedDiffIdIsRejected) {
  std::string dir = TempDir("forged");
  BuiltLayer l = GzipLayer({{"etc/a", "1"}});
  std::string m = WriteImageBlobs(dir, {l}, "amd64", {ComputeDigest("something else").ToString()});
  WriteLayoutIndex(dir, {{m, "t", ""}});
  auto imgs = image::OpenImage("oci:" + dir + ":t");
  ASSERT_TRUE(imgs.ok());
  auto owned = BuiltinAnalyzers();
  std::vector<const Analyzer*> list{owned[0].get()};
  MemoryCache cache;
  auto r = AnalyzeImage(*(*imgs)[0], list, &cache);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(cache.puts, 0);
}

TEST(AnalyzeImage, CorruptLayerNamesTheLayer) {
  std::string dir = TempDir("corrupt");
  BuiltLayer l = GzipLayer({{"etc/a", std::string(100000, 'x')}});
  l.blob.resize(l.blob.size() / 2);
  std::string m = WriteImageBlobs(dir, {l});
  WriteLayoutIndex(dir, {{m, "t", ""}});
  auto imgs = image::OpenImage("oci:" + dir + ":t");
  ASSERT_TRUE(imgs.ok());
  auto owned = BuiltinAnalyzers();
  std::vector<const Analyzer*> list{owned[0].get()};
  auto r = AnalyzeImage(*(*imgs)[0], list, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("layer 1"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace surveyor::analyze
