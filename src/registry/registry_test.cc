#include "registry/registry.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "registry/schema.h"

namespace surveyor::registry {
namespace {

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-registry-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Open();
  }
  void Open() {
    registry_.reset();
    auto db = store::Database::Open(dir_ + "/metadata.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    blobs_ = std::make_unique<store::BlobStore>(dir_, PosixFileSystem::Default());
    ASSERT_TRUE(blobs_->Init().ok());
    registry_ = std::make_unique<Registry>(*db_, *blobs_, clock_, Options{});
  }
  void TearDown() override {
    registry_.reset();
    (void)system(("rm -rf " + dir_).c_str());
  }

  Digest Upload(std::string_view repo, std::string_view content) {
    auto up = registry_->StartUpload(repo);
    EXPECT_TRUE(up.ok()) << up.status().ToString();
    StringSource src(content);
    const Digest d = ComputeDigest(content);
    auto info = registry_->CompleteUpload(repo, up->id, d, src);
    EXPECT_TRUE(info.ok()) << info.status().ToString();
    return d;
  }

  std::string ImageManifest(const Digest& config, const Digest& layer) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           config.ToString() + R"(","size":2},"layers":[{"mediaType":)"
           R"("application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
           layer.ToString() + R"(","size":5}]})";
  }

  std::string dir_;
  FakeClock clock_{FromEpochSeconds(1700000000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(RegistryTest, SchemaIsCurrent) {
  EXPECT_EQ(db_->SchemaVersion("registry"), Migrations().back().version);
}

TEST_F(RegistryTest, ChunkedUploadInOrderAndGaps) {
  auto up = registry_->StartUpload("team/app");
  ASSERT_TRUE(up.ok());
  StringSource a("hello ");
  ASSERT_EQ(registry_->AppendUpload("team/app", up->id, ChunkRange{0, 5}, a)->size, 6u);
  StringSource gap("xx");
  auto r = registry_->AppendUpload("team/app", up->id, ChunkRange{7, 8}, gap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOutOfRange);
  StringSource overlap("xx");
  EXPECT_EQ(registry_->AppendUpload("team/app", up->id, ChunkRange{5, 6}, overlap).status().code(),
            StatusCode::kOutOfRange);
  StringSource b("world");
  ASSERT_EQ(registry_->AppendUpload("team/app", up->id, ChunkRange{6, 10}, b)->size, 11u);
  EXPECT_EQ(registry_->GetUpload("team/app", up->id)->size, 11u);
  StringSource none("");
  auto info = registry_->CompleteUpload("team/app", up->id, ComputeDigest("hello world"), none);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->size, 11u);
  EXPECT_TRUE(registry_->StatBlob("team/app", ComputeDigest("hello world")).ok());
  EXPECT_EQ(registry_->GetUpload("team/app", up->id).status().domain_code(), "BLOB_UPLOAD_UNKNOWN");
}

TEST_F(RegistryTest, DigestMismatchDiscardsUpload) {
  auto up = registry_->StartUpload("app");
  StringSource src("content");
  auto r = registry_->CompleteUpload("app", up->id, ComputeDigest("other"), src);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().domain_code(), "DIGEST_INVALID");
  EXPECT_EQ(registry_->GetUpload("app", up->id).status().domain_code(), "BLOB_UPLOAD_UNKNOWN");
  EXPECT_EQ(registry_->StatBlob("app", ComputeDigest("content")).status().domain_code(),
            "BLOB_UNKNOWN");
}

TEST_F(RegistryTest, Sha512Upload) {
  auto up = registry_->StartUpload("app");
  StringSource src("content");
  const Digest d = ComputeDigest("content", DigestAlgorithm::kSha512);
  ASSERT_TRUE(registry_->CompleteUpload("app", up->id, d, src).ok());
  EXPECT_EQ(registry_->StatBlob("app", d)->size, 7u);
}

TEST_F(RegistryTest, UploadSurvivesRestart) {
  auto up = registry_->StartUpload("app");
  StringSource a("first-");
  ASSERT_TRUE(registry_->AppendUpload("app", up->id, ChunkRange{0, 5}, a).ok());
  Open();  // a new process: the in-memory hash state is gone
  EXPECT_EQ(registry_->GetUpload("app", up->id)->size, 6u);
  StringSource b("second");
  ASSERT_TRUE(registry_->AppendUpload("app", up->id, ChunkRange{6, 11}, b).ok());
  StringSource none("");
  EXPECT_TRUE(
      registry_->CompleteUpload("app", up->id, ComputeDigest("first-second"), none).ok());
}

TEST_F(RegistryTest, StaleUploadsArePurged) {
  auto old_upload = registry_->StartUpload("app");
  auto fresh = registry_->StartUpload("app");
  // Age the first session by an hour.
  const auto past = std::filesystem::file_time_type::clock::now() - std::chrono::hours(1);
  std::filesystem::last_write_time(blobs_->UploadPath(old_upload->id), past);
  EXPECT_EQ(*registry_->PurgeStaleUploads(std::chrono::minutes(30)), 1u);
  EXPECT_EQ(registry_->GetUpload("app", old_upload->id).status().domain_code(),
            "BLOB_UPLOAD_UNKNOWN");
  EXPECT_TRUE(registry_->GetUpload("app", fresh->id).ok());
  EXPECT_EQ(registry_->ActiveUploads(), 1u);
}

TEST_F(RegistryTest, BlobVisibleOnlyWhereUploadedOrMounted) {
  const Digest d = Upload("a", "layer");
  EXPECT_TRUE(registry_->StatBlob("a", d).ok());
  Upload("b", "other");
  EXPECT_EQ(registry_->StatBlob("b", d).status().domain_code(), "BLOB_UNKNOWN");
  EXPECT_EQ(registry_->StatBlob("nope", d).status().domain_code(), "NAME_UNKNOWN");
  EXPECT_FALSE(*registry_->MountBlob("b", "c", d));  // no such source repository
  EXPECT_FALSE(*registry_->MountBlob("b", "b", d));
  EXPECT_TRUE(*registry_->MountBlob("b", "a", d));
  EXPECT_TRUE(registry_->StatBlob("b", d).ok());
  ASSERT_TRUE(registry_->DeleteBlob("b", d).ok());
  EXPECT_EQ(registry_->StatBlob("b", d).status().domain_code(), "BLOB_UNKNOWN");
  EXPECT_TRUE(registry_->StatBlob("a", d).ok());
}

TEST_F(RegistryTest, ManifestLifecycle) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  const std::string m = ImageManifest(config, layer);
  auto put = registry_->PutManifest("app", "v1", "application/vnd.oci.image.manifest.v1+json", m);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->digest, ComputeDigest(m));
  auto by_tag = registry_->GetManifest("app", "v1", true);
  ASSERT_TRUE(by_tag.ok());
  EXPECT_EQ(by_tag->content, m);
  EXPECT_EQ(by_tag->media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_TRUE(registry_->GetManifest("app", put->digest.ToString(), false).ok());
  // PUT by a digest that is not the content's.
  EXPECT_EQ(registry_->PutManifest("app", ComputeDigest("x").ToString(), "", m).status().domain_code(),
            "DIGEST_INVALID");
  // Deleting the tag keeps the manifest; deleting the digest removes the rest.
  ASSERT_TRUE(registry_->DeleteManifest("app", "v1").ok());
  EXPECT_EQ(registry_->GetManifest("app", "v1", false).status().domain_code(), "MANIFEST_UNKNOWN");
  ASSERT_TRUE(registry_->PutManifest("app", "v2", "", m).ok());
  ASSERT_TRUE(registry_->DeleteManifest("app", put->digest.ToString()).ok());
  EXPECT_EQ(registry_->GetManifest("app", "v2", false).status().domain_code(), "MANIFEST_UNKNOWN");
  EXPECT_EQ(registry_->ListTags("app", std::nullopt, "")->items.size(), 0u);
}

TEST_F(RegistryTest, ManifestNeedsItsBlobsInTheRepository) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("other", "layer");
  auto put = registry_->PutManifest("app", "v1", "", ImageManifest(config, layer));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().domain_code(), "MANIFEST_BLOB_UNKNOWN");
  // An index needs its child manifests.
  const std::string index =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      ComputeDigest("missing").ToString() + R"(","size":1}]})";
  EXPECT_EQ(registry_->PutManifest("app", "idx", "", index).status().domain_code(),
            "MANIFEST_BLOB_UNKNOWN");
  Options small;
  small.max_manifest_bytes = 10;
  Registry limited(*db_, *blobs_, clock_, small);
  EXPECT_EQ(limited.PutManifest("app", "v1", "", ImageManifest(config, config)).status().domain_code(),
            "SIZE_INVALID");
}

TEST_F(RegistryTest, TagsAndCatalogPaginate) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  const std::string m = ImageManifest(config, layer);
  for (const char* t : {"c", "a", "b", "d"}) ASSERT_TRUE(registry_->PutManifest("app", t, "", m).ok());
  auto p1 = registry_->ListTags("app", 2, "");
  ASSERT_TRUE(p1.ok());
  EXPECT_EQ(p1->items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p1->next, "b");
  auto p2 = registry_->ListTags("app", 2, "b");
  EXPECT_EQ(p2->items, (std::vector<std::string>{"c", "d"}));
  EXPECT_FALSE(p2->next.has_value());
  EXPECT_TRUE(registry_->ListTags("app", 0, "")->items.empty());
  Upload("zeta/x", "z");
  auto cat = registry_->Catalog(std::nullopt, "");
  EXPECT_EQ(cat->items, (std::vector<std::string>{"app", "zeta/x"}));
  EXPECT_EQ(registry_->Catalog(1, "app")->items, (std::vector<std::string>{"zeta/x"}));
}

TEST_F(RegistryTest, ReferrersWithArtifactTypeFilter) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  auto subject = registry_->PutManifest("app", "v1", "", ImageManifest(config, layer));
  ASSERT_TRUE(subject.ok());
  auto referrer = [&](const std::string& type) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
           R"("artifactType":")" + type + R"(","config":{"mediaType":)"
           R"("application/vnd.oci.image.config.v1+json","digest":")" + config.ToString() +
           R"(","size":2},"layers":[],"subject":{"mediaType":)"
           R"("application/vnd.oci.image.manifest.v1+json","digest":")" +
           subject->digest.ToString() + R"(","size":10},"annotations":{"k":"v"}})";
  };
  auto sig = registry_->PutManifest("app", "sig", "", referrer("application/vnd.example.sig"));
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->subject, subject->digest);
  ASSERT_TRUE(registry_->PutManifest("app", "sbom", "", referrer("application/vnd.example.sbom")).ok());
  auto all = registry_->Referrers("app", subject->digest, "");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["manifests"].size(), 2u);
  auto sigs = registry_->Referrers("app", subject->digest, "application/vnd.example.sig");
  ASSERT_EQ((*sigs)["manifests"].size(), 1u);
  EXPECT_EQ((*sigs)["manifests"][0]["digest"], sig->digest.ToString());
  EXPECT_EQ((*sigs)["manifests"][0]["annotations"]["k"], "v");
  EXPECT_EQ((*registry_->Referrers("unknown", subject->digest, ""))["manifests"].size(), 0u);
}

class RecordingObserver final : public Observer {
 public:
  void OnManifestPushed(std::string_view repo, const Digest& d, std::string_view tag,
                        std::string_view) override {
    events.push_back("push " + std::string(repo) + " " + d.ToString() + " " + std::string(tag));
  }
  void OnManifestDeleted(std::string_view repo, const Digest& d) override {
    events.push_back("delete " + std::string(repo) + " " + d.ToString());
  }
  void OnTagDeleted(std::string_view repo, std::string_view tag, const Digest& d) override {
    events.push_back("untag " + std::string(repo) + " " + std::string(tag) + " " + d.ToString());
  }
  std::vector<std::string> events;
};

TEST_F(RegistryTest, ObserversHearCommittedChanges) {
  RecordingObserver observer;
  registry_->AddObserver(&observer);
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  const std::string m = ImageManifest(config, layer);
  const std::string d = ComputeDigest(m).ToString();
  ASSERT_TRUE(registry_->PutManifest("app", "v1", "", m).ok());
  ASSERT_FALSE(registry_->PutManifest("app", "v2", "", "{").ok());  // refused: not heard
  ASSERT_TRUE(registry_->DeleteManifest("app", "v1").ok());
  ASSERT_TRUE(registry_->DeleteManifest("app", d).ok());
  EXPECT_EQ(observer.events,
            (std::vector<std::string>{"push app " + d + " v1", "untag app v1 " + d,
                                      "delete app " + d}));
}

TEST_F(RegistryTest, PullTimesAreRecorded) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  ASSERT_TRUE(registry_->PutManifest("app", "v1", "", ImageManifest(config, layer)).ok());
  clock_.Advance(std::chrono::seconds(60));
  ASSERT_TRUE(registry_->GetManifest("app", "v1", true).ok());
  ASSERT_TRUE(registry_->FlushPullTimes().ok());
  auto stmt = db_->Prepare("SELECT last_pulled_at - pushed_at FROM manifests");
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnInt(0), 60000);
}

}  // namespace
}  // namespace surveyor::registry
