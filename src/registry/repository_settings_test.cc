#include "registry/repository_settings.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "registry/registry.h"
#include "registry/schema.h"

namespace surveyor::registry {
namespace {

TEST(GlobMatches, Table) {
  struct Case {
    const char* text;
    const char* pattern;
    bool match;
  };
  const Case cases[] = {
      {"latest", "latest", true}, {"latest", "late", false},  {"dev-1", "dev-*", true},
      {"dev-", "dev-*", true},    {"xdev-1", "dev-*", false}, {"a.b.c", "*.*", true},
      {"abc", "a*c", true},       {"abd", "a*c", false},      {"", "*", true},
      {"aaa", "a*a*a*a", false},  {"aaaa", "a*a*a*a", true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(GlobMatches(c.text, c.pattern), c.match) << c.text << " ~ " << c.pattern;
  }
}

TEST(TagIsImmutable, Modes) {
  RepositorySettings s;
  EXPECT_FALSE(TagIsImmutable(s, "v1"));
  s.mutability = TagMutability::kImmutable;
  EXPECT_TRUE(TagIsImmutable(s, "latest"));
  s.mutability = TagMutability::kImmutableWithExclusion;
  s.mutability_filters = {"latest", "dev-*"};
  EXPECT_FALSE(TagIsImmutable(s, "latest"));
  EXPECT_FALSE(TagIsImmutable(s, "dev-42"));
  EXPECT_TRUE(TagIsImmutable(s, "v1"));
  s.mutability = TagMutability::kMutableWithExclusion;
  EXPECT_TRUE(TagIsImmutable(s, "dev-42"));
  EXPECT_FALSE(TagIsImmutable(s, "v1"));
}

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-settings-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::Database::Open(dir_ + "/metadata.db");
    ASSERT_TRUE(db.ok());
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
  // An OCI index with no children: the smallest manifest PutManifest accepts without blobs.
  static std::string Index(int n) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
           R"("manifests":[],"annotations":{"n":")" +
           std::to_string(n) + R"("}})";
  }
  std::string dir_;
  FakeClock clock_{FromEpochSeconds(1700000000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<Registry> registry_;
};

constexpr char kIndexType[] = "application/vnd.oci.image.index.v1+json";

TEST_F(SettingsTest, ImmutableTagStaysOnItsFirstDigest) {
  RepositorySettings s;
  s.mutability = TagMutability::kImmutableWithExclusion;
  s.mutability_filters = {"latest"};
  ASSERT_TRUE(CreateRepository(*db_, "prod-app", s, 1, "123456789012").ok());
  auto first = registry_->PutManifest("prod-app", "v1", kIndexType, Index(1));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Same content again under the same tag: not a move.
  EXPECT_TRUE(registry_->PutManifest("prod-app", "v1", kIndexType, Index(1)).ok());
  auto second = registry_->PutManifest("prod-app", "v1", kIndexType, Index(2));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().domain_code(), "TAG_INVALID");
  EXPECT_NE(second.status().message().find("cannot be overwritten because the repository is "
                                           "immutable"),
            std::string::npos);
  auto got = registry_->GetManifest("prod-app", "v1", false);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->digest, first->digest);
  // The failed push left no manifest behind (the transaction rolled back).
  auto images = ListImageRecords(*db_, 1);
  ASSERT_TRUE(images.ok());
  EXPECT_EQ(images->size(), 1u);
  // Excluded tags move freely.
  ASSERT_TRUE(registry_->PutManifest("prod-app", "latest", kIndexType, Index(3)).ok());
  ASSERT_TRUE(registry_->PutManifest("prod-app", "latest", kIndexType, Index(4)).ok());
}

TEST_F(SettingsTest, CreateDescribeDelete) {
  RepositorySettings s;
  s.scan_on_push = true;
  s.encryption_type = "KMS";
  s.kms_key = "arn:aws:kms:us-east-1:123456789012:key/k";
  s.tags = {{"team", "sec"}};
  ASSERT_TRUE(CreateRepository(*db_, "a/b", s, 1234, "123456789012").ok());
  auto dup = CreateRepository(*db_, "a/b", s, 1234, "123456789012");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().domain_code(), "RepositoryAlreadyExistsException");
  auto got = GetRepository(*db_, "a/b", "123456789012");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->created_at_ms, 1234);
  EXPECT_TRUE(got->settings.scan_on_push);
  EXPECT_EQ(got->settings.kms_key, s.kms_key);
  EXPECT_EQ(got->settings.tags, s.tags);
  ASSERT_TRUE(registry_->PutManifest("a/b", "v1", kIndexType, Index(1)).ok());
  auto not_empty = DeleteRepository(*db_, "a/b", false, "123456789012");
  EXPECT_EQ(not_empty.domain_code(), "RepositoryNotEmptyException");
  EXPECT_TRUE(DeleteRepository(*db_, "a/b", true, "123456789012").ok());
  EXPECT_EQ(GetRepository(*db_, "a/b", "1").status().domain_code(),
            "RepositoryNotFoundException");
  // A repository created by a plain push has default settings.
  ASSERT_TRUE(registry_->PutManifest("pushed", "v1", kIndexType, Index(1)).ok());
  auto pushed = GetRepository(*db_, "pushed", "1");
  ASSERT_TRUE(pushed.ok());
  EXPECT_EQ(pushed->settings.mutability, TagMutability::kMutable);
}

}  // namespace
}  // namespace surveyor::registry
