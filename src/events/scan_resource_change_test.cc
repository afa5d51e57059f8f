// "ECR Scan Resource Change": which repositories a scanning change moves, and that the change and
// its events commit together. Expected frequencies are worked out by hand from SPEC §6.3 (no `*`:
// substring; with `*`: anchored glob; ENHANCED: CONTINUOUS_SCAN beats SCAN_ON_PUSH, no match =
// off; never configured = Surveyor's ENHANCED, everything continuous).
#include "events/scan_resource_change.h"

#include <gtest/gtest.h>

#include "events/rules.h"
#include "events/schema.h"
#include "registry/repository_settings.h"
#include "registry/schema.h"

namespace surveyor::events {
namespace {

class ScanResourceChangeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    ASSERT_TRUE(Migrate(*db_).ok());
    // Events are written only while some rule listens (outbox.h).
    ASSERT_TRUE(PutRule(*db_, {.name = "listen", .event_pattern = R"({"source":["aws.ecr"]})",
                             .state = "ENABLED", .description = ""}).ok());
  }
  void AddRepository(const std::string& name, bool scan_on_push = false) {
    registry::RepositorySettings settings;
    settings.scan_on_push = scan_on_push;
    ASSERT_TRUE(registry::CreateRepository(*db_, name, settings, 0, bus_.account).ok());
  }
  Status SetConfig(const std::string& json) {
    return ChangeScanningWithEvents(*db_, bus_, [&]() -> Status {
      ASSIGN_OR_RETURN(Json j, ParseJson(json));
      ASSIGN_OR_RETURN(auto config, registry::ParseScanningConfiguration(j));
      return registry::SaveScanningConfiguration(*db_, config);
    });
  }
  std::vector<Json> Outbox() {
    std::vector<Json> out;
    auto stmt = db_->Prepare("SELECT body FROM events_outbox ORDER BY id");
    EXPECT_TRUE(stmt.ok());
    while (*stmt->Step()) out.push_back(*ParseJson(stmt->ColumnText(0)));
    return out;
  }
  static Json Entry(const std::string& name, const std::string& now, const std::string& before) {
    return {{"repository-name", name},
            {"repository-arn", "arn:aws:ecr:us-east-1:123456789012:repository/" + name},
            {"scan-frequency", now},
            {"previous-scan-frequency", before}};
  }

  BusIdentity bus_;
  std::unique_ptr<store::Database> db_;
};

TEST_F(ScanResourceChangeTest, RulesThatMoveRepositoriesEmitOneEventWithEachMove) {
  AddRepository("prod-app");
  AddRepository("dev-app");
  AddRepository("prodrepo");
  // Before: never configured, so all three are CONTINUOUS_SCAN.
  ASSERT_TRUE(SetConfig(R"({"scanType":"ENHANCED","rules":[
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"prod*","filterType":"WILDCARD"}]},
      {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prodrepo","filterType":"WILDCARD"}]}]})")
                  .ok());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["source"], "aws.ecr");
  EXPECT_EQ(events[0]["detail-type"], "ECR Scan Resource Change");
  EXPECT_EQ(events[0]["resources"], Json::array());
  const Json want = {{"action-type", "SCAN_FREQUENCY_CHANGE"},
                     {"repositories", Json::array({Entry("dev-app", "MANUAL", "CONTINUOUS_SCAN"),
                                                   Entry("prod-app", "SCAN_ON_PUSH",
                                                         "CONTINUOUS_SCAN")})},
                     {"resource-type", "REPOSITORY"},
                     {"scan-type", "ENHANCED"}};
  EXPECT_EQ(events[0]["detail"], want);  // prodrepo stays CONTINUOUS_SCAN: not listed

  // The same configuration again moves nothing.
  ASSERT_TRUE(SetConfig(R"({"scanType":"ENHANCED","rules":[
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"prod*","filterType":"WILDCARD"}]},
      {"scanFrequency":"CONTINUOUS_SCAN","repositoryFilters":[{"filter":"prodrepo","filterType":"WILDCARD"}]}]})")
                  .ok());
  EXPECT_EQ(Outbox().size(), 1u);
}

TEST_F(ScanResourceChangeTest, LeavingEnhancedIsReportedWithTheNewScanType) {
  AddRepository("app");
  ASSERT_TRUE(SetConfig(R"({"scanType":"BASIC","rules":[]})").ok());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["detail"]["scan-type"], "BASIC");
  EXPECT_EQ(events[0]["detail"]["repositories"],
            Json::array({Entry("app", "MANUAL", "CONTINUOUS_SCAN")}));
}

TEST_F(ScanResourceChangeTest, ChangesUnderBasicScanningAreNotReported) {
  AddRepository("app");
  ASSERT_TRUE(SetConfig(R"({"scanType":"BASIC","rules":[]})").ok());
  const size_t after_switch = Outbox().size();
  // BASIC: MANUAL → SCAN_ON_PUSH for "app", but enhanced scanning is off: AWS sends nothing.
  ASSERT_TRUE(SetConfig(R"({"scanType":"BASIC","rules":[
      {"scanFrequency":"SCAN_ON_PUSH","repositoryFilters":[{"filter":"app","filterType":"WILDCARD"}]}]})")
                  .ok());
  EXPECT_EQ(Outbox().size(), after_switch);
  auto snap = SnapshotScanning(*db_);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->frequencies.at("app"), "SCAN_ON_PUSH");
}

TEST_F(ScanResourceChangeTest, AFailedChangeRollsBackWithItsEvents) {
  AddRepository("app");
  Status s = ChangeScanningWithEvents(*db_, bus_, [&]() -> Status {
    registry::ScanningConfiguration basic;  // BASIC, no rules: "app" would become MANUAL
    RETURN_IF_ERROR(registry::SaveScanningConfiguration(*db_, basic));
    return Internal("later step failed");
  });
  EXPECT_EQ(s.message(), "later step failed");
  EXPECT_TRUE(Outbox().empty());
  auto snap = SnapshotScanning(*db_);
  ASSERT_TRUE(snap.ok());
  EXPECT_EQ(snap->scan_type, "ENHANCED");  // the configuration is still the default
  EXPECT_EQ(snap->frequencies.at("app"), "CONTINUOUS_SCAN");
}

TEST_F(ScanResourceChangeTest, LargeChangesAreSplitIntoBoundedEvents) {
  ScanningSnapshot before{"ENHANCED", {}}, after{"ENHANCED", {}};
  for (int i = 0; i < 250; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "r%03d", i);
    before.frequencies[name] = "CONTINUOUS_SCAN";
    after.frequencies[name] = "SCAN_ON_PUSH";
  }
  after.frequencies["new-repo"] = "SCAN_ON_PUSH";  // not in `before`: not a frequency change
  auto events = ScanResourceChangeEvents(bus_, before, after);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].detail["repositories"].size(), 100u);
  EXPECT_EQ(events[1].detail["repositories"].size(), 100u);
  EXPECT_EQ(events[2].detail["repositories"].size(), 50u);
  EXPECT_EQ(events[0].detail["repositories"][0]["repository-name"], "r000");
  EXPECT_EQ(events[2].detail["repositories"][49]["repository-name"], "r249");
  ScanningSnapshot basic_before{"BASIC", before.frequencies}, basic_after{"BASIC", after.frequencies};
  EXPECT_TRUE(ScanResourceChangeEvents(bus_, basic_before, basic_after).empty());
}

}  // namespace
}  // namespace surveyor::events
