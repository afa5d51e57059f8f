#include "registry/gc.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "registry/fsck.h"
#include "registry/registry.h"
#include "registry/schema.h"

namespace surveyor::registry {
namespace {

using namespace std::chrono_literals;

class GcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-gc-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db_ = std::move(*store::Database::Open(dir_ + "/metadata.db"));
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
    StringSource src(content);
    const Digest d = ComputeDigest(content);
    EXPECT_TRUE(registry_->CompleteUpload(repo, up->id, d, src).ok());
    return d;
  }
  Digest PushImage(std::string_view repo, std::string_view tag, const Digest& config,
                   const Digest& layer) {
    const std::string m =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        config.ToString() + R"(","size":2},"layers":[{"mediaType":)"
        R"("application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
        layer.ToString() + R"(","size":5}]})";
    auto put = registry_->PutManifest(repo, tag, "", m);
    EXPECT_TRUE(put.ok()) << put.status().ToString();
    return put->digest;
  }
  GcReport Collect(bool dry_run = false) {
    GcOptions options;
    options.grace = 1h;
    options.dry_run = dry_run;
    auto r = CollectGarbage(*db_, *blobs_, clock_, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }
  void AgeFile(const std::string& path) {
    std::filesystem::last_write_time(path, std::filesystem::file_time_type::clock::now() - 2h);
  }

  std::string dir_;
  FakeClock clock_{FromEpochSeconds(1700000000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<Registry> registry_;
};

TEST_F(GcTest, CollectsOnlyUnreferencedBlobsPastGrace) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  const Digest stray = Upload("app", "stray upload, never referenced");
  PushImage("app", "v1", config, layer);
  EXPECT_EQ(Collect().blobs_deleted, 0u);  // everything is inside the grace period
  clock_.Advance(2h);
  const Digest fresh = Upload("app", "fresh, still in grace");
  GcReport dry = Collect(/*dry_run=*/true);
  EXPECT_EQ(dry.blobs_deleted, 1u);
  EXPECT_TRUE(blobs_->Exists(stray));  // a dry run deletes nothing
  GcReport report = Collect();
  EXPECT_EQ(report.links_removed, 1u);
  EXPECT_EQ(report.blobs_deleted, 1u);
  EXPECT_EQ(report.bytes_reclaimed, std::string_view("stray upload, never referenced").size());
  EXPECT_EQ(report.deleted, std::vector<std::string>{stray.ToString()});
  EXPECT_FALSE(blobs_->Exists(stray));
  for (const Digest& live : {config, layer, fresh}) EXPECT_TRUE(blobs_->Exists(live));
  EXPECT_TRUE(registry_->GetManifest("app", "v1", false).ok());
  auto fsck = Fsck(*db_, *blobs_, false);
  ASSERT_TRUE(fsck.ok());
  EXPECT_TRUE(fsck->clean()) << fsck->issues[0].kind << " " << fsck->issues[0].subject;
}

TEST_F(GcTest, DeletedManifestFreesItsBlobsUnlessSharedElsewhere) {
  const Digest config = Upload("a", "{}");
  const Digest layer = Upload("a", "shared layer");
  const Digest manifest = PushImage("a", "v1", config, layer);
  ASSERT_TRUE(*registry_->MountBlob("b", "a", layer));
  const Digest config_b = Upload("b", "{\"b\":1}");
  PushImage("b", "v1", config_b, layer);
  ASSERT_TRUE(registry_->DeleteManifest("a", manifest.ToString()).ok());
  clock_.Advance(2h);
  GcReport report = Collect();
  EXPECT_EQ(report.blobs_deleted, 1u);  // a's config; the layer lives on in b
  EXPECT_FALSE(blobs_->Exists(config));
  EXPECT_TRUE(blobs_->Exists(layer));
  EXPECT_EQ(registry_->StatBlob("a", layer).status().domain_code(), "BLOB_UNKNOWN");
  EXPECT_TRUE(registry_->StatBlob("b", layer).ok());
}

TEST_F(GcTest, OrphanFilesAndInterruptedSweeps) {
  // A file with no row (a crash between rename and commit), old enough to go.
  const Digest orphan = ComputeDigest("orphan");
  ASSERT_TRUE(blobs_->PutSmall(orphan, "orphan").ok());
  AgeFile(blobs_->BlobPath(orphan));
  // A live blob that a killed collector had already moved to the trash.
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  PushImage("app", "v1", config, layer);
  ASSERT_TRUE(blobs_->MoveToTrash(layer).ok());
  GcReport report = Collect();
  EXPECT_EQ(report.trash_recovered, 1u);
  EXPECT_EQ(report.orphan_files_deleted, 1u);
  EXPECT_TRUE(blobs_->Exists(layer));
  EXPECT_FALSE(blobs_->Exists(orphan));
  auto after = Fsck(*db_, *blobs_, false);
  EXPECT_TRUE(after->clean());
}

TEST_F(GcTest, FsckFindsAndRepairsCorruption) {
  const Digest config = Upload("app", "{}");
  const Digest layer = Upload("app", "layer");
  PushImage("app", "v1", config, layer);
  std::ofstream(blobs_->BlobPath(layer), std::ios::trunc) << "tampered";
  std::filesystem::remove(blobs_->BlobPath(config));
  auto report = Fsck(*db_, *blobs_, false);
  ASSERT_TRUE(report.ok());
  std::set<std::string> kinds;
  for (const auto& i : report->issues) kinds.insert(i.kind + " " + i.subject);
  EXPECT_TRUE(kinds.count("blob_corrupt " + layer.ToString()));
  EXPECT_TRUE(kinds.count("blob_missing " + config.ToString()));
  EXPECT_EQ(report->blobs_checked, 2u);
  EXPECT_EQ(report->manifests_checked, 1u);
  EXPECT_EQ(report->tags_checked, 1u);
  auto repaired = Fsck(*db_, *blobs_, true);
  ASSERT_TRUE(repaired.ok());
  // The index no longer claims the lost blobs; the manifest that needs them is reported.
  EXPECT_EQ(registry_->StatBlob("app", layer).status().domain_code(), "BLOB_UNKNOWN");
  auto again = Fsck(*db_, *blobs_, false);
  ASSERT_TRUE(again.ok());
  ASSERT_FALSE(again->clean());
  for (const auto& i : again->issues) EXPECT_EQ(i.kind, "manifest_reference_missing");
}

}  // namespace
}  // namespace surveyor::registry
