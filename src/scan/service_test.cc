// The scan service as the registry's transaction observer: a push and its queued scan, a
// deletion and its closed findings, commit together or not at all. A real registry on a file
// database; a second observer that runs after the service fails the transaction on demand.
#include "scan/service.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "findings/store.h"
#include "findings/test_facts.h"
#include "registry/schema.h"
#include "registry/test_push.h"

namespace surveyor::scan {
namespace {

// Runs after the service inside the registry's transaction: sees what the service wrote there,
// and fails the transaction on demand.
class FailingObserver final : public registry::TransactionObserver {
 public:
  bool fail = false;
  int64_t jobs_seen = -1;  // scan jobs visible inside the push's transaction
  Status InManifestPushed(store::Database& db, std::string_view, const Digest&, std::string_view,
                          std::string_view) override {
    if (!db.InTransaction()) return Internal("not called inside the registry's transaction");
    auto stmt = db.Prepare("SELECT count(*) FROM scan_jobs");
    if (stmt.ok() && *stmt->Step()) jobs_seen = stmt->ColumnInt(0);
    return fail ? Unavailable("the disk went away") : Status::Ok();
  }
  Status InManifestDeleted(store::Database&, std::string_view, const Digest&) override {
    return fail ? Unavailable("the disk went away") : Status::Ok();
  }
  Status InTagDeleted(store::Database&, std::string_view, std::string_view,
                      const Digest&) override {
    return Status::Ok();
  }
};

class ScanServiceTransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-scantx-XXXXXX";
    dir_ = mkdtemp(tmpl);
    db_ = std::move(*store::Database::Open(dir_ + "/metadata.db"));
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    ASSERT_TRUE(Migrate(*db_).ok());
    ASSERT_TRUE(findings::Migrate(*db_).ok());
    blobs_ = std::make_unique<store::BlobStore>(dir_, PosixFileSystem::Default());
    ASSERT_TRUE(blobs_->Init().ok());
    registry_ = std::make_unique<registry::Registry>(*db_, *blobs_, clock_, registry::Options{});
    ServiceOptions options;
    options.vulndb_dir = dir_ + "/no-vulndb";
    service_ = std::make_unique<Service>(*db_, *blobs_, *registry_, clock_, options);
    registry_->AddTransactionObserver(service_.get());
    registry_->AddTransactionObserver(&failing_);
  }
  void TearDown() override {
    service_.reset();
    registry_.reset();
    db_.reset();
    (void)system(("rm -rf " + dir_).c_str());
  }
  std::string Manifest() { return registry::ManifestForTest(*registry_, "app"); }
  int64_t Count(const std::string& sql) {
    auto lock = db_->Lock();
    auto stmt = db_->Prepare(sql);
    return *stmt->Step() ? stmt->ColumnInt(0) : -1;
  }

  std::string dir_;
  FakeClock clock_{FromEpochSeconds(1700000000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<Service> service_;
  FailingObserver failing_;
};

TEST_F(ScanServiceTransactionTest, APushAndItsScanJobCommitTogether) {
  const std::string manifest = Manifest();
  failing_.fail = true;
  EXPECT_FALSE(registry_->PutManifest("app", "v1", "application/vnd.oci.image.manifest.v1+json",
                                      manifest).ok());
  EXPECT_EQ(failing_.jobs_seen, 1);  // queued in the push's own transaction
  // Rolled back: no manifest, and no scan job or PENDING status left behind for it.
  EXPECT_EQ(Count("SELECT count(*) FROM manifests"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_jobs"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_images"), 0);

  failing_.fail = false;
  auto pushed = registry_->PutManifest("app", "v1", "application/vnd.oci.image.manifest.v1+json",
                                       manifest);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  // Committed with the push: nothing else has to run for the image to be scanned after a crash.
  EXPECT_EQ(Count("SELECT count(*) FROM scan_jobs WHERE kind = 'analyze' AND repository = 'app'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_images WHERE status = 'PENDING'"), 1);
}

TEST_F(ScanServiceTransactionTest, ADeletionAndItsClosedFindingsCommitTogether) {
  auto pushed = registry_->PutManifest("app", "v1", "application/vnd.oci.image.manifest.v1+json",
                                       Manifest());
  ASSERT_TRUE(pushed.ok());
  findings::ImageContext image;
  image.repository = "app";
  image.digest = pushed->digest.ToString();
  ASSERT_TRUE(
      findings::Reconcile(*db_, image, {findings::TestFacts("CVE-1", "zlib")}, clock_.Now()).ok());

  failing_.fail = true;
  EXPECT_FALSE(registry_->DeleteManifest("app", pushed->digest.ToString()).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM findings WHERE status = 'ACTIVE'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_images"), 1);

  failing_.fail = false;
  ASSERT_TRUE(registry_->DeleteManifest("app", pushed->digest.ToString()).ok());
  EXPECT_EQ(Count("SELECT count(*) FROM findings WHERE status = 'CLOSED'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_images"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM scan_jobs"), 0);
}

TEST_F(ScanServiceTransactionTest, ADamagedJobPackageListDoesNotWedgeTheQueue) {
  for (const char* digest : {"sha256:aa", "sha256:bb"}) {
    ASSERT_TRUE(EnqueueJob(*db_, "app", digest, true, clock_.Now(), nullptr).ok());
  }
  ASSERT_TRUE(db_->Exec("UPDATE scan_jobs SET packages = 'not json' WHERE digest = 'sha256:aa'")
                  .ok());
  ASSERT_TRUE(service_->Drain().ok());
  EXPECT_EQ(Count("SELECT count(*) FROM scan_jobs"), 0);
}

TEST(PackageSetTest, RoundTripsAndRefusesDamage) {
  const PackageSet set = {{"Go", "stdlib"}, {"npm", "@scope/pkg"}, {"Debian:12", "zlib"}};
  auto back = DecodePackageSet(EncodePackageSet(set));
  ASSERT_TRUE(back.ok() && *back);
  EXPECT_EQ(**back, set);
  EXPECT_FALSE(DecodePackageSet(std::string("[1]")).ok());
  EXPECT_FALSE(DecodePackageSet(std::string("[\"no tab\"]")).ok());
  EXPECT_FALSE(DecodePackageSet(std::nullopt)->has_value());  // NULL: the whole image
}

TEST_F(ScanServiceTransactionTest, QueuedPackageListsWidenToTheirUnion) {
  const PackageSet a = {{"Go", "stdlib"}}, b = {{"Go", "golang.org/x/net"}, {"Go", "stdlib"}};
  ASSERT_TRUE(EnqueueJob(*db_, "app", "sha256:aa", true, clock_.Now(), &a).ok());
  ASSERT_TRUE(EnqueueJob(*db_, "app", "sha256:aa", true, clock_.Now(), &b).ok());
  auto stmt = db_->Prepare("SELECT packages FROM scan_jobs");
  ASSERT_TRUE(*stmt->Step());
  auto merged = DecodePackageSet(stmt->ColumnText(0));
  ASSERT_TRUE(merged.ok() && *merged);
  EXPECT_EQ(**merged, b);
  // A whole-image request absorbs any list.
  ASSERT_TRUE(EnqueueJob(*db_, "app", "sha256:aa", true, clock_.Now(), nullptr).ok());
  auto again = db_->Prepare("SELECT packages IS NULL, count(*) FROM scan_jobs");
  ASSERT_TRUE(*again->Step());
  EXPECT_EQ(again->ColumnInt(0), 1);
  EXPECT_EQ(again->ColumnInt(1), 1);
}

}  // namespace
}  // namespace surveyor::scan
