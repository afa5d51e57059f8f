// Imports that stream: NVD API 2.0 pages followed by startIndex (a scripted Fetcher records the
// URLs asked for), page files given as several locations of one import, EPSS as .csv.gz (good
// and truncated), the Debian tracker through the on-disk staging table (same records as the
// in-memory parse, and not subject to the whole-document size limit), and the one-time rebuild
// of a package index written under the old Alpine name rule.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "vulndb/db.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/importer.h"
#include "vulndb/test_sink.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("vulndb-stream-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
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

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// An NVD API 2.0 page of CVE-2024-<first>…, `count` entries, with its paging fields.
std::string NvdPage(int start, int per_page, int total, int count) {
  std::string out = R"({"resultsPerPage":)" + std::to_string(per_page) + R"(,"startIndex":)" +
                    std::to_string(start) + R"(,"totalResults":)" + std::to_string(total) +
                    R"(,"format":"NVD_CVE","version":"2.0","vulnerabilities":[)";
  for (int i = 0; i < count; ++i) {
    out += (i ? "," : "") + std::string(R"({"cve":{"id":"CVE-2024-)") +
           std::to_string(10000 + start + i) +
           R"(","sourceIdentifier":"x","metrics":{"cvssMetricV31":[{"source":"nvd@nist.gov",)"
           R"("cvssData":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}]}}})";
  }
  return out + "]}";
}

// Serves scripted bodies by URL and records every request.
class ScriptedFetcher final : public Fetcher {
 public:
  std::map<std::string, std::string> bodies;
  std::vector<std::string> asked;
  Result<Response> Fetch(const std::string& url, const std::string&, const std::string&,
                         const std::string& dest_path) override {
    asked.push_back(url);
    auto it = bodies.find(url);
    if (it == bodies.end()) return NotFound("404 for " + url);
    std::ofstream(dest_path, std::ios::binary) << it->second;
    return Response{};
  }
};

TEST(NvdPagingTest, FollowsStartIndexUntilTotalResults) {
  TempDir dir;
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  const std::string base = "http://nvd.invalid/rest/json/cves/2.0?resultsPerPage=2";
  ScriptedFetcher fetcher;
  fetcher.bodies[base] = NvdPage(0, 2, 5, 2);
  fetcher.bodies[base + "&startIndex=2"] = NvdPage(2, 2, 5, 2);
  fetcher.bodies[base + "&startIndex=4"] = NvdPage(4, 2, 5, 1);
  ImportRequest req;
  req.location = base;
  req.source = "nvd";
  req.fetcher = &fetcher;
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(fetcher.asked, (std::vector<std::string>{base, base + "&startIndex=2", base + "&startIndex=4"}));
  EXPECT_EQ(r->summary.records, 5);
  for (int i = 0; i < 5; ++i) {
    auto e = (*db)->EnrichmentFor("CVE-2024-" + std::to_string(10000 + i));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->cvss.size(), 1u) << i;
  }
  // No fetched page is left behind in the work directory.
  for (const auto& f : fs::directory_iterator(dir.path() / "db")) {
    EXPECT_EQ(f.path().filename().string().rfind(".fetch-", 0), std::string::npos) << f.path();
  }

  // A missing page fails the whole import; the five facts stay.
  fetcher.bodies.erase(base + "&startIndex=4");
  fetcher.bodies[base] = NvdPage(0, 2, 7, 2);
  auto failed = RunImport(**db, req);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*(*db)->GetSource("nvd"))->records, 5);

  // A server that answers with the wrong page is not followed forever.
  fetcher.bodies[base + "&startIndex=4"] = NvdPage(0, 2, 7, 2);
  auto wrong = RunImport(**db, req);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kDataLoss) << wrong.status().ToString();
  EXPECT_EQ((*(*db)->GetSource("nvd"))->records, 5);
}

TEST(NvdPagingTest, PageFilesAsOneImport) {
  TempDir dir;
  Write(dir.path() / "p0.json", NvdPage(0, 2, 3, 2));
  Write(dir.path() / "p1.json", NvdPage(2, 2, 3, 1));
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = (dir.path() / "p0.json").string();
  req.more_locations = {(dir.path() / "p1.json").string()};
  req.source = "nvd";
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.records, 3);
  EXPECT_EQ(r->summary.added + r->summary.enriched, 3);
  // The first page alone is the whole feed now: the third CVE leaves.
  req.more_locations.clear();
  auto again = RunImport(**db, req);
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->summary.changes.size(), 1u);
  EXPECT_EQ(again->summary.changes[0].kind, "unenriched");
  EXPECT_EQ(again->summary.changes[0].id, "CVE-2024-10002");
}

TEST(WithQueryParameterTest, Table) {
  const std::vector<std::array<std::string, 2>> kCases = {
      {"http://h/p", "http://h/p?startIndex=4"},
      {"http://h/p?", "http://h/p?startIndex=4"},
      {"http://h/p?a=1", "http://h/p?a=1&startIndex=4"},
      {"http://h/p?startIndex=0&a=1", "http://h/p?a=1&startIndex=4"},
      {"http://h/p?startIndexX=1&startIndex", "http://h/p?startIndexX=1&startIndex=4"},
      {"http://h/p?a=1#f", "http://h/p?a=1&startIndex=4#f"},
  };
  for (const auto& [in, want] : kCases) EXPECT_EQ(WithQueryParameter(in, "startIndex", "4"), want) << in;
}

// ------------------------------------------------------------------ EPSS .csv.gz

void WriteGzip(const fs::path& p, const std::string& data) {
  struct archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_raw(a);
  ASSERT_EQ(archive_write_open_filename(a, p.c_str()), ARCHIVE_OK);
  struct archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "data");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
  archive_write_header(a, e);
  archive_write_data(a, data.data(), data.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
}

TEST(EpssGzipTest, CompressedCsvStreamsAndTruncationFailsCleanly) {
  TempDir dir;
  std::string csv = "#model_version:v2023.03.01,score_date:2024-05-01T00:00:00+0000\ncve,epss,percentile\n";
  for (int i = 0; i < 3000; ++i) {
    csv += "CVE-2024-" + std::to_string(20000 + i) + ",0." + std::to_string(100 + i % 900) + ",0.5\n";
  }
  const fs::path gz = dir.path() / "epss_scores-current.csv.gz";
  WriteGzip(gz, csv);
  EXPECT_EQ(DefaultSourceName(gz.string()), "epss_scores-current");
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = gz.string();
  req.source = "epss";
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.records, 3000);
  EXPECT_EQ(r->summary.skipped, 0);
  auto e = (*db)->EnrichmentFor("CVE-2024-20005");
  ASSERT_TRUE(e.ok());
  EXPECT_DOUBLE_EQ(*e->epss_score, 0.105);
  EXPECT_EQ(e->epss_date, "2024-05-01");

  // Cut the compressed file short: DataLoss, and the 3000 facts stay.
  const std::string bytes = ReadAll(gz);
  const fs::path cut = dir.path() / "cut/epss.csv.gz";
  Write(cut, bytes.substr(0, bytes.size() / 2));
  req.location = cut.string();
  auto bad = RunImport(**db, req);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kDataLoss) << bad.status().ToString();
  EXPECT_EQ((*(*db)->GetSource("epss"))->records, 3000);
}

// ------------------------------------------------------------------ Debian via the staging table

const char* kTracker = R"({
  "openssl": {"CVE-2024-1": {"description": "d", "releases": {
       "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue"},
       "sid": {"status": "resolved", "fixed_version": "3.1.5-1", "urgency": "medium"}}},
     "CVE-2024-2": {"releases": {"bookworm": {"status": "open", "urgency": "high"}}}},
  "apache2": {"CVE-2024-1": {"releases": {"bookworm": {"status": "undetermined", "urgency": "high"}}}}
})";

std::string Records(VulnDb& db, const std::string& source) {
  std::string out;
  Status s = db.ForEachIndexEntry([&](const std::string& e, const std::string& n, const PackageRef& r) {
    if (r.source == source) out += e + " " + n + " " + r.key + "\n";
  });
  EXPECT_TRUE(s.ok());
  return out;
}

TEST(DebianImportTest, StreamedThroughStagingWithoutTheDocumentLimit) {
  TempDir dir;
  Write(dir.path() / "tracker.json", kTracker);
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = (dir.path() / "tracker.json").string();
  req.source = "debian";
  req.max_document_bytes = 100;  // far below the document: streamed formats are not held whole
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.records, 3);
  EXPECT_EQ(r->summary.skipped, 0);
  EXPECT_EQ(Records(**db, "debian"),
            "Debian:12 apache2 CVE-2024-1/Debian:12\n"
            "Debian:12 openssl CVE-2024-1/Debian:12\n"
            "Debian:12 openssl CVE-2024-2/Debian:12\n"
            "Debian:unstable openssl CVE-2024-1/Debian:unstable\n");
  auto shown = (*db)->Show("CVE-2024-1");
  ASSERT_TRUE(shown.ok());
  // Any other format above the limit is skipped.
  Write(dir.path() / "osv/big.json",
        R"({"id":"GHSA-1","affected":[{"package":{"ecosystem":"PyPI","name":"x"},"versions":["1"]}],"details":")" +
            std::string(200, 'x') + "\"}");
  ImportRequest osv;
  osv.location = (dir.path() / "osv").string();
  osv.max_document_bytes = 100;
  auto o = RunImport(**db, osv);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->summary.records, 0);
  EXPECT_EQ(o->summary.skipped, 1);
}

TEST(DebianImportTest, VunnelInputSameRecordsAsInMemoryParse) {
  const fs::path input = fs::path(SURVEYOR_SHARED_DIR) /
                         "data/fixtures/debian/vunnel/debian/test-fixtures/input/debian.json";
  if (!fs::exists(input)) GTEST_SKIP() << "no " << input;
  CollectingSink sink;
  ASSERT_TRUE(ParseDebianTracker(ReadAll(input), "debian.json", sink).ok());
  TempDir dir;
  auto db = VulnDb::Open((dir.path() / "db").string());
  ASSERT_TRUE(db.ok());
  ImportRequest req;
  req.location = input.string();
  req.source = "debian";
  auto r = RunImport(**db, req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->summary.records, static_cast<int64_t>(sink.records.size()));
  for (const KeyedAdvisory& k : sink.records) {
    auto stored = (*db)->RecordsFor(k.advisory.id);
    ASSERT_TRUE(stored.ok());
    bool found = false;
    for (const StoredRecord& s : *stored) {
      if (s.key == k.key) {
        found = true;
        EXPECT_EQ(s.advisory, k.advisory) << k.key;
      }
    }
    EXPECT_TRUE(found) << k.key;
  }
}

// ------------------------------------------------------------------ index rules

TEST(IndexRulesTest, IndexWrittenUnderOldRulesIsRebuiltOnOpen) {
  TempDir dir;
  const fs::path dbdir = dir.path() / "db";
  Write(dir.path() / "a.json",
        R"({"id":"ALPINE-1","affected":[{"package":{"ecosystem":"Alpine:v3.19","name":"R"},"versions":["4.3.0-r0"]}]})");
  {
    auto db = VulnDb::Open(dbdir.string());
    ASSERT_TRUE(db.ok());
    ImportRequest req;
    req.location = (dir.path() / "a.json").string();
    ASSERT_TRUE(RunImport(**db, req).ok());
  }
  // What an older build wrote: the Alpine name lowercased, and no rules marker.
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dbdir / "vulndb.sqlite").c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE packages SET name='r'; DELETE FROM meta WHERE key='package_name_rules'",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
  }
  auto db = VulnDb::Open(dbdir.string());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  auto refs = (*db)->Lookup("Alpine:v3.19", "R");
  ASSERT_TRUE(refs.ok());
  ASSERT_EQ(refs->size(), 1u);
  EXPECT_EQ((*refs)[0].id, "ALPINE-1");
  EXPECT_EQ(Records(**db, "a"), "Alpine:v3.19 R ALPINE-1\n");
}

}  // namespace
}  // namespace surveyor::vulndb
