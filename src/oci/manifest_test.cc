#include "oci/manifest.h"

#include <gtest/gtest.h>

namespace surveyor::oci {
namespace {

const std::string kD1 = "sha256:" + std::string(64, '1');
const std::string kD2 = "sha256:" + std::string(64, '2');

std::string Desc(std::string_view media_type, const std::string& digest, int size = 10) {
  return R"({"mediaType":")" + std::string(media_type) + R"(","digest":")" + digest +
         R"(","size":)" + std::to_string(size) + "}";
}

TEST(ManifestTest, ParsesOciImageManifest) {
  const std::string body = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciManifest) +
                           R"(","config":)" + Desc(kOciConfig, kD1) + R"(,"layers":[)" +
                           Desc(kOciLayerGzip, kD2, 99) + "]}";
  auto m = ParseManifest(body, kOciManifest);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->kind, ManifestKind::kOciManifest);
  ASSERT_EQ(m->layers.size(), 1u);
  EXPECT_EQ(m->layers[0].size, 99);
  EXPECT_EQ(m->layers[0].digest.ToString(), kD2);
  EXPECT_EQ(m->config->digest.ToString(), kD1);
  EXPECT_EQ(m->artifact_type, kOciConfig);
}

TEST(ManifestTest, ParsesIndexWithPlatformsAndSubject) {
  const std::string body = R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) +
                           R"(","manifests":[{"mediaType":")" + std::string(kOciManifest) +
                           R"(","digest":")" + kD1 +
                           R"(","size":5,"platform":{"architecture":"arm64","os":"linux","variant":"v8"}}],)"
                           R"("subject":)" + Desc(kOciManifest, kD2) +
                           R"(,"artifactType":"application/vnd.example+type"})";
  auto m = ParseManifest(body, "");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->kind, ManifestKind::kOciIndex);
  ASSERT_EQ(m->manifests.size(), 1u);
  EXPECT_EQ(m->manifests[0].platform->variant, "v8");
  ASSERT_TRUE(m->subject.has_value());
  EXPECT_EQ(m->subject->digest.ToString(), kD2);
  EXPECT_EQ(m->artifact_type, "application/vnd.example+type");
}

TEST(ManifestTest, InfersMediaTypeWhenAbsent) {
  auto m = ParseManifest(R"({"schemaVersion":2,"config":)" + Desc(kOciConfig, kD1) +
                             R"(,"layers":[]})",
                         "application/json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->media_type, kOciManifest);
}

TEST(ManifestTest, DockerSchema2AndList) {
  auto m = ParseManifest(R"({"schemaVersion":2,"mediaType":")" + std::string(kDockerManifest) +
                             R"(","config":)" + Desc(kDockerConfig, kD1) + R"(,"layers":[)" +
                             Desc(kDockerLayerGzip, kD2) + "]}",
                         std::string(kDockerManifest) + "; charset=utf-8");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->kind, ManifestKind::kDockerManifest);
  auto list = ParseManifest(R"({"schemaVersion":2,"mediaType":")" +
                                std::string(kDockerManifestList) + R"(","manifests":[)" +
                                Desc(kDockerManifest, kD1) + "]}",
                            kDockerManifestList);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->kind, ManifestKind::kDockerManifestList);
}

TEST(ManifestTest, RejectsMalformedAsTable) {
  const std::string cfg = Desc(kOciConfig, kD1);
  const struct {
    std::string body;
    std::string content_type;
    std::string code;
  } cases[] = {
      {"not json", "", "MANIFEST_INVALID"},
      {"[]", "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":1})", "", "UNSUPPORTED"},
      {R"({"schemaVersion":2})", std::string(kDockerSchema1Signed), "UNSUPPORTED"},
      {R"({"schemaVersion":3,"config":)" + cfg + R"(,"layers":[]})", "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":)" + cfg + R"(,"layers":[]})", std::string(kOciIndex),
       "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"mediaType":")" + std::string(kOciIndex) + R"(","config":)" + cfg +
           R"(,"layers":[]})",
       std::string(kOciManifest), "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":)" + cfg + "}", "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":{"mediaType":"x","digest":")" + kD1 +
           R"(","size":1},"layers":[]})",
       "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:1","size":1},"layers":[]})",
       "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":{"mediaType":"a/b","digest":")" + kD1 +
           R"(","size":-1},"layers":[]})",
       "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":)" + cfg + R"(,"layers":[]})", "text/plain",
       "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"manifests":[],"config":)" + cfg + "}", "", "MANIFEST_INVALID"},
      {R"({"schemaVersion":2,"config":)" + cfg + R"(,"layers":[],"subject":"x"})", "",
       "MANIFEST_INVALID"},
  };
  for (const auto& c : cases) {
    auto m = ParseManifest(c.body, c.content_type);
    ASSERT_FALSE(m.ok()) << c.body;
    EXPECT_EQ(m.status().domain_code(), c.code) << c.body << " → " << m.status().ToString();
  }
}

TEST(ManifestTest, DescriptorLimit) {
  std::string layers;
  for (int i = 0; i < 5; ++i) layers += (i ? "," : "") + Desc(kOciLayerGzip, kD2);
  const std::string body = R"({"schemaVersion":2,"config":)" + Desc(kOciConfig, kD1) +
                           R"(,"layers":[)" + layers + "]}";
  EXPECT_TRUE(ParseManifest(body, "", {.max_descriptors = 5}).ok());
  EXPECT_FALSE(ParseManifest(body, "", {.max_descriptors = 4}).ok());
}

}  // namespace
}  // namespace surveyor::oci
