#include "image/image.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "image/test_image.h"

namespace surveyor::image {
namespace {

using namespace testing;  // NOLINT

std::string ReadAll(ByteSource& s) {
  std::string out;
  char buf[4096];
  while (true) {
    auto r = s.Read(buf, sizeof buf);
    if (!r.ok() || *r == 0) break;
    out.append(buf, *r);
  }
  return out;
}

TEST(OciLayout, TagsAndLayers) {
  std::string dir = TempDir("layout");
  BuiltLayer l1 = GzipLayer({{"etc/a", "1"}});
  BuiltLayer l2 = ZstdLayer({{"etc/b", "2"}});
  std::string m1 = WriteImageBlobs(dir, {l1});
  std::string m2 = WriteImageBlobs(dir, {l1, l2});
  WriteLayoutIndex(dir, {{m1, "one", ""}, {m2, "two", ""}});
  auto imgs = OpenImage("oci:" + dir + ":two");
  ASSERT_TRUE(imgs.ok()) << imgs.status().ToString();
  ASSERT_EQ(imgs->size(), 1u);
  const ImageInfo& info = (*imgs)[0]->info();
  ASSERT_EQ(info.layers.size(), 2u);
  EXPECT_EQ(info.platform, "linux/amd64");
  EXPECT_EQ(info.layers[1].diff_id, ComputeDigest(l2.tar).ToString());
  EXPECT_EQ(info.layers[1].digest, ComputeDigest(l2.blob));
  auto blob = (*imgs)[0]->OpenLayer(1);
  ASSERT_TRUE(blob.ok());
  EXPECT_TRUE(ReadAll(**blob) == l2.blob);
  // Without a tag, a layout with two images is ambiguous; a missing tag is NotFound.
  EXPECT_EQ(OpenImage("oci:" + dir).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(OpenImage("oci:" + dir + ":three").status().code(), StatusCode::kNotFound);
  // By digest.
  auto by_digest = OpenImage("oci:" + dir + "@" + ComputeDigest(m1).ToString());
  ASSERT_TRUE(by_digest.ok()) << by_digest.status().ToString();
  EXPECT_EQ((*by_digest)[0]->info().layers.size(), 1u);
}

TEST(OciLayout, MultiArchIndexPicksPlatform) {
  std::string dir = TempDir("multiarch");
  std::string amd = WriteImageBlobs(dir, {GzipLayer({{"amd", "x"}})}, "amd64");
  std::string arm = WriteImageBlobs(dir, {GzipLayer({{"arm", "y"}}), GzipLayer({{"z", "z"}})}, "arm64");
  std::string idx = IndexJson({{amd, "", "amd64"}, {arm, "", "arm64"}}, /*nested=*/true);
  WriteFile(dir + "/blobs/sha256/" + ComputeDigest(idx).hex(), idx);
  WriteLayoutIndex(dir, {{idx, "latest", ""}});
  // The outer descriptor names an index: fix its media type.
  std::string top = IndexJson({{idx, "latest", ""}});
  auto pos = top.find("manifest.v1+json");
  top.replace(pos, std::string("manifest.v1+json").size(), "index.v1+json");
  WriteFile(dir + "/index.json", top);

  auto def = OpenImage("oci:" + dir + ":latest");
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  ASSERT_EQ(def->size(), 1u);
  EXPECT_EQ((*def)[0]->info().platform, "linux/amd64");
  OpenOptions arm_opt;
  arm_opt.platform = "linux/arm64";
  auto a = OpenImage("oci:" + dir + ":latest", arm_opt);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)[0]->info().layers.size(), 2u);
  OpenOptions all;
  all.platform = "all";
  auto both = OpenImage("oci:" + dir + ":latest", all);
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
  OpenOptions none;
  none.platform = "linux/s390x";
  EXPECT_EQ(OpenImage("oci:" + dir + ":latest", none).status().code(), StatusCode::kNotFound);
}

TEST(OciArchive, ReadInPlace) {
  std::string dir = TempDir("ociarchive");
  BuiltLayer l1 = GzipLayer({{"etc/a", "1"}});
  std::string m = WriteImageBlobs(dir + "/tree", {l1});
  WriteLayoutIndex(dir + "/tree", {{m, "v1", ""}});
  TarDirectory(dir + "/tree", dir + "/img.tar");
  auto imgs = OpenImage("oci-archive:" + dir + "/img.tar:v1");
  ASSERT_TRUE(imgs.ok()) << imgs.status().ToString();
  auto blob = (*imgs)[0]->OpenLayer(0);
  ASSERT_TRUE(blob.ok());
  EXPECT_TRUE(ReadAll(**blob) == l1.blob);
  // Auto-detected without the prefix too.
  EXPECT_TRUE(OpenImage(dir + "/img.tar").ok());
}

TEST(DockerArchive, ManifestJsonAndLayerTars) {
  std::string dir = TempDir("dockerarchive");
  std::string tar1 = BuildTar({{"etc/a", "1"}});
  std::string tar2 = BuildTar({{"etc/b", "2"}});
  OrderedJson config = {{"architecture", "amd64"}, {"os", "linux"},
                        {"rootfs", {{"type", "layers"},
                                    {"diff_ids", {ComputeDigest(tar1).ToString(), ComputeDigest(tar2).ToString()}}}}};
  std::string cfg = DumpJson(config);
  std::string manifest = R"([{"Config":"abc.json","RepoTags":["app:1.0"],"Layers":["l1/layer.tar","l2/layer.tar"]}])";
  WriteFile(dir + "/tree/abc.json", cfg);
  WriteFile(dir + "/tree/l1/layer.tar", tar1);
  WriteFile(dir + "/tree/l2/layer.tar", tar2);
  WriteFile(dir + "/tree/manifest.json", manifest);
  TarDirectory(dir + "/tree", dir + "/d.tar");
  auto imgs = OpenImage("docker-archive:" + dir + "/d.tar:app:1.0");
  ASSERT_TRUE(imgs.ok()) << imgs.status().ToString();
  const ImageInfo& info = (*imgs)[0]->info();
  ASSERT_EQ(info.layers.size(), 2u);
  EXPECT_EQ(info.layers[1].digest, ComputeDigest(tar2));
  auto blob = (*imgs)[0]->OpenLayer(1);
  ASSERT_TRUE(blob.ok());
  EXPECT_TRUE(ReadAll(**blob) == tar2);
  EXPECT_EQ(OpenImage("docker-archive:" + dir + "/d.tar:other:2").status().code(), StatusCode::kNotFound);
}

TEST(StoreInput, ReadsBlobsFromTheRegistryStore) {
  std::string dir = TempDir("store");
  std::string layout = dir + "/layout";
  BuiltLayer l1 = GzipLayer({{"etc/a", "1"}});
  std::string m = WriteImageBlobs(layout, {l1});
  // Move the layout's blobs into the store's fan-out layout: blobs/sha256/<2 hex>/<hex>.
  for (const auto& e : std::filesystem::directory_iterator(layout + "/blobs/sha256")) {
    std::string hex = e.path().filename().string();
    std::ifstream in(e.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    WriteFile(dir + "/store/blobs/sha256/" + hex.substr(0, 2) + "/" + hex, data);
  }
  auto imgs = OpenImage("store:" + dir + "/store@" + ComputeDigest(m).ToString());
  ASSERT_TRUE(imgs.ok()) << imgs.status().ToString();
  auto blob = (*imgs)[0]->OpenLayer(0);
  ASSERT_TRUE(blob.ok());
  EXPECT_TRUE(ReadAll(**blob) == l1.blob);
  EXPECT_EQ(OpenImage("store:" + dir + "/store").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenImage, BadInputs) {
  std::string dir = TempDir("bad");
  WriteFile(dir + "/junk.tar", std::string(2000, 'j'));
  EXPECT_EQ(OpenImage(dir + "/junk.tar").status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(OpenImage("oci:/nonexistent/dir").ok());
  // A manifest whose bytes do not match their digest.
  std::string m = WriteImageBlobs(dir + "/l", {GzipLayer({{"a", "b"}})});
  WriteLayoutIndex(dir + "/l", {{m, "t", ""}});
  WriteFile(dir + "/l/blobs/sha256/" + ComputeDigest(m).hex(), m + " ");
  EXPECT_EQ(OpenImage("oci:" + dir + "/l:t").status().code(), StatusCode::kDataLoss);
  // .invalid never resolves (RFC 2606): a transport error, not a crash or a hang.
  EXPECT_EQ(OpenImage("docker://example.invalid/x:1").status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace surveyor::image
