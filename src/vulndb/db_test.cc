// Storage and import tests: the diff of a re-import, atomicity (readers see the old data until
// commit; failed imports change nothing), zip archives (good and truncated), disk full, the
// package index and the merged view.
#include "vulndb/db.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "vulndb/importer.h"
#include "vulndb/package_index.h"
#include "vulndb/severity.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("vulndb-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string Osv(const std::string& id, const std::string& pkg, const std::string& fixed,
                const std::string& extra = "") {
  return R"({"id":")" + id + R"(","modified":"2024-01-01T00:00:00Z","summary":"s )" + id +
         R"(","affected":[{"package":{"ecosystem":"PyPI","name":")" + pkg +
         R"("},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":")" + fixed +
         R"("}]}]}])" + extra + "}";
}

Result<ImportResult> Import(VulnDb& db, const fs::path& location, const std::string& source) {
  ImportRequest req;
  req.location = location.string();
  req.source = source;
  return RunImport(db, req);
}

std::set<std::string> Ids(const ImportSummary& s, const std::string& kind) {
  std::set<std::string> out;
  for (const Change& c : s.changes)
    if (c.kind == kind) out.insert(c.id);
  return out;
}

// A record whose severity or CVSS alone changed matches what it matched: it is "rescored" (and
// counted as changed) and touches no package, so no image is matched again for it. Any other
// member that matching or a finding reads (ranges, aliases) makes it "changed".
TEST(VulnDbTest, ReScoredRecordTouchesNoPackage) {
  TempDir dir;
  const fs::path feed = dir.path() / "feed";
  Write(feed / "1.json", Osv("GHSA-rrrr-0001-0001", "scored", "1.0"));
  Write(feed / "2.json", Osv("GHSA-rrrr-0002-0002", "fixed-later", "1.0"));
  Write(feed / "3.json", Osv("GHSA-rrrr-0003-0003", "aliased", "1.0"));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Import(**db, feed, "rescore").ok());
  const std::string critical =
      R"(,"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}])";
  Write(feed / "1.json", Osv("GHSA-rrrr-0001-0001", "scored", "1.0", critical));
  Write(feed / "2.json", Osv("GHSA-rrrr-0002-0002", "fixed-later", "2.0", critical));
  Write(feed / "3.json",
        Osv("GHSA-rrrr-0003-0003", "aliased", "1.0", critical + R"(,"aliases":["CVE-2024-9"])"));
  auto second = Import(**db, feed, "rescore");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Ids(second->summary, "rescored"), std::set<std::string>{"GHSA-rrrr-0001-0001"});
  EXPECT_EQ(Ids(second->summary, "changed"),
            (std::set<std::string>{"GHSA-rrrr-0002-0002", "GHSA-rrrr-0003-0003"}));
  EXPECT_EQ(second->summary.changed, 3);
  using Packages = std::set<std::pair<std::string, std::string>>;
  EXPECT_EQ(second->summary.packages, (Packages{{"PyPI", "fixed-later"}, {"PyPI", "aliased"}}));
  // The new score is stored all the same.
  auto shown = (*db)->Show("GHSA-rrrr-0001-0001");
  ASSERT_TRUE(shown.ok());
  EXPECT_FALSE(shown->severity.empty());
}

TEST(VulnDbTest, ReimportDiffHasExactlyTheChangedRecord) {
  TempDir dir;
  const fs::path feed = dir.path() / "feed";
  Write(feed / "A-1.json", Osv("GHSA-0001-0001-0001", "Foo_Bar", "1.0"));
  Write(feed / "A-2.json", Osv("GHSA-0002-0002-0002", "other", "2.0"));
  Write(feed / "A-3.json", Osv("GHSA-0003-0003-0003", "third", "3.0"));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok()) << db.status().ToString();

  auto first = Import(**db, feed, "ghsa");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->summary.added, 3);
  EXPECT_EQ(first->summary.packages.size(), 3u);

  // Same feed again: no diff at all.
  auto same = Import(**db, feed, "ghsa");
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->summary.changes.empty());
  EXPECT_TRUE(same->summary.packages.empty());
  EXPECT_EQ(same->summary.fingerprint, first->summary.fingerprint);

  // One record's fix moves and it gains a package; another changes only its summary text.
  Write(feed / "A-1.json",
        R"({"id":"GHSA-0001-0001-0001","modified":"2024-02-01T00:00:00Z","affected":[)"
        R"({"package":{"ecosystem":"PyPI","name":"Foo_Bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.1"}]}]},)"
        R"({"package":{"ecosystem":"npm","name":"@scope/js"},"versions":["1.0.0"]}]})");
  {
    std::string text = Osv("GHSA-0002-0002-0002", "other", "2.0");
    text.replace(text.find("\"s GHSA"), 7, "\"new words GHSA");
    Write(feed / "A-2.json", text);
  }
  auto second = Import(**db, feed, "ghsa");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->summary.changes.size(), 2u);
  EXPECT_EQ(Ids(second->summary, "changed"), std::set<std::string>{"GHSA-0001-0001-0001"});
  // The text-only change is "revised": listed, not counted, and it touches no package.
  EXPECT_EQ(Ids(second->summary, "revised"), std::set<std::string>{"GHSA-0002-0002-0002"});
  EXPECT_EQ(second->summary.changed, 1);
  const std::set<std::pair<std::string, std::string>> expected_packages = {
      {"PyPI", "foo-bar"}, {"npm", "@scope/js"}};
  EXPECT_EQ(second->summary.packages, expected_packages);
  EXPECT_NE(second->summary.fingerprint, first->summary.fingerprint);
  // The text-only change was stored nonetheless.
  auto shown = (*db)->Show("GHSA-0002-0002-0002");
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(shown->summary.substr(0, 9), "new words");

  // Withdrawn and removed.
  Write(feed / "A-3.json", Osv("GHSA-0003-0003-0003", "third", "3.0", R"(,"withdrawn":"2024-03-01T00:00:00Z")"));
  fs::remove(feed / "A-2.json");
  auto third = Import(**db, feed, "ghsa");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(Ids(third->summary, "withdrawn"), std::set<std::string>{"GHSA-0003-0003-0003"});
  EXPECT_EQ(Ids(third->summary, "removed"), std::set<std::string>{"GHSA-0002-0002-0002"});
  EXPECT_EQ(third->summary.changes.size(), 2u);
  const std::set<std::pair<std::string, std::string>> third_packages = {{"PyPI", "other"}, {"PyPI", "third"}};
  EXPECT_EQ(third->summary.packages, third_packages);
  EXPECT_FALSE((*db)->Show("GHSA-0002-0002-0002").ok());

  // The history is queryable: everything after the first import.
  auto since = (*db)->ChangesSince(std::to_string(first->summary.import_id));
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ((*since)[1].changes.size(), 2u);
  EXPECT_EQ((*since)[1].packages, expected_packages);
  auto status = (*db)->GetSource("ghsa");
  ASSERT_TRUE(status.ok() && status->has_value());
  EXPECT_EQ((*status)->records, 2);
}

TEST(VulnDbTest, PackageIndexNormalisesNames) {
  TempDir dir;
  Write(dir.path() / "feed/x.json", Osv("PYSEC-2024-1", "Foo_Bar.baz", "1.0"));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(Import(**db, dir.path() / "feed", "pypa").ok());
  auto hits = (*db)->Lookup("PyPI", "foo-bar-BAZ");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, "PYSEC-2024-1");
  EXPECT_TRUE((*db)->Lookup("npm", "foo-bar-baz")->empty());
  auto index = PackageIndex::Load(**db);
  ASSERT_TRUE(index.ok());
  EXPECT_EQ(index->packages(), 1u);
  ASSERT_EQ(index->Lookup("PyPI", "FOO.bar_baz").size(), 1u);
  EXPECT_EQ(index->Lookup("PyPI", "FOO.bar_baz")[0].id, "PYSEC-2024-1");
  EXPECT_TRUE(index->LookupNormalized("PyPI", "Foo_Bar.baz").empty());  // not normalised
  EXPECT_TRUE(index->Lookup("Go", "foo-bar-baz").empty());
}

TEST(VulnDbTest, ReadersSeeOldDataUntilCommitAndAbortChangesNothing) {
  TempDir dir;
  auto writer = VulnDb::Open((dir.path() / "db").string());
  auto reader = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(writer.ok() && reader.ok());
  Write(dir.path() / "v1/a.json", Osv("GHSA-1111-1111-1111", "pkg", "1.0"));
  ASSERT_TRUE(Import(**writer, dir.path() / "v1", "src").ok());

  auto session = (*writer)->BeginImport("src", "manual");
  ASSERT_TRUE(session.ok());
  KeyedAdvisory rec;
  rec.key = rec.advisory.id = "GHSA-2222-2222-2222";
  rec.advisory.canonical_id = rec.advisory.id;
  ASSERT_TRUE((*session)->OnAdvisory(rec).ok());
  // Mid-import, the other connection still has the old content.
  EXPECT_TRUE((*reader)->Show("GHSA-1111-1111-1111").ok());
  EXPECT_FALSE((*reader)->Show("GHSA-2222-2222-2222").ok());
  (*session)->Abort(Internal("test abort"));
  EXPECT_TRUE((*reader)->Show("GHSA-1111-1111-1111").ok());
  EXPECT_FALSE((*reader)->Show("GHSA-2222-2222-2222").ok());

  auto again = (*writer)->BeginImport("src", "manual");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->OnAdvisory(rec).ok());
  EXPECT_FALSE((*reader)->Show("GHSA-2222-2222-2222").ok());
  ASSERT_TRUE((*again)->Commit().ok());
  EXPECT_TRUE((*reader)->Show("GHSA-2222-2222-2222").ok());
  EXPECT_FALSE((*reader)->Show("GHSA-1111-1111-1111").ok());  // replaced: the import is a snapshot
  // The aborted import is in the history as failed, with no changes.
  auto history = (*reader)->ChangesSince("0");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[1].status, "failed: test abort");
  EXPECT_TRUE((*history)[1].changes.empty());
}

void WriteZip(const fs::path& zip, const std::vector<std::pair<std::string, std::string>>& entries) {
  struct archive* a = archive_write_new();
  archive_write_set_format_zip(a);
  ASSERT_EQ(archive_write_open_filename(a, zip.c_str()), ARCHIVE_OK);
  for (const auto& [name, data] : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// A key twice in one import: the first document wins, the second is a whole skip — on a new
// source (written without lookups) and on a re-import alike.
TEST(VulnDbTest, DuplicateKeyInOneImportKeepsTheFirst) {
  TempDir dir;
  const fs::path feed = dir.path() / "feed";
  Write(feed / "a.json", Osv("GHSA-dddd-0001-0001", "pkg-a", "1.0"));
  Write(feed / "b.json", Osv("GHSA-dddd-0001-0001", "pkg-b", "2.0"));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  for (const char* round : {"new source", "re-import"}) {
    auto r = Import(**db, feed, "dup");
    ASSERT_TRUE(r.ok()) << round << ": " << r.status().ToString();
    EXPECT_EQ(r->summary.records, 1) << round;
    EXPECT_EQ(r->summary.skipped, 1) << round;
    ASSERT_EQ(r->summary.skips.size(), 1u) << round;
    EXPECT_EQ(r->summary.skips[0].record, "GHSA-dddd-0001-0001") << round;
    EXPECT_EQ(r->summary.skips[0].reason, "duplicate record key in this import") << round;
    auto shown = (*db)->Show("GHSA-dddd-0001-0001");
    ASSERT_TRUE(shown.ok()) << round;
    ASSERT_EQ(shown->affected.size(), 1u) << round;
    EXPECT_EQ(shown->affected[0].package.name, "pkg-a") << round;
    EXPECT_EQ((*db)->Lookup("PyPI", "pkg-a")->size(), 1u) << round;
    EXPECT_TRUE((*db)->Lookup("PyPI", "pkg-b")->empty()) << round;
    EXPECT_EQ((*(*db)->GetSource("dup"))->records, 1) << round;
  }
}

// The touched packages of each kind of change: added → its packages; a record moved to another
// package → the old and the new one; withdrawn → its packages; removed → its packages; a
// text-only change → none.
TEST(VulnDbTest, TouchedPackagesPerKindOfChange) {
  TempDir dir;
  const fs::path feed = dir.path() / "feed";
  Write(feed / "1.json", Osv("GHSA-tttt-0001-0001", "moves-from", "1.0"));
  Write(feed / "2.json", Osv("GHSA-tttt-0002-0002", "gets-withdrawn", "1.0"));
  Write(feed / "3.json", Osv("GHSA-tttt-0003-0003", "goes-away", "1.0"));
  Write(feed / "4.json", Osv("GHSA-tttt-0004-0004", "text-only", "1.0"));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  using Packages = std::set<std::pair<std::string, std::string>>;
  auto first = Import(**db, feed, "touch");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->summary.packages, (Packages{{"PyPI", "moves-from"}, {"PyPI", "gets-withdrawn"},
                                               {"PyPI", "goes-away"}, {"PyPI", "text-only"}}));
  EXPECT_EQ(first->summary.packages_touched, 4);
  Write(feed / "1.json", Osv("GHSA-tttt-0001-0001", "moves-to", "1.0"));
  Write(feed / "2.json", Osv("GHSA-tttt-0002-0002", "gets-withdrawn", "1.0", R"(,"withdrawn":"2024-03-01T00:00:00Z")"));
  fs::remove(feed / "3.json");
  {
    std::string text = Osv("GHSA-tttt-0004-0004", "text-only", "1.0");
    text.replace(text.find("\"s GHSA"), 7, "\"other GHSA");
    Write(feed / "4.json", text);
  }
  Write(feed / "5.json", Osv("GHSA-tttt-0005-0005", "is-new", "1.0"));
  auto second = Import(**db, feed, "touch");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(Ids(second->summary, "changed"), std::set<std::string>{"GHSA-tttt-0001-0001"});
  EXPECT_EQ(Ids(second->summary, "withdrawn"), std::set<std::string>{"GHSA-tttt-0002-0002"});
  EXPECT_EQ(Ids(second->summary, "removed"), std::set<std::string>{"GHSA-tttt-0003-0003"});
  EXPECT_EQ(Ids(second->summary, "added"), std::set<std::string>{"GHSA-tttt-0005-0005"});
  const Packages expected = {{"PyPI", "moves-from"}, {"PyPI", "moves-to"}, {"PyPI", "gets-withdrawn"},
                             {"PyPI", "goes-away"}, {"PyPI", "is-new"}};
  EXPECT_EQ(second->summary.packages, expected);
  EXPECT_EQ(second->summary.packages_touched, 5);
  auto since = (*db)->ChangesSince(std::to_string(first->summary.import_id));
  ASSERT_TRUE(since.ok());
  ASSERT_EQ(since->size(), 1u);
  EXPECT_EQ((*since)[0].packages, expected);
}

TEST(VulnDbTest, ZipImportAndTruncatedZipLeavesOldData) {
  TempDir dir;
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 50; ++i) {
    const std::string id = "GHSA-" + std::to_string(1000 + i) + "-aaaa-bbbb";
    entries.emplace_back(id + ".json", Osv(id, "pkg" + std::to_string(i), "1.0." + std::to_string(i)));
  }
  const fs::path zip = dir.path() / "PyPI" / "all.zip";
  fs::create_directories(zip.parent_path());
  WriteZip(zip, entries);
  EXPECT_EQ(DefaultSourceName(zip.string()), "PyPI");
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  auto first = Import(**db, zip, "");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->summary.source, "PyPI");
  EXPECT_EQ(first->summary.added, 50);
  EXPECT_EQ(first->records_by_format["osv"], 50);

  // A new, bigger archive, truncated in the middle: the import fails, the old data stays.
  entries.emplace_back("GHSA-9999-aaaa-bbbb.json", Osv("GHSA-9999-aaaa-bbbb", "new", "1.0"));
  for (auto& e : entries) e.second += std::string(2000, ' ');
  WriteZip(zip, entries);
  const auto size = fs::file_size(zip);
  fs::resize_file(zip, size / 2);
  auto second = Import(**db, zip, "");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kDataLoss) << second.status().ToString();
  auto src = (*db)->GetSource("PyPI");
  ASSERT_TRUE(src.ok() && src->has_value());
  EXPECT_EQ((*src)->records, 50);
  EXPECT_EQ((*src)->fingerprint, first->summary.fingerprint);
  EXPECT_TRUE((*db)->Show("GHSA-1000-aaaa-bbbb").ok());
  EXPECT_FALSE((*db)->Show("GHSA-9999-aaaa-bbbb").ok());
}

TEST(VulnDbTest, DiskFullFailsCleanly) {
  TempDir dir;
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  Write(dir.path() / "small/a.json", Osv("GHSA-1111-1111-1111", "pkg", "1.0"));
  ASSERT_TRUE(Import(**db, dir.path() / "small", "src").ok());
  // A big feed into a database that may not grow any more: SQLITE_FULL mid-import.
  for (int i = 0; i < 400; ++i) {
    const std::string id = "GHSA-" + std::to_string(2000 + i) + "-cccc-dddd";
    Write(dir.path() / "big" / (id + ".json"),
          Osv(id, "pkg" + std::to_string(i), "1.0", R"(,"details":")" + std::string(4000, 'x') + "\""));
  }
  Write(dir.path() / "big/a.json", Osv("GHSA-1111-1111-1111", "pkg", "2.0"));
  ASSERT_TRUE((*db)->SetMaxPagesForTest(8).ok());
  auto r = Import(**db, dir.path() / "big", "src");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  ASSERT_TRUE((*db)->SetMaxPagesForTest(1 << 30).ok());
  auto shown = (*db)->Show("GHSA-1111-1111-1111");
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->affected.size(), 1u);
  EXPECT_EQ(shown->affected[0].ranges[0].events[1].value, "1.0");
  EXPECT_EQ((*(*db)->GetSource("src"))->records, 1);
}

TEST(VulnDbTest, ShowMergesSourcesWithProvenanceAndEnrichment) {
  TempDir dir;
  Write(dir.path() / "ghsa/g.json",
        R"({"id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2024-1234"],"summary":"from ghsa",)"
        R"("severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],)"
        R"("affected":[{"package":{"ecosystem":"PyPI","name":"lib"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0"}]}]}]})");
  Write(dir.path() / "debian/d.json",
        R"({"lib": {"CVE-2024-1234": {"description": "from debian", "releases": {)"
        R"("bookworm": {"status": "open", "urgency": "low"}}}}})");
  Write(dir.path() / "kev/known_exploited_vulnerabilities.json",
        R"({"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-1234","dateAdded":"2024-05-01"}]})");
  Write(dir.path() / "epss/e.csv", "#model_version:v1,score_date:2024-06-01T00:00:00+0000\n"
                                   "cve,epss,percentile\nCVE-2024-1234,0.5,0.9\n");
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  for (const char* s : {"ghsa", "debian", "kev", "epss"}) {
    auto r = Import(**db, dir.path() / s, s);
    ASSERT_TRUE(r.ok()) << s << ": " << r.status().ToString();
  }
  for (const char* id : {"CVE-2024-1234", "GHSA-aaaa-bbbb-cccc"}) {
    auto a = (*db)->Show(id);
    ASSERT_TRUE(a.ok()) << id;
    EXPECT_EQ(a->id, "CVE-2024-1234");
    EXPECT_EQ(a->aliases, std::vector<std::string>{"GHSA-aaaa-bbbb-cccc"});
    EXPECT_EQ(a->summary, "from ghsa");
    EXPECT_EQ(a->provenance["summary"], "ghsa/GHSA-aaaa-bbbb-cccc");
    EXPECT_EQ(a->details, "from debian");
    EXPECT_EQ(a->provenance["details"], "debian/CVE-2024-1234/Debian:12");
    EXPECT_EQ(a->vendor_severity, "low");
    EXPECT_EQ(a->affected.size(), 2u);
    EXPECT_TRUE(a->kev);
    EXPECT_EQ(a->kev_date_added, "2024-05-01");
    ASSERT_TRUE(a->epss_score.has_value());
    EXPECT_DOUBLE_EQ(*a->epss_score, 0.5);
    // Distro package present → the vendor's "low" wins over CVSS 7.5.
    const ScoreSummary s = DeriveSeverity(*a);
    EXPECT_EQ(s.severity, Severity::kLow);
    EXPECT_DOUBLE_EQ(*s.inspector_score, 7.5);
  }
  // The GHSA record alone is a language advisory: CVSS bands.
  auto records = (*db)->RecordsFor("GHSA-aaaa-bbbb-cccc");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 2u);
  for (const auto& r : *records) {
    if (r.source == "ghsa") {
      EXPECT_EQ(DeriveSeverity(r.advisory).severity, Severity::kHigh);
    }
  }
}

}  // namespace
}  // namespace surveyor::vulndb
