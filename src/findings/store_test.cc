#include "findings/store.h"

#include <gtest/gtest.h>

#include <set>

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
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(600), {.observed_granularity = hour}).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(0)));
  // An hour later it moves; without a granularity it always moves.
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(3600), {.observed_granularity = hour}).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(3600)));
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(3601)).ok());
  EXPECT_EQ(last_observed(), ToUnixMillis(T(3601)));
  // A change is recorded at once whatever the granularity.
  auto r = Reconcile(*db_, image_, {Facts("CVE-1", "HIGH", "YES")}, T(3602), {.observed_granularity = hour});
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

std::shared_ptr<const SharedText> Text(const std::string& description) {
  auto t = std::make_shared<SharedText>();
  t->json = {{"description", description},
             {"packageVulnerabilityDetails", {{"referenceUrls", {"https://example.test/a"}}}}};
  t->body = DumpJson(t->json);
  t->key = "CVE-1|DEBIAN_CVE";
  return t;
}

int64_t Count(store::Database& db, const std::string& sql) {
  auto stmt = db.Prepare(sql);
  return *stmt->Step() ? stmt->ColumnInt(0) : -1;
}

TEST_F(FindingsStoreTest, VulnerabilityTextIsStoredOnceAndRevisedInPlace) {
  ImageContext other = image_;
  other.digest = "sha256:" + std::string(64, 'b');
  FindingFacts a = Facts("CVE-1", "HIGH", "NO");
  a.detail = {{"packageVulnerabilityDetails", {{"vulnerabilityId", "CVE-1"}}}};
  a.text = Text("first words");
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(0)).ok());
  ASSERT_TRUE(Reconcile(*db_, other, {a}, T(0)).ok());
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_texts"), 1);
  auto read = ImageFindings(*db_, image_.repository, image_.digest, false);
  ASSERT_EQ(read->size(), 1u);
  // Both parts are merged back: the finding's own and the shared text.
  EXPECT_EQ((*read)[0]["description"], "first words");
  EXPECT_EQ((*read)[0]["packageVulnerabilityDetails"]["vulnerabilityId"], "CVE-1");
  EXPECT_EQ((*read)[0]["packageVulnerabilityDetails"]["referenceUrls"][0], "https://example.test/a");
  EXPECT_EQ((*read)[0]["updatedAt"], 1700000000.0);

  // The advisory's description is revised, and one image is matched again: every finding of the
  // vulnerability shows the new text at once, and none is "updated" by it.
  a.text = Text("revised words");
  auto r = Reconcile(*db_, image_, {a}, T(30), {.observed_granularity = std::chrono::hours(1)});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changes.empty());
  for (const ImageContext* image : {&image_, &other}) {
    read = ImageFindings(*db_, image->repository, image->digest, false);
    EXPECT_EQ((*read)[0]["description"], "revised words");
    EXPECT_EQ((*read)[0]["updatedAt"], 1700000000.0);
    EXPECT_EQ((*read)[0]["lastObservedAt"], 1700000000.0);  // within the hour: not rewritten
  }
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_texts"), 1);
  // A re-worded advisory reaches the text without a match (these findings keep their scores).
  EXPECT_EQ(*VulnerabilitySources(*db_, "CVE-1"), std::vector<std::string>{"DEBIAN_CVE"});
  auto revised = Rescore(*db_, {"CVE-1|DEBIAN_CVE", "HIGH", -1, Text("third words")}, T(40), true);
  ASSERT_TRUE(revised.ok()) << revised.status().ToString();
  EXPECT_TRUE(revised->changes.empty());
  for (const ImageContext* image : {&image_, &other}) {
    read = ImageFindings(*db_, image->repository, image->digest, false);
    EXPECT_EQ((*read)[0]["description"], "third words");
    EXPECT_EQ((*read)[0]["updatedAt"], 1700000000.0);
  }
  // A text goes once no finding refers to it.
  EXPECT_EQ(*DeleteUnusedSharedRows(*db_), 0);
  ASSERT_TRUE(db_->Exec("DELETE FROM findings").ok());
  EXPECT_EQ(*DeleteUnusedSharedRows(*db_), 2);  // the text and the score row
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_scores"), 0);
}

TEST_F(FindingsStoreTest, ReScoredAdvisoryUpdatesColumnsNotTheStoredJson) {
  FindingFacts a = Facts("CVE-1", "LOW", "NO");
  a.inspector_score = 3.1;
  ASSERT_TRUE(Reconcile(*db_, image_, {a}, T(0)).ok());
  const int64_t before = Count(*db_, "SELECT length(finding) FROM finding_bodies");
  a.severity = "HIGH";
  a.inspector_score = 7.5;  // same fingerprint: only the scalars differ
  auto r = Reconcile(*db_, image_, {a}, T(10), {.describe_changes = false});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changes.size(), 1u);
  EXPECT_EQ(r->changes[0].change, Change::kUpdated);
  EXPECT_TRUE(r->changes[0].finding.is_null());
  auto read = ImageFindings(*db_, image_.repository, image_.digest, false);
  EXPECT_EQ((*read)[0]["severity"], "HIGH");
  EXPECT_EQ((*read)[0]["inspectorScore"], 7.5);
  EXPECT_EQ((*read)[0]["updatedAt"], 1700000010.0);
  EXPECT_EQ((*read)[0]["firstObservedAt"], 1700000000.0);
  EXPECT_EQ(Count(*db_, "SELECT length(finding) FROM finding_bodies"), before);
  EXPECT_EQ(SummarizeImage(*db_, image_.repository, image_.digest)->high, 1);
}

// Images under continuous scanning share a live score row per vulnerability: a re-scored
// advisory is one row write, and every open finding showing it changes (and is reported) at once.
// Findings of images scanned on push keep their own (frozen) scores, and so does a closed finding.
TEST_F(FindingsStoreTest, LiveScoreRowReScoresEveryOpenFindingOnce) {
  auto image = [&](char c) {
    ImageContext i = image_;
    i.digest = "sha256:" + std::string(64, c);
    return i;
  };
  const ImageContext a = image('a'), b = image('b'), on_push = image('c'), closed = image('d');
  FindingFacts low = Facts("CVE-1", "LOW", "NO");
  low.inspector_score = 3.1;
  const ReconcileOptions live{.live_scores = true};
  for (const ImageContext* i : {&a, &b, &closed}) {
    ASSERT_TRUE(Reconcile(*db_, *i, {low}, T(0), live).ok());
  }
  ASSERT_TRUE(Reconcile(*db_, on_push, {low}, T(0)).ok());
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_scores"), 2);  // one live, one frozen
  ASSERT_TRUE(CloseImage(*db_, closed, T(5)).ok());

  FindingFacts high = low;
  high.severity = "HIGH";
  high.inspector_score = 7.5;
  auto r = Reconcile(*db_, a, {high}, T(10), live);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // a's own finding and b's, which this call did not match: both open findings of the row.
  ASSERT_EQ(r->changes.size(), 2u);
  std::set<std::string> images;
  for (const auto& c : r->changes) {
    EXPECT_EQ(c.change, Change::kUpdated);
    EXPECT_EQ(c.finding["severity"], "HIGH");
    EXPECT_EQ(c.finding["inspectorScore"], 7.5);
    EXPECT_EQ(c.finding["updatedAt"], 1700000010.0);
    images.insert(c.finding["resources"][0]["details"]["awsEcrContainerImage"]["imageHash"]);
  }
  EXPECT_EQ(images, (std::set<std::string>{a.digest, b.digest}));
  auto severity_of = [&](const ImageContext& i) {
    auto read = ImageFindings(*db_, i.repository, i.digest, true);
    return (*read)[0]["severity"].get<std::string>() + " " +
           (*read)[0]["status"].get<std::string>();
  };
  EXPECT_EQ(severity_of(b), "HIGH ACTIVE");
  EXPECT_EQ(severity_of(on_push), "LOW ACTIVE");
  EXPECT_EQ(severity_of(closed), "LOW CLOSED");
  // b's own row was not written: its updatedAt comes from the score row.
  EXPECT_EQ(Count(*db_, "SELECT updated FROM findings WHERE image_digest = '" + b.digest + "'"),
            1700000000000);
  EXPECT_EQ(ImageFindings(*db_, b.repository, b.digest, false)->at(0)["updatedAt"], 1700000010.0);
  EXPECT_EQ(SummarizeImage(*db_, b.repository, b.digest)->high, 1);
  // When b is matched in its turn, nothing is new to it.
  r = Reconcile(*db_, b, {high}, T(20), live);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->changes.empty());
  // Re-scored back, without reading the changed findings (nobody listens): still one row.
  r = Reconcile(*db_, b, {low}, T(30), {.describe_changes = false, .live_scores = true});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->changes.size(), 1u);  // b's own; a's changed too, unreported
  EXPECT_EQ(severity_of(a), "LOW ACTIVE");
}

// A repository that leaves continuous scanning keeps the scores its findings show: a later
// re-score reaches only the repositories still under it.
TEST_F(FindingsStoreTest, FrozenRepositoryKeepsItsScores) {
  ImageContext kept = image_, left = image_;
  left.repository = "dev-x";
  FindingFacts low = Facts("CVE-1", "LOW", "NO");
  low.inspector_score = 3.1;
  const ReconcileOptions live{.live_scores = true};
  ASSERT_TRUE(Reconcile(*db_, kept, {low}, T(0), live).ok());
  ASSERT_TRUE(Reconcile(*db_, left, {low}, T(0), live).ok());
  EXPECT_TRUE(*AnyLiveScores(*db_));
  // A closed finding's frozen row (written by Reconcile) is the one FreezeScores would write.
  ImageContext gone = image_;
  gone.repository = "gone";
  ASSERT_TRUE(Reconcile(*db_, gone, {low}, T(0), live).ok());
  ASSERT_TRUE(CloseImage(*db_, gone, T(1)).ok());
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_scores"), 2);
  ASSERT_TRUE(FreezeScores(*db_, "dev-x").ok());
  ASSERT_TRUE(FreezeScores(*db_, "dev-x").ok());  // twice: nothing more happens
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_scores"), 2);
  FindingFacts high = low;
  high.severity = "HIGH";
  high.inspector_score = 7.5;
  auto r = Reconcile(*db_, kept, {high}, T(10), live);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->changes.size(), 1u);  // kept's own; dev-x no longer follows
  auto read = ImageFindings(*db_, left.repository, left.digest, false);
  EXPECT_EQ((*read)[0]["severity"], "LOW");
  EXPECT_EQ((*read)[0]["inspectorScore"], 3.1);
  EXPECT_EQ((*read)[0]["updatedAt"], 1700000000.0);
  EXPECT_EQ(ImageFindings(*db_, kept.repository, kept.digest, false)->at(0)["severity"], "HIGH");
  // Closing the frozen finding reuses its frozen row.
  ASSERT_TRUE(CloseImage(*db_, left, T(20)).ok());
  EXPECT_EQ(Count(*db_, "SELECT count(*) FROM finding_scores"), 2);
}

TEST_F(FindingsStoreTest, ScopedReconcileLeavesOtherPackagesAlone) {
  FindingFacts ssl = Facts("CVE-1", "HIGH", "NO");
  FindingFacts zlib = Facts("CVE-2", "LOW", "NO");
  zlib.key = "CVE-2|Debian:12|zlib";
  zlib.package_name = "zlib";
  ASSERT_TRUE(Reconcile(*db_, image_, {ssl, zlib}, T(0)).ok());
  // An import touched zlib only, and zlib's advisory is gone: its finding closes, openssl's
  // finding (absent from these facts) stays open.
  const PackageScope scope = {{"Debian:12", "zlib"}};
  auto r = Reconcile(*db_, image_, {}, T(10), {.scope = &scope});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Changes(*r), (std::vector<std::string>{"CLOSED CVE-2 - openssl CLOSED"}));
  EXPECT_EQ(SummarizeImage(*db_, image_.repository, image_.digest)->high, 1);
  // A change within the scope is an update as usual.
  const PackageScope ssl_scope = {{"Debian:12", "openssl"}};
  r = Reconcile(*db_, image_, {Facts("CVE-1", "CRITICAL", "NO")}, T(20), {.scope = &ssl_scope});
  EXPECT_EQ(Changes(*r), (std::vector<std::string>{"UPDATED CVE-1 - openssl ACTIVE"}));
  EXPECT_EQ(r->changes[0].finding["severity"], "CRITICAL");
}

TEST(PlatformNameTest, FromOsRelease) {
  EXPECT_EQ(PlatformName({"debian", "12", "", ""}), "DEBIAN_12");
  EXPECT_EQ(PlatformName({"alpine", "3.17.3", "", ""}), "ALPINE_LINUX_3_17");
  EXPECT_EQ(PlatformName({"ubuntu", "22.04", "", ""}), "UBUNTU_22_04");
  EXPECT_EQ(PlatformName({}), "");
}

// A database written before migration 5 kept each finding's JSON in its row: the migration moves
// it to finding_bodies (and migration 6 its severity and score to a score row), and the finding
// reads back the same.
TEST(FindingsMigrationTest, BodiesMoveOutOfTheRowsIntact) {
  auto db = std::move(*store::Database::Open(":memory:"));
  const std::vector<store::Migration> before(Migrations().begin(), Migrations().begin() + 4);
  ASSERT_EQ(before.back().version, 4);
  ASSERT_TRUE(db->Migrate("findings", before).ok());
  ASSERT_TRUE(db->Exec(
      "INSERT INTO findings(id, arn, repository, image_digest, finding_key, vulnerability_id, "
      "title, status, severity, severity_rank, inspector_score, fix_available, exploit_available, "
      "first_observed, last_observed, updated, fingerprint, finding) VALUES (7, 'arn:f/7', 'app', "
      "'sha256:d', 'CVE-1|Debian:12|zlib', 'CVE-1', 'CVE-1 - zlib', 'ACTIVE', 'HIGH', 4, 7.5, "
      "'YES', 'NO', "
      "1700000000000, 1700000000000, 1700000000000, 'x', "
      "'{\"findingArn\":\"arn:f/7\",\"type\":\"PACKAGE_VULNERABILITY\"}')").ok());
  ASSERT_TRUE(Migrate(*db).ok());
  auto read = ImageFindings(*db, "app", "sha256:d", true);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0]["findingArn"], "arn:f/7");
  EXPECT_EQ((*read)[0]["type"], "PACKAGE_VULNERABILITY");
  EXPECT_EQ((*read)[0]["severity"], "HIGH");  // the columns, overlaid (migration 6: a score row)
  EXPECT_EQ((*read)[0]["inspectorScore"], 7.5);
  auto columns = db->Prepare("SELECT count(*) FROM pragma_table_info('findings') WHERE name = 'finding'");
  ASSERT_TRUE(columns.ok());
  ASSERT_TRUE(*columns->Step());
  EXPECT_EQ(columns->ColumnInt(0), 0);
}

}  // namespace
}  // namespace surveyor::findings
