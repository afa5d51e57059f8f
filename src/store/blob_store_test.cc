#include "store/blob_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace surveyor::store {
namespace {

class FailingSource final : public ByteSource {
 public:
  Result<size_t> Read(char* buffer, size_t size) override {
    if (sent_) return Unavailable("client went away");
    sent_ = true;
    const size_t n = std::min<size_t>(size, 4);
    std::memcpy(buffer, "junk", n);
    return n;
  }

 private:
  bool sent_ = false;
};

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-blobs-XXXXXX";
    dir_ = mkdtemp(tmpl);
    store_ = std::make_unique<BlobStore>(dir_, PosixFileSystem::Default());
    ASSERT_TRUE(store_->Init().ok());
  }
  void TearDown() override { (void)system(("rm -rf " + dir_).c_str()); }
  std::string dir_;
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, UploadAppendCommit) {
  ASSERT_TRUE(store_->CreateUpload("u1", "team/app").ok());
  Hasher hasher;
  StringSource a("hello "), b("world");
  ASSERT_EQ(*store_->AppendToUpload("u1", a, &hasher, 100), 6u);
  ASSERT_EQ(*store_->AppendToUpload("u1", b, &hasher, 100), 11u);
  EXPECT_EQ(*store_->UploadRepository("u1"), "team/app");
  EXPECT_EQ(*store_->ListUploads(), std::vector<std::string>{"u1"});
  const Digest d = hasher.Finish();
  EXPECT_EQ(d, ComputeDigest("hello world"));
  EXPECT_EQ(*store_->HashUpload("u1", DigestAlgorithm::kSha256), d);
  EXPECT_FALSE(store_->Exists(d));
  ASSERT_TRUE(store_->CommitUpload("u1", d).ok());
  EXPECT_TRUE(store_->Exists(d));
  EXPECT_EQ(*store_->BlobSize(d), 11u);
  EXPECT_EQ(*store_->ReadSmall(d, 100), "hello world");
  EXPECT_EQ(store_->UploadSize("u1").status().domain_code(), "BLOB_UPLOAD_UNKNOWN");
  EXPECT_EQ(store_->UploadRepository("u1").status().domain_code(), "BLOB_UPLOAD_UNKNOWN");
  EXPECT_TRUE(store_->ListUploads()->empty());
}

TEST_F(BlobStoreTest, FailedChunkLeavesNoTrace) {
  ASSERT_TRUE(store_->CreateUpload("u2", "app").ok());
  StringSource a("abc");
  ASSERT_TRUE(store_->AppendToUpload("u2", a, nullptr, 100).ok());
  FailingSource bad;
  EXPECT_FALSE(store_->AppendToUpload("u2", bad, nullptr, 100).ok());
  EXPECT_EQ(*store_->UploadSize("u2"), 3u);
  StringSource big("0123456789");
  auto r = store_->AppendToUpload("u2", big, nullptr, 8);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().domain_code(), "SIZE_INVALID");
  EXPECT_EQ(*store_->UploadSize("u2"), 3u);
}

TEST_F(BlobStoreTest, SmallContentAndDelete) {
  const Digest d = ComputeDigest("{}");
  ASSERT_TRUE(store_->PutSmall(d, "{}").ok());
  ASSERT_TRUE(store_->PutSmall(d, "{}").ok());
  EXPECT_EQ(*store_->ReadSmall(d, 10), "{}");
  ASSERT_TRUE(store_->Delete(d).ok());
  EXPECT_EQ(store_->Delete(d).domain_code(), "BLOB_UNKNOWN");
}

}  // namespace
}  // namespace surveyor::store
