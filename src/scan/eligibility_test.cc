#include "scan/eligibility.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "findings/store.h"
#include "findings/test_facts.h"
#include "registry/registry.h"
#include "registry/repository_settings.h"
#include "registry/schema.h"
#include "scan/service.h"

namespace surveyor::scan {
namespace {

constexpr auto kDay = std::chrono::hours(24);
const TimePoint kT0 = FromEpochSeconds(1700000000);

TEST(RescanPolicyTest, EligibilityTable) {
  // Worked out by hand from the rule: eligible while now - armed <= push window, or (mode
  // LAST_PULL_DATE) now - last pull <= pull window; LIFETIME never expires; windows inclusive.
  const struct {
    std::string config;
    int pulled_day;  // -1: never pulled
    std::chrono::seconds now;
    bool eligible;
  } cases[] = {
      {R"({"rescanDuration":"LIFETIME"})", -1, 10000 * kDay, true},
      {"null", -1, 10000 * kDay, true},
      {R"({"rescanDuration":"DAYS_14"})", -1, 14 * kDay, true},
      {R"({"rescanDuration":"DAYS_14"})", -1, 14 * kDay + std::chrono::seconds(1), false},
      {R"({"rescanDuration":"DAYS_180"})", -1, 179 * kDay, true},
      {R"({"rescanDuration":"DAYS_180"})", -1, 181 * kDay, false},
      // A pull only counts with a pull duration.
      {R"({"rescanDuration":"DAYS_30"})", 30, 31 * kDay, false},
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_30",
          "pullDateRescanMode":"LAST_PULL_DATE"})", 40, 60 * kDay, true},
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_30",
          "pullDateRescanMode":"LAST_PULL_DATE"})", 40, 70 * kDay, true},
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_30",
          "pullDateRescanMode":"LAST_PULL_DATE"})", 40, 71 * kDay, false},
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_180"})", -1, 15 * kDay, false},
      // No mode: LAST_PULL_DATE.
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_60"})", 20, 79 * kDay, true},
      // LAST_IN_USE_AT: a registry has no usage data; only the push date counts.
      {R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_30",
          "pullDateRescanMode":"LAST_IN_USE_AT"})", 40, 60 * kDay, false},
      {R"({"rescanDuration":"DAYS_60","pullDateRescanDuration":"DAYS_14",
          "pullDateRescanMode":"LAST_IN_USE_AT"})", -1, 60 * kDay, true},
  };
  for (const auto& c : cases) {
    auto policy = ParseRescanPolicy(*ParseJson(c.config));
    ASSERT_TRUE(policy.ok()) << c.config << ": " << policy.status().ToString();
    std::optional<TimePoint> pulled;
    if (c.pulled_day >= 0) pulled = kT0 + c.pulled_day * kDay;
    EXPECT_EQ(Eligible(*policy, kT0, pulled, kT0 + c.now), c.eligible)
        << c.config << " pulled day " << c.pulled_day << " now " << c.now.count() << " s";
  }
}

TEST(RescanPolicyTest, BadConfigurationsAreErrors) {
  for (const char* bad : {R"("DAYS_14")", R"({"rescanDuration":"DAYS_7"})",
                          R"({"rescanDuration":"DAYS_30","pullDateRescanDuration":"DAYS_1"})",
                          R"({"rescanDuration":"DAYS_30","pullDateRescanDuration":"DAYS_30",
                              "pullDateRescanMode":"SOMETIMES"})",
                          R"({"rescanDuration":5})", R"({"pullDateRescanDuration":["DAYS_14"]})",
                          R"({"rescanDuration":"DAYS_30","pullDateRescanDuration":"DAYS_30",
                              "pullDateRescanMode":{}})"}) {
    auto policy = ParseRescanPolicy(*ParseJson(bad));
    EXPECT_FALSE(policy.ok()) << bad;
    if (!policy.ok()) {
      EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument) << bad;
    }
  }
}

class EligibilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*store::Database::Open(":memory:"));
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    ASSERT_TRUE(Migrate(*db_).ok());
    ASSERT_TRUE(findings::Migrate(*db_).ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO repositories(id, name, created_at) VALUES (1, 'app', 0)").ok());
    // a: pushed at day 0, never pulled; b: pushed at day 0, pulled at day 20.
    AddImage(a_, std::nullopt);
    AddImage(b_, kT0 + 20 * kDay);
  }
  void AddImage(const std::string& digest, std::optional<TimePoint> pulled) {
    auto m = db_->Prepare("INSERT INTO manifests(repository_id, digest, media_type, size, content, "
                          "pushed_at, last_pulled_at) VALUES (1, ?, 'application/vnd.oci.image."
                          "manifest.v1+json', 2, '{}', ?, ?)");
    m->Bind(1, digest).Bind(2, ToUnixMillis(kT0));
    if (pulled) m->Bind(3, ToUnixMillis(*pulled)); else m->BindNull(3);
    ASSERT_TRUE(m->Run().ok());
    auto s = db_->Prepare("INSERT INTO scan_images(repository, digest, status, description, "
                          "inventory) VALUES ('app', ?, 'COMPLETE', 'done', '{}')");
    s->Bind(1, digest);
    ASSERT_TRUE(s->Run().ok());
    findings::ImageContext image;
    image.repository = "app";
    image.digest = digest;
    ASSERT_TRUE(
        findings::Reconcile(*db_, image, {findings::TestFacts("CVE-2024-0001", "zlib")}, kT0).ok());
  }
  void Configure(const std::string& config) {
    ASSERT_TRUE(registry::PutRegistrySetting(*db_, kInspectorConfigurationKey, config).ok());
  }
  std::string Column(const std::string& sql, const std::string& digest) {
    auto stmt = db_->Prepare(sql);
    stmt->Bind(1, digest);
    return *stmt->Step() ? stmt->ColumnText(0) : "<none>";
  }
  std::string Status(const std::string& d) {
    return Column("SELECT status FROM scan_images WHERE digest = ?", d);
  }
  std::string FindingStatus(const std::string& d) {
    return Column("SELECT status FROM findings WHERE image_digest = ?", d);
  }

  std::unique_ptr<store::Database> db_;
  const std::string a_ = "sha256:" + std::string(64, 'a');
  const std::string b_ = "sha256:" + std::string(64, 'b');
};

TEST_F(EligibilityTest, ImagesExpireByPushDateAndPullDateThenReArm) {
  Configure(R"({"rescanDuration":"DAYS_14","pullDateRescanDuration":"DAYS_30",
                "pullDateRescanMode":"LAST_PULL_DATE"})");
  int hook_calls = 0, closed = 0;
  ResultsHook hook = [&](store::Database& db, const ScanResults& r) {
    EXPECT_TRUE(db.InTransaction());
    ++hook_calls;
    for (const auto& c : r.changes.changes) closed += c.change == findings::Change::kClosed;
    return Status::Ok();
  };
  auto r = ApplyRescanEligibility(*db_, kT0 + 10 * kDay, {}, hook);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->checked, 2u);
  EXPECT_TRUE(r->expired.empty());
  // Day 25: a is 25 days past its push; b was pulled 5 days ago.
  r = ApplyRescanEligibility(*db_, kT0 + 25 * kDay, {}, hook);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->expired, std::vector<std::string>{"app@" + a_});
  EXPECT_EQ(Status(a_), "SCAN_ELIGIBILITY_EXPIRED");
  EXPECT_EQ(FindingStatus(a_), "CLOSED");
  EXPECT_EQ(Status(b_), "COMPLETE");
  EXPECT_EQ(FindingStatus(b_), "ACTIVE");
  EXPECT_EQ(hook_calls, 1);
  EXPECT_EQ(closed, 1);
  EXPECT_NE(Column("SELECT description FROM scan_images WHERE digest = ?", a_).find("14 days"),
            std::string::npos);
  // Nothing more to do the same day.
  r = ApplyRescanEligibility(*db_, kT0 + 25 * kDay, {}, hook);
  EXPECT_TRUE(r->expired.empty() && r->rearmed.empty());
  // Day 51: b's pull is 31 days old.
  r = ApplyRescanEligibility(*db_, kT0 + 51 * kDay, {}, hook);
  EXPECT_EQ(r->expired, std::vector<std::string>{"app@" + b_});
  EXPECT_EQ(FindingStatus(b_), "CLOSED");
  // The duration becomes LIFETIME: both are monitored again, and re-matched.
  Configure(R"({"rescanDuration":"LIFETIME"})");
  r = ApplyRescanEligibility(*db_, kT0 + 51 * kDay, {}, hook);
  EXPECT_EQ(r->rearmed.size(), 2u);
  EXPECT_EQ(Status(a_), "COMPLETE");
  EXPECT_EQ(Column("SELECT count(*) FROM scan_jobs WHERE kind = 'rematch' AND digest = ?", a_), "1");
  EXPECT_EQ(Column("SELECT count(*) FROM scan_jobs WHERE kind = 'rematch' AND digest = ?", b_), "1");
}

TEST_F(EligibilityTest, ServiceSkipsExpiredImagesAndAPushReArmsThem) {
  const std::string dir = ::testing::TempDir() + "/eligibility_blobs";
  std::filesystem::create_directories(dir);
  store::BlobStore blobs(dir, PosixFileSystem::Default());
  FakeClock clock(kT0 + 25 * kDay);
  registry::Registry registry(*db_, blobs, clock, {});
  ServiceOptions options;
  options.vulndb_dir = dir + "/no-vulndb";
  options.max_attempts = 3;
  Service service(*db_, blobs, registry, clock, options);
  Configure(R"({"rescanDuration":"DAYS_14"})");
  ASSERT_TRUE(service.CheckEligibility().ok());
  ASSERT_EQ(Status(a_), "SCAN_ELIGIBILITY_EXPIRED");
  // A re-match of the expired image is skipped (the job is done, no error); the same job for an
  // image that is still eligible is attempted, and fails here for want of a vulnerability DB.
  ASSERT_TRUE(db_->Exec("UPDATE scan_images SET status = 'COMPLETE', armed_at = " +
                        std::to_string(ToUnixMillis(clock.Now())) + " WHERE digest = '" + b_ + "'")
                  .ok());
  ASSERT_TRUE(service.RequestScan("app", a_, true).ok());
  ASSERT_TRUE(service.RequestScan("app", b_, true).ok());
  ASSERT_TRUE(service.Drain().ok());
  EXPECT_EQ(Column("SELECT count(*) FROM scan_jobs WHERE digest = ?", a_), "0");
  EXPECT_NE(Column("SELECT last_error FROM scan_jobs WHERE digest = ?", b_)
                .find("no vulnerability database"),
            std::string::npos);
  // Pushing the expired image again re-arms it: a new analysis is queued and its duration starts
  // over, so the next pass leaves it alone.
  ASSERT_TRUE(service
                  .InManifestPushed(*db_, "app", *Digest::Parse(a_), "v2",
                                    "application/vnd.oci.image.manifest.v1+json")
                  .ok());
  EXPECT_EQ(Status(a_), "PENDING");
  EXPECT_EQ(Column("SELECT armed_at FROM scan_images WHERE digest = ?", a_),
            std::to_string(ToUnixMillis(clock.Now())));
  EXPECT_EQ(Column("SELECT count(*) FROM scan_jobs WHERE kind = 'analyze' AND digest = ?", a_), "1");
  clock.Advance(kDay);
  auto r = service.CheckEligibility();
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->expired.empty());
}

}  // namespace
}  // namespace surveyor::scan
