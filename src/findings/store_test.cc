#include "findings/store.h"

#include <gtest/gtest.h>

namespace surveyor::findings {
namespace {

FindingFacts Facts(std::string vuln, std::string severity, std::string fix) {
  FindingFacts f;
  f.key = vuln + "|Debian:12|openssl";
  f.vulnerability_id = vuln;
  f.title = vuln + " - openssl";
  f.severity = severity;
  f.fix_available = fix;
  f.exploit_available = "NO";
  f.package_manager = "OS";
  f.package_name = "openssl";
  f.detail = {{"description", "d"}, {"remediation", {{"recommendation", {{"text", "t"}}}}}};
  f.fingerprint = severity + fix;
  return f;
}

class FindingsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*store::Database::Open(":memory:"));
    ASSERT_TRUE(Migrate(*db_).ok());
    image_.repository = "prod-my-app";
    image_.digest = "sha256:" + std::string(64, 'a');
    image_.tags = {"v1"};
  }
  std::vector<std::string> Changes(const ReconcileResult& r) {
    std::vector<std::string> out;
    for (const auto& c : r.changes) {
      out.push_back(std::string(ChangeName(c.change)) + " " + c.finding["title"].get<std::string>() +
                    " " + c.finding["status"].get<std::string>());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  TimePoint T(int seconds) { return FromEpochSeconds(1700000000 + seconds); }

  std::unique_ptr<store::Database> db_;
  ImageContext image_;
};

TEST_F(FindingsStoreTest, StateMachine) {
  const FindingFacts a = Facts("CVE-1", "HIGH", "NO"), b = Facts("CVE-2", "LOW", "YES");
  auto r1 = Reconcile(*db_, image_, {a, b}, T(0));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(Changes(*r1), (std::vector<std::string>{"CREATED CVE-1 - openssl ACTIVE",
                                                    "CREATED CVE-2 - openssl ACTIVE"}));
  const std::string arn_b = r1->changes[1].finding["findingArn"];
  // Seen again unchanged: nothing to report, only lastObservedAt moves.
  EXPECT_TRUE(Reconcile(*db_, image_, {a, b}, T(10))->changes.empty());
  // A fix appears for CVE-1; CVE-2 is gone (advisory withdrawn, package upgraded...).
  const FindingFacts a_fixed = Facts("CVE-1", "HIGH", "YES");
  auto r3 = Reconcile(*db_, image_, {a_fixed}, T(20));
  EXPECT_EQ(Changes(*r3), (std::vector<std::string>{"CLOSED CVE-2 - openssl CLOSED",
                                                    "UPDATED CVE-1 - openssl ACTIVE"}));
  for (const auto& c : r3->changes) {
    if (c.change == Change::kUpdated) {
      EXPECT_EQ(c.finding["fixAvailable"], "YES");
      EXPECT_DOUBLE_EQ(c.finding["firstObservedAt"].get<double>(), ToEpochSeconds(T(0)));
      EXPECT_DOUBLE_EQ(c.finding["updatedAt"].get<double>(), ToEpochSeconds(T(20)));
    }
  }
  auto summary = SummarizeImage(*db_, image_.repository, image_.digest);
  EXPECT_EQ(summary->high, 1);
  EXPECT_EQ(summary->low, 0);
  // CVE-2 recurs: the same finding reopens, with the same ARN.
  auto r4 = Reconcile(*db_, image_, {a_fixed, b}, T(30));
  ASSERT_EQ(r4->changes.size(), 1u);
  EXPECT_EQ(r4->changes[0].change, Change::kReopened);
  EXPECT_EQ(r4->changes[0].finding["findingArn"], arn_b);
  EXPECT_EQ(r4->changes[0].finding["status"], "ACTIVE");
  // The image is deleted: everything closes, and stays listed as CLOSED.
  auto r5 = CloseImage(*db_, image_, T(40));
  EXPECT_EQ(r5->changes.size(), 2u);
  EXPECT_EQ(SummarizeImage(*db_, image_.repository, image_.digest)->total(), 0);
  EXPECT_EQ(ImageFindings(*db_, image_.repository, image_.digest, true)->size(), 2u);
  EXPECT_TRUE(ImageFindings(*db_, image_.repository, image_.digest, false)->empty());
}

TEST_F(FindingsStoreTest, ObservedGranularityLimitsRewritesOfUnchangedFindings) {
  const FindingFacts a = Facts("CVE-1", "HIGH", "NO");
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(0)).ok());
  auto last_observed = [&] {
    auto stmt = db_->Prepare("SELECT last_observed FROM findings");
    EXPECT_TRUE(*stmt->Step());
    return stmt->ColumnInt(0);
  };
  const std::chrono::milliseconds hour = std::chrono::hours(1);
  // Seen again unchanged within the hour: the row is left alone.
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(600), hour).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(0)));
  // An hour later it moves; without a granularity it always moves.
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(3600), hour).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(3600)));
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(3601)).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(3601)));
  // A change is recorded at once whatever the granularity.
  auto r = Reconcile(*db_, image_, {Facts("CVE-1", "HIGH", "YES")}, T(3602), hour);
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(last_observed(), ToUnixMillis(T(3602)));
}

TEST_F(FindingsStoreTest, FindingsOfOtherImagesAreUntouched) {
  ImageContext other = image_;
  other.digest = "sha256:" + std::string(64, 'b');
  ASSERT_TRUE(Reconcile(*db_, other, {Facts("CVE-9", "CRITICAL", "NO")}, T(0)).ok());
  ASSERT_TRUE(Reconcile(*db_, image_, {}, T(5)).ok());
  EXPECT_EQ(SummarizeImage(*db_, other.repository, other.digest)->critical, 1);
  // ARNs differ per image for the same vulnerability.
  EXPECT_NE(FindingArn(image_, "k"), FindingArn(other, "k"));
  EXPECT_EQ(FindingArn(image_, "k"), FindingArn(image_, "k"));
}

TEST(PlatformNameTest, FromOsRelease) {
  EXPECT_EQ(PlatformName({"debian", "12", "", ""}), "DEBIAN_12");
  EXPECT_EQ(PlatformName({"alpine", "3.17.3", "", ""}), "ALPINE_LINUX_3_17");
  EXPECT_EQ(PlatformName({"ubuntu", "22.04", "", ""}), "UBUNTU_22_04");
  EXPECT_EQ(PlatformName({}), "");
}

}  // namespace
}  // namespace surveyor::findings
