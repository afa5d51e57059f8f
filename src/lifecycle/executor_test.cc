// The executor against a real registry (SQLite in a temporary directory, a fake clock): what it
// deletes, that deletions reach the registry observers, that a change between the first look and
// the deletion is honoured, and that images an index still names are kept. Expected results are
// worked out by hand from SPEC.md §6.7 in each test's comment.
#include "lifecycle/executor.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <set>

#include "registry/repository_settings.h"
#include "registry/schema.h"

namespace surveyor::lifecycle {
namespace {

constexpr int64_t kDay = 86400;

// Remove untagged images after 7 days; keep the 2 newest images with a "v" tag (SCENARIOS §8
// with 2 instead of 20).
constexpr char kPolicy[] = R"({"rules":[
 {"rulePriority":1,"description":"untagged after 7 days",
  "selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":7},
  "action":{"type":"expire"}},
 {"rulePriority":2,"description":"keep the last 2 v images",
  "selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":2},
  "action":{"type":"expire"}}]})";

constexpr char kPulledPolicy[] = R"({"rules":[
 {"rulePriority":1,"description":"not pulled for 3 days",
  "selection":{"tagStatus":"any","countType":"sinceImagePulled","countUnit":"days","countNumber":3},
  "action":{"type":"expire"}}]})";

constexpr char kUntaggedOneDay[] = R"({"rules":[
 {"rulePriority":1,"description":"untagged after 1 day",
  "selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},
  "action":{"type":"expire"}}]})";

class RecordingObserver final : public registry::Observer {
 public:
  void OnManifestPushed(std::string_view, const Digest&, std::string_view,
                        std::string_view) override {}
  void OnManifestDeleted(std::string_view repository, const Digest& digest) override {
    deleted.insert(std::string(repository) + "@" + digest.ToString());
    if (after_delete) {
      auto hook = std::move(after_delete);  // once, and not again for the hook's own deletion
      after_delete = nullptr;
      hook();
    }
  }
  std::function<void()> after_delete;
  void OnTagDeleted(std::string_view, std::string_view, const Digest&) override {}
  std::set<std::string> deleted;
};

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-lifecycle-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::Database::Open(dir_ + "/metadata.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    blobs_ = std::make_unique<store::BlobStore>(dir_, PosixFileSystem::Default());
    ASSERT_TRUE(blobs_->Init().ok());
    registry_ = std::make_unique<registry::Registry>(*db_, *blobs_, clock_, registry::Options{});
    registry_->AddObserver(&observer_);
    executor_ = std::make_unique<Executor>(*db_, *registry_, clock_);
  }
  void TearDown() override {
    executor_.reset();
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

  // Pushes a distinct single-layer image `days_ago` days before kNow, under `tag` (or by digest).
  std::string Push(std::string_view repo, double days_ago, std::string_view tag,
                   const std::string& salt) {
    clock_.Set(Now() - std::chrono::seconds(static_cast<int64_t>(days_ago * kDay)));
    const Digest config = Upload(repo, "{}");
    const Digest layer = Upload(repo, "layer " + salt);
    const std::string content =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        config.ToString() + R"(","size":2},"layers":[{"mediaType":)"
        R"("application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
        layer.ToString() + R"(","size":5}]})";
    const std::string digest = ComputeDigest(content).ToString();
    auto r = registry_->PutManifest(repo, tag.empty() ? std::string_view(digest) : tag,
                                    "application/vnd.oci.image.manifest.v1+json", content);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    clock_.Set(Now());
    return digest;
  }

  std::string PushIndex(std::string_view repo, double days_ago, std::string_view tag,
                        const std::vector<std::string>& children) {
    clock_.Set(Now() - std::chrono::seconds(static_cast<int64_t>(days_ago * kDay)));
    std::string content =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
    for (size_t i = 0; i < children.size(); ++i) {
      content += std::string(i ? "," : "") +
                 R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                 children[i] + R"(","size":100})";
    }
    content += "]}";
    auto r = registry_->PutManifest(repo, tag, "application/vnd.oci.image.index.v1+json", content);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    clock_.Set(Now());
    return ComputeDigest(content).ToString();
  }

  void SetPolicy(std::string_view repo, const char* text) {
    auto rec = registry::GetRepository(*db_, repo, kDefaultAccountId);
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    rec->settings.lifecycle_policy_text = text;
    ASSERT_TRUE(registry::SaveSettings(*db_, rec->id, rec->settings).ok());
  }

  bool Exists(std::string_view repo, const std::string& digest) {
    return registry_->GetManifest(repo, digest, false).ok();
  }

  static std::set<std::string> Digests(const std::vector<ExpiredImage>& v) {
    std::set<std::string> out;
    for (const auto& e : v) out.insert(e.digest);
    return out;
  }

  static TimePoint Now() { return FromEpochSeconds(1700000000); }

  std::string dir_;
  FakeClock clock_{Now()};
  RecordingObserver observer_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<registry::Registry> registry_;
  std::unique_ptr<Executor> executor_;
};

// Images: u1 untagged 10 d, u2 untagged 3 d, v1 9 d, v2 8 d, v3 2 d, v4 1 d (tags v1..v4), and
// "latest" 5 d (tagged, no v prefix). Rule 1 expires u1 (10 > 7); u2 is 3 days old. Rule 2
// selects v1..v4, keeps the newest two (v4, v3) and expires v1 and v2. "latest" matches nothing.
TEST_F(ExecutorTest, ExpiresWhatThePolicySelectsThroughTheObservers) {
  const std::string u1 = Push("app", 10, "", "u1");
  const std::string u2 = Push("app", 3, "", "u2");
  const std::string v1 = Push("app", 9, "v1", "v1");
  const std::string v2 = Push("app", 8, "v2", "v2");
  const std::string v3 = Push("app", 2, "v3", "v3");
  const std::string v4 = Push("app", 1, "v4", "v4");
  const std::string latest = Push("app", 5, "latest", "latest");
  SetPolicy("app", kPolicy);

  auto out = executor_->Run("app", {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(out->has_policy);
  EXPECT_EQ(out->images, 7u);
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{u1, v1, v2}));
  for (const auto& e : out->expired) {
    EXPECT_EQ(e.rule_priority, e.digest == u1 ? 1 : 2) << e.digest;
  }
  EXPECT_FALSE(Exists("app", u1));
  EXPECT_FALSE(Exists("app", v1));
  EXPECT_FALSE(Exists("app", v2));
  for (const auto& d : {u2, v3, v4, latest}) EXPECT_TRUE(Exists("app", d)) << d;
  EXPECT_EQ(observer_.deleted,
            (std::set<std::string>{"app@" + u1, "app@" + v1, "app@" + v2}));
  EXPECT_FALSE(registry_->GetManifest("app", "v1", false).ok());  // the tag went too
  auto rec = registry::GetRepository(*db_, "app", kDefaultAccountId);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->settings.lifecycle_evaluated_at_ms, ToUnixMillis(Now()));

  // A second run finds nothing more: v3 and v4 are the two newest, u2 is young.
  observer_.deleted.clear();
  auto again = executor_->Run("app", {});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->expired.empty());
  EXPECT_TRUE(observer_.deleted.empty());
}

TEST_F(ExecutorTest, DryRunAndPreviewDeleteNothing) {
  const std::string u1 = Push("app", 10, "", "u1");
  const std::string v1 = Push("app", 9, "v1", "v1");
  Push("app", 2, "v2", "v2");
  Push("app", 1, "v3", "v3");
  SetPolicy("app", kPolicy);

  RunOptions dry;
  dry.dry_run = true;
  auto out = executor_->Run("app", dry);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{u1, v1}));
  auto preview = executor_->Preview("app", "", std::nullopt);
  ASSERT_TRUE(preview.ok());
  EXPECT_EQ(Digests(preview->expired), (std::set<std::string>{u1, v1}));
  EXPECT_TRUE(Exists("app", u1));
  EXPECT_TRUE(Exists("app", v1));
  EXPECT_TRUE(observer_.deleted.empty());
  auto rec = registry::GetRepository(*db_, "app", kDefaultAccountId);
  EXPECT_FALSE(rec->settings.lifecycle_evaluated_at_ms.has_value());

  // A policy given to the preview replaces the stored one: untagged after 1 day → u1 only.
  auto other = executor_->Preview("app", kUntaggedOneDay, std::nullopt);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(Digests(other->expired), (std::set<std::string>{u1}));
  // Evaluated 20 days from now, "not pulled for 3 days" selects all four (none was pulled).
  auto later = executor_->Preview("app", kPulledPolicy, Now() + std::chrono::hours(24 * 20));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->expired.size(), 4u);
}

TEST_F(ExecutorTest, PreviewErrors) {
  Push("app", 1, "v1", "v1");
  auto none = executor_->Preview("app", "", std::nullopt);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().domain_code(), "LifecyclePolicyNotFoundException");
  auto missing = executor_->Preview("nope", kPolicy, std::nullopt);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().domain_code(), "RepositoryNotFoundException");
  auto bad = executor_->Preview("app", R"({"rules":[]})", std::nullopt);
  EXPECT_FALSE(bad.ok());
  // A repository without a policy: Run does nothing and says so.
  auto run = executor_->Run("app", {});
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->has_policy);
}

// Batches of one: three expirations need three transactions, and all three go.
TEST_F(ExecutorTest, SmallBatchesDeleteEverything) {
  const std::string a = Push("app", 12, "", "a");
  const std::string b = Push("app", 11, "", "b");
  const std::string c = Push("app", 10, "", "c");
  const std::string young = Push("app", 0.5, "", "young");
  SetPolicy("app", kUntaggedOneDay);
  RunOptions o;
  o.batch_size = 1;
  auto out = executor_->Run("app", o);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{a, b, c}));
  EXPECT_TRUE(Exists("app", young));
  EXPECT_EQ(observer_.deleted.size(), 3u);
}

// Between the first look and the deletion, the image the untagged rule selected gets a tag:
// it is no longer untagged, so it stays. The other untagged image still goes.
TEST_F(ExecutorTest, RetagBetweenEvaluationAndDeletionKeepsTheImage) {
  const std::string a = Push("app", 12, "", "a");
  const std::string b = Push("app", 11, "", "b");
  SetPolicy("app", kUntaggedOneDay);
  executor_->SetBeforeDeleteHookForTest([&] {
    auto content = registry_->ManifestContent("app", *Digest::Parse(a));
    ASSERT_TRUE(content.ok());
    ASSERT_TRUE(registry_
                    ->PutManifest("app", "keep-me", "application/vnd.oci.image.manifest.v1+json",
                                  *content)
                    .ok());
  });
  auto out = executor_->Run("app", {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{b}));
  EXPECT_TRUE(Exists("app", a));
  EXPECT_FALSE(Exists("app", b));
}

// A pull recorded (still in the registry's memory, not yet flushed) between the first look and
// the deletion saves an image from a sinceImagePulled rule.
TEST_F(ExecutorTest, PullBetweenEvaluationAndDeletionKeepsTheImage) {
  const std::string a = Push("app", 12, "old-a", "a");
  const std::string b = Push("app", 11, "old-b", "b");
  SetPolicy("app", kPulledPolicy);
  executor_->SetBeforeDeleteHookForTest(
      [&] { ASSERT_TRUE(registry_->GetManifest("app", "old-a", true).ok()); });
  auto out = executor_->Run("app", {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{b}));
  EXPECT_TRUE(Exists("app", a));
}

// The policy is deleted between the first look and the deletion: nothing is deleted.
TEST_F(ExecutorTest, PolicyRemovedMeanwhileDeletesNothing) {
  const std::string a = Push("app", 12, "", "a");
  SetPolicy("app", kUntaggedOneDay);
  executor_->SetBeforeDeleteHookForTest([&] {
    auto rec = registry::GetRepository(*db_, "app", kDefaultAccountId);
    rec->settings.lifecycle_policy_text.reset();
    ASSERT_TRUE(registry::SaveSettings(*db_, rec->id, rec->settings).ok());
  });
  auto out = executor_->Run("app", {});
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->expired.empty());
  EXPECT_TRUE(Exists("app", a));
}

// Between two batches (batch size 1), another client deletes the newest v image. Keep 2 of
// v1..v5 planned v1, v2, v3; after v1 goes and v5 is deleted, v2..v4 remain and keeping 2 leaves
// only v2 to expire. Deleting v3 from the stale plan would leave one v image instead of two.
TEST_F(ExecutorTest, ChangeBetweenBatchesRemakesThePlan) {
  std::vector<std::string> v;
  for (int i = 1; i <= 5; ++i) {
    v.push_back(Push("app", 10 - i, "v" + std::to_string(i), "v" + std::to_string(i)));
  }
  SetPolicy("app", kPolicy);
  observer_.after_delete = [&] { ASSERT_TRUE(registry_->DeleteManifest("app", v[4]).ok()); };
  RunOptions o;
  o.batch_size = 1;
  auto out = executor_->Run("app", o);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{v[0], v[1]}));
  EXPECT_TRUE(Exists("app", v[2]));
  EXPECT_TRUE(Exists("app", v[3]));
}

// The fingerprint moves with a re-tag and a recorded pull, and the share of deleted images is
// exactly what their deletion takes off it.
TEST_F(ExecutorTest, FingerprintFollowsChanges) {
  const std::string a = Push("app", 3, "one", "a");
  const std::string b = Push("app", 2, "two", "b");
  auto repo = registry::GetRepository(*db_, "app", kDefaultAccountId);
  ASSERT_TRUE(repo.ok());
  auto f0 = RepositoryFingerprint(*db_, repo->id);
  ASSERT_TRUE(f0.ok());
  EXPECT_EQ(f0->manifests, 2);
  EXPECT_EQ(f0->tags, 2);
  EXPECT_EQ(*f0, *RepositoryFingerprint(*db_, repo->id));
  clock_.Advance(std::chrono::seconds(1));
  ASSERT_TRUE(registry_->GetManifest("app", "one", true).ok());
  ASSERT_TRUE(registry_->FlushPullTimes().ok());
  auto f1 = RepositoryFingerprint(*db_, repo->id);
  EXPECT_NE(*f0, *f1);
  auto content = registry_->ManifestContent("app", *Digest::Parse(b));
  ASSERT_TRUE(registry_->PutManifest("app", "one", "application/vnd.oci.image.manifest.v1+json",
                                     *content).ok());  // "one" moves from a to b
  auto f2 = RepositoryFingerprint(*db_, repo->id);
  EXPECT_NE(*f1, *f2);
  EXPECT_EQ(f2->tags, 2);
  Fingerprint expected = *f2;
  expected -= *ManifestsFingerprint(*db_, repo->id, {b});
  ASSERT_TRUE(registry_->DeleteManifest("app", b).ok());
  EXPECT_EQ(*RepositoryFingerprint(*db_, repo->id), expected);
  auto loaded = LoadRepositoryImages(*db_, repo->id);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->fingerprint, expected);
  EXPECT_EQ(loaded->images.size(), 1u);
  EXPECT_EQ(loaded->images[0].digest, a);
}

// A tagged index names two untagged children, all old. Untagged after 1 day selects both
// children and the untagged stray; the children stay with their index, the stray goes.
// Without the index's tag (pushed by digest) the index is untagged too: all four go together.
TEST_F(ExecutorTest, ImagesAnIndexNamesStayWithIt) {
  const std::string amd = Push("app", 10, "", "amd64");
  const std::string arm = Push("app", 10, "", "arm64");
  const std::string stray = Push("app", 10, "", "stray");
  const std::string index = PushIndex("app", 10, "multi", {amd, arm});
  SetPolicy("app", kUntaggedOneDay);
  auto out = executor_->Run("app", {});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Digests(out->expired), (std::set<std::string>{stray}));
  EXPECT_EQ(Digests(out->kept_referenced), (std::set<std::string>{amd, arm}));
  EXPECT_TRUE(Exists("app", amd));
  EXPECT_TRUE(Exists("app", index));

  ASSERT_TRUE(registry_->DeleteManifest("app", "multi").ok());  // the index loses its tag
  auto second = executor_->Run("app", {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Digests(second->expired), (std::set<std::string>{amd, arm, index}));
}

TEST_F(ExecutorTest, RunAllVisitsRepositoriesWithAPolicy) {
  const std::string a = Push("one", 12, "", "a");
  const std::string b = Push("two", 12, "", "b");
  const std::string c = Push("three", 12, "", "c");
  SetPolicy("one", kUntaggedOneDay);
  SetPolicy("three", kUntaggedOneDay);
  auto out = executor_->RunAll({});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0].repository, "one");
  EXPECT_EQ((*out)[1].repository, "three");
  EXPECT_FALSE(Exists("one", a));
  EXPECT_TRUE(Exists("two", b));
  EXPECT_FALSE(Exists("three", c));
}

// PlanExpirations alone: a nested index (top → mid → leaf) keeps the whole chain while top stays.
TEST(PlanExpirations, NestedIndexesProtectTheirDescendants) {
  auto policy = ParseLifecyclePolicy(kUntaggedOneDay);
  ASSERT_TRUE(policy.ok());
  const TimePoint now = FromEpochSeconds(1700000000);
  RepositoryImages repo;
  auto add = [&](std::string d, std::vector<std::string> tags) {
    repo.images.push_back({std::move(d), std::move(tags), now - std::chrono::hours(48), {}});
  };
  add("sha256:top", {"release"});
  add("sha256:mid", {});
  add("sha256:leaf", {});
  add("sha256:other", {});
  repo.references = {{"sha256:mid", "sha256:leaf"}, {"sha256:top", "sha256:mid"}};
  const Plan plan = PlanExpirations(*policy, repo, now);
  ASSERT_EQ(plan.expirations.size(), 1u);
  EXPECT_EQ(plan.expirations[0].digest, "sha256:other");
  EXPECT_EQ(plan.kept_referenced.size(), 2u);
}

}  // namespace
}  // namespace surveyor::lifecycle
