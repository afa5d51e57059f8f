// Outbox, rules store, routing and delivery against an in-memory metadata database, with file and
// command targets (no network). Expected payloads are worked out by hand from the templates.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "events/dispatcher.h"
#include "events/outbox.h"
#include "events/rules.h"
#include "events/schema.h"
#include "events/senders.h"

namespace surveyor::events {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(":memory:");
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("events_outbox_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int64_t Count(const std::string& table) {
    auto s = db_->Prepare("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(s.ok());
    EXPECT_TRUE(*s->Step());
    return s->ColumnInt(0);
  }
  std::vector<std::string> Lines(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  void AddRuleWithTarget(const std::string& arn, const Json& extra = Json::object()) {
    Rule rule;
    rule.name = "pushes";
    rule.event_pattern = R"({"source":["aws.ecr"],"detail-type":["ECR Image Action"]})";
    ASSERT_TRUE(PutRule(*db_, rule).ok());
    Json target = {{"Id", "t1"}, {"Arn", arn}};
    target["InputTransformer"] = {
        {"InputPathsMap", {{"repo", "$.detail.repository-name"}, {"tag", "$.detail.image-tag"}}},
        {"InputTemplate", R"("pushed <repo>:<tag>")"}};
    target.update(extra);
    Status s = PutTarget(*db_, "pushes", target);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  BusIdentity bus_;
  std::unique_ptr<store::Database> db_;
  std::filesystem::path dir_;
};

TEST_F(OutboxTest, EnqueueCommitsAndRollsBackWithTheCallersTransaction) {
  AddRuleWithTarget("arn:surveyor:events:local:file/log");
  {
    store::Transaction txn(*db_);
    ASSERT_TRUE(Enqueue(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v1")).ok());
    // no Commit: rolled back with the caller's change
  }
  EXPECT_EQ(Count("events_outbox"), 0);
  {
    store::Transaction txn(*db_);
    ASSERT_TRUE(Enqueue(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v1")).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Count("events_outbox"), 1);
  EventEnvelope bad = ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v1");
  bad.account = "";
  EXPECT_FALSE(EnqueueNow(*db_, bad).ok());
  EXPECT_EQ(Count("events_outbox"), 1);
}

// As in EventBridge, an event goes to the rules that exist when it is put: with no enabled rule,
// nothing is written; a disabled one does not count; from the first enabled rule on, events are.
TEST_F(OutboxTest, WithoutAnEnabledRuleNothingIsWritten) {
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v1")).ok());
  EXPECT_EQ(Count("events_outbox"), 0);
  Rule rule;
  rule.name = "off";
  rule.event_pattern = R"({"source":["aws.ecr"]})";
  rule.state = "DISABLED";
  ASSERT_TRUE(PutRule(*db_, rule).ok());
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v2")).ok());
  EXPECT_EQ(Count("events_outbox"), 0);
  ASSERT_TRUE(SetRuleState(*db_, "off", "ENABLED").ok());
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v3")).ok());
  EXPECT_EQ(Count("events_outbox"), 1);
  // Still inside the caller's transaction only.
  EXPECT_FALSE(Enqueue(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v4")).ok());
}

// An event is written only when some enabled rule's source and detail-type could take it: with
// only a push rule, finding events are not written (and the scanner builds none).
TEST_F(OutboxTest, OnlyEventsSomeRuleCouldMatchAreWritten) {
  auto could = [&](std::string_view source, std::string_view type) {
    auto r = AnyRuleCouldMatch(*db_, source, type);
    EXPECT_TRUE(r.ok());
    return r.ok() && *r;
  };
  EXPECT_FALSE(could("aws.ecr", "ECR Image Action"));  // no rule at all
  AddRuleWithTarget("arn:surveyor:events:local:file/log");  // aws.ecr + ECR Image Action
  EXPECT_TRUE(could("aws.ecr", "ECR Image Action"));
  EXPECT_FALSE(could("aws.ecr", "ECR Image Scan"));
  EXPECT_FALSE(could(kInspectorSource, kFindingDetailType));
  const Json high = {{"severity", "HIGH"},
                     {"resources", {{{"id", "arn:aws:ecr:r:1:repository/x/sha256:ab"}}}}};
  ASSERT_TRUE(EnqueueNow(*db_, FindingEvent(bus_, high)).ok());
  EXPECT_EQ(Count("events_outbox"), 0);
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "a", "sha256:00", "v1")).ok());
  EXPECT_EQ(Count("events_outbox"), 1);

  // A rule on critical findings could take any finding event: the rest of its pattern is the
  // router's to judge, so a HIGH finding's event is written too (and routed nowhere).
  Rule critical;
  critical.name = "critical";
  critical.event_pattern =
      R"({"detail-type":[{"prefix":"Inspector2 "}],"detail":{"severity":["CRITICAL"]}})";
  ASSERT_TRUE(PutRule(*db_, critical).ok());
  EXPECT_TRUE(could(kInspectorSource, kFindingDetailType));
  EXPECT_FALSE(could(kInspectorSource, "Something Else"));
  ASSERT_TRUE(EnqueueNow(*db_, FindingEvent(bus_, high)).ok());
  EXPECT_EQ(Count("events_outbox"), 2);
  ASSERT_TRUE(SetRuleState(*db_, "critical", "DISABLED").ok());
  EXPECT_FALSE(could(kInspectorSource, kFindingDetailType));

  // anything-but is honoured; sources named under $or are not looked at (could match); a pattern
  // on the detail alone could match any event.
  Rule others;
  others.name = "others";
  others.event_pattern = R"({"source":[{"anything-but":["aws.ecr"]}]})";
  ASSERT_TRUE(PutRule(*db_, others).ok());
  EXPECT_TRUE(could(kInspectorSource, kFindingDetailType));
  EXPECT_FALSE(could("aws.ecr", "ECR Image Scan"));
  ASSERT_TRUE(SetRuleState(*db_, "others", "DISABLED").ok());
  Rule either;
  either.name = "either";
  either.event_pattern = R"({"$or":[{"source":["aws.ecr"]},{"source":["aws.s3"]}]})";
  ASSERT_TRUE(PutRule(*db_, either).ok());
  EXPECT_TRUE(could(kInspectorSource, kFindingDetailType));
  ASSERT_TRUE(SetRuleState(*db_, "either", "DISABLED").ok());
  Rule detail_only;
  detail_only.name = "detail-only";
  detail_only.event_pattern = R"({"detail":{"severity":["CRITICAL"]}})";
  ASSERT_TRUE(PutRule(*db_, detail_only).ok());
  EXPECT_TRUE(could("aws.anything", "Any Type"));
}

TEST_F(OutboxTest, FindingEventCarriesResourceTypeAndResources) {
  Json finding = {{"severity", "CRITICAL"},
                  {"resources", {{{"id", "arn:aws:ecr:r:1:repository/x/sha256:ab"},
                                  {"type", "AWS_ECR_CONTAINER_IMAGE"}}}}};
  EventEnvelope e = FindingEvent(bus_, finding);
  EXPECT_EQ(e.detail_type, "Inspector2 Finding");
  EXPECT_EQ(e.source, "aws.inspector2");
  EXPECT_EQ(e.detail["resourceType"], "AWS_ECR_CONTAINER_IMAGE");
  ASSERT_EQ(e.resources.size(), 1u);
  EXPECT_EQ(OrderingKey(e), "arn:aws:ecr:r:1:repository/x/sha256:ab");
  auto s = CompiledPattern::Compile(
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],)"
      R"("detail":{"severity":["CRITICAL"],"resourceType":["AWS_ECR_CONTAINER_IMAGE"]}})");
  ASSERT_TRUE(s.ok());
  auto flat = FlatEvent::FromJson(Json::parse(DumpJson(BuildEvent(e))));
  ASSERT_TRUE(flat.ok());
  EXPECT_TRUE(s->Matches(*flat));
}

TEST_F(OutboxTest, ScanEventBuildersUseTheBusIdentity) {
  bus_.account = "111122223333";
  bus_.region = "eu-west-1";
  const std::string arn = "arn:aws:ecr:eu-west-1:111122223333:repository/prod/app";
  EventEnvelope s = InspectorScanEvent(bus_, "prod/app", "sha256:ab", {"v1"}, {{"CRITICAL", 2}});
  EXPECT_EQ(s.detail_type, "Inspector2 Scan");
  EXPECT_EQ(s.resources, std::vector<std::string>{arn});
  EXPECT_EQ(s.detail["repository-name"], arn);
  EXPECT_EQ(s.detail["finding-severity-counts"]["TOTAL"], 2);
  EventEnvelope e = EcrImageScanEvent(bus_, "prod/app", "sha256:ab", {}, {});
  EXPECT_EQ(e.source, "aws.ecr");
  EXPECT_EQ(e.detail["repository-name"], "prod/app");
  EventEnvelope c = ScanResourceChangeEvent(
      bus_, "SCAN_FREQUENCY_CHANGE", {{"prod/app", arn, "CONTINUOUS_SCAN", "SCAN_ON_PUSH"}});
  EXPECT_EQ(c.detail_type, "ECR Scan Resource Change");
  EXPECT_EQ(c.detail["repositories"][0]["previous-scan-frequency"], "SCAN_ON_PUSH");
  EXPECT_EQ(c.detail["scan-type"], "ENHANCED");
  EventEnvelope p = ImageActionEvent(bus_, "PUSH", "prod/app", "sha256:ab", "v1");
  EXPECT_TRUE(p.resources.empty());
  EXPECT_EQ(p.account, "111122223333");
  EXPECT_EQ(OrderingKey(p), "repository/prod/app/sha256:ab");
}

TEST_F(OutboxTest, RulesAndTargetsAreValidatedWithAwsErrors) {
  Rule rule;
  rule.name = "r";
  rule.event_pattern = R"({"source":"aws.ecr"})";  // a value must be an array
  Status s = PutRule(*db_, rule);
  EXPECT_EQ(s.domain_code(), "InvalidEventPatternException");
  rule.name = "bad name!";
  rule.event_pattern = R"({"source":["aws.ecr"]})";
  EXPECT_EQ(PutRule(*db_, rule).domain_code(), "ValidationException");
  rule.name = "r";
  ASSERT_TRUE(PutRule(*db_, rule).ok());
  Json t = {{"Id", "t"}, {"Arn", "http://127.0.0.1:1/x"}, {"Input", "{not json"}};
  EXPECT_EQ(PutTarget(*db_, "r", t).domain_code(), "ValidationException");
  t = {{"Id", "t"}, {"Arn", "ftp://x"}};
  EXPECT_EQ(PutTarget(*db_, "r", t).domain_code(), "ValidationException");
  t = {{"Id", "t"}, {"Arn", "http://127.0.0.1:1/x"}};
  EXPECT_EQ(PutTarget(*db_, "missing", t).domain_code(), "ResourceNotFoundException");
  ASSERT_TRUE(PutTarget(*db_, "r", t).ok());
  EXPECT_EQ(DeleteRule(*db_, "r").domain_code(), "ValidationException");  // has targets
  ASSERT_TRUE(RemoveTarget(*db_, "r", "t").ok());
  EXPECT_TRUE(DeleteRule(*db_, "r").ok());
}

TEST_F(OutboxTest, RoutingRendersTheTransformerAndKeepsOrder) {
  AddRuleWithTarget("arn:surveyor:events:local:file/log");
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "prod/app", "sha256:01", "v1")).ok());
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "DELETE", "prod/app", "sha256:01", "v2")).ok());
  Rule other;  // a disabled rule routes nothing
  other.name = "off";
  other.state = "DISABLED";
  other.event_pattern = R"({"source":["aws.ecr"]})";
  ASSERT_TRUE(PutRule(*db_, other).ok());
  ASSERT_TRUE(PutTarget(*db_, "off", {{"Id", "x"}, {"Arn", "http://127.0.0.1:1/"}}).ok());

  DispatcherOptions opts;
  opts.senders.files["log"] = (dir_ / "out.jsonl").string();
  Dispatcher d(*db_, bus_, opts);
  auto routed = d.RouteOnce();
  ASSERT_TRUE(routed.ok());
  EXPECT_EQ(*routed, 2u);
  EXPECT_EQ(Count("events_outbox"), 0);
  EXPECT_EQ(Count("events_deliveries"), 2);
  d.Start();
  for (int i = 0; i < 200 && Lines(dir_ / "out.jsonl").size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.Stop();
  EXPECT_EQ(Lines(dir_ / "out.jsonl"),
            (std::vector<std::string>{R"("pushed prod/app:v1")", R"("pushed prod/app:v2")"}));
  EXPECT_EQ(Count("events_deliveries"), 0);
  EXPECT_EQ(d.TotalDelivered(), 2u);
}

TEST_F(OutboxTest, FailingTargetBecomesDeadLetterAndReplays) {
  AddRuleWithTarget("arn:surveyor:events:local:command/sink");
  const auto flag = dir_ / "ok";
  const auto out = dir_ / "got.txt";
  DispatcherOptions opts;
  // Fails until the flag file exists, then appends stdin to got.txt.
  opts.senders.commands["sink"] =
      "test -e '" + flag.string() + "' || exit 3; cat >> '" + out.string() + "'";
  opts.max_attempts = 2;
  opts.base_backoff = std::chrono::milliseconds(1);
  opts.idle_poll = std::chrono::milliseconds(10);
  ASSERT_TRUE(EnqueueNow(*db_, ImageActionEvent(bus_, "PUSH", "r", "sha256:02", "t")).ok());
  {
    Dispatcher d(*db_, bus_, opts);
    d.Start();
    for (int i = 0; i < 300 && Count("events_dead_letters") == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    d.Stop();
    EXPECT_EQ(d.TotalFailed(), 2u);
    EXPECT_EQ(d.TotalDeadLettered(), 1u);
  }
  auto dead = ListDeadLetters(*db_, 10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].attempts, 2);
  EXPECT_EQ((*dead)[0].payload, R"("pushed r:t")");
  EXPECT_NE((*dead)[0].last_error.find("status 3"), std::string::npos);

  std::ofstream(flag).put('1');
  auto replayed = ReplayDeadLetters(*db_, {});
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, 1u);
  EXPECT_EQ(Count("events_dead_letters"), 0);
  Dispatcher d(*db_, bus_, opts);
  d.Start();
  for (int i = 0; i < 300 && Lines(out).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.Stop();
  EXPECT_EQ(Lines(out), std::vector<std::string>{R"("pushed r:t")"});
}

// SCENARIOS.md §7: the rule and the input transformer exactly as written there, fed a finding
// event built by FindingEvent from the AWS sample finding (testdata, tag and repository adapted).
TEST_F(OutboxTest, Scenario7FindingRuleRendersTheAlert) {
  std::ifstream in(std::string(SURVEYOR_SOURCE_DIR) +
                   "/src/events/testdata/finding_critical_prod_my_app.json");
  ASSERT_TRUE(in.good());
  Json sample = Json::parse(in);
  Rule rule;
  rule.name = "critical";
  rule.event_pattern =
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],)"
      R"("detail":{"severity":["CRITICAL"],"status":["ACTIVE"],"resourceType":["AWS_ECR_CONTAINER_IMAGE"]}})";
  ASSERT_TRUE(PutRule(*db_, rule).ok());
  Json target = {{"Id", "alert"}, {"Arn", "arn:surveyor:events:local:file/alerts"}};
  target["InputTransformer"] = {
      {"InputPathsMap",
       {{"repo", "$.detail.resources[0].details.awsEcrContainerImage.repositoryName"},
        {"tag", "$.detail.resources[0].details.awsEcrContainerImage.imageTags[0]"},
        {"title", "$.detail.title"},
        {"severity", "$.detail.severity"}}},
      {"InputTemplate", R"("Critical vulnerability in <repo>:<tag> - <title>")"}};
  ASSERT_TRUE(PutTarget(*db_, "critical", target).ok());
  {
    // As the findings component would: inside its own transaction.
    store::Transaction txn(*db_);
    ASSERT_TRUE(Enqueue(*db_, FindingEvent(bus_, sample["detail"])).ok());
    Json closed = sample["detail"];
    closed["status"] = "CLOSED";  // not matched by the rule
    ASSERT_TRUE(Enqueue(*db_, FindingEvent(bus_, closed)).ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  DispatcherOptions opts;
  opts.senders.files["alerts"] = (dir_ / "alerts.jsonl").string();
  Dispatcher d(*db_, bus_, opts);
  d.Start();
  for (int i = 0; i < 300 && Lines(dir_ / "alerts.jsonl").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  d.Stop();
  EXPECT_EQ(Lines(dir_ / "alerts.jsonl"),
            std::vector<std::string>{
                R"("Critical vulnerability in prod-my-app:v1 - CVE-2019-17498 - libssh2")"});
}

// A command that exits without reading its stdin must not kill the server with SIGPIPE; its exit
// status decides. A command that hangs is killed at the timeout.
TEST_F(OutboxTest, CommandTargetSurvivesUnreadStdinAndTimesOut) {
  Target t;
  t.arn = "arn:surveyor:events:local:command/c";
  SenderConfig config;
  config.timeout = std::chrono::milliseconds(500);
  const std::string big(1 << 20, 'x');  // larger than any pipe buffer
  config.commands["c"] = "exit 0";
  EXPECT_TRUE(SendToTarget(*db_, t, big, config).ok());
  config.commands["c"] = "exit 4";
  Status s = SendToTarget(*db_, t, big, config);
  EXPECT_NE(s.message().find("status 4"), std::string::npos) << s.ToString();
  config.commands["c"] = "sleep 30";
  const auto start = std::chrono::steady_clock::now();
  s = SendToTarget(*db_, t, "{}", config);
  EXPECT_NE(s.message().find("timed out"), std::string::npos) << s.ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  config.commands.clear();
  EXPECT_EQ(SendToTarget(*db_, t, "{}", config).code(), StatusCode::kFailedPrecondition);
}

TEST(BackoffTest, DoublesFromTheBaseUpToTheCapWithJitterInTheUpperHalf) {
  DispatcherOptions o;
  o.base_backoff = std::chrono::milliseconds(100);
  o.max_backoff = std::chrono::milliseconds(1000);
  EXPECT_EQ(BackoffDelay(2, 1.0, o).count(), 100);  // first retry: the base
  EXPECT_EQ(BackoffDelay(3, 1.0, o).count(), 200);
  EXPECT_EQ(BackoffDelay(4, 0.0, o).count(), 200);  // 400 halved by zero jitter
  EXPECT_EQ(BackoffDelay(9, 1.0, o).count(), 1000);  // capped
  EXPECT_EQ(BackoffDelay(40, 0.5, o).count(), 750);
}

}  // namespace
}  // namespace surveyor::events
