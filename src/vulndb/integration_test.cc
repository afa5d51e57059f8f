// Imports all of ../shared/data/advisories (eight sources, seven formats) and checks the record
// counts per source against counts made independently of this code, with these one-liners:
//   find golang-vulndb -name '*.json' | wc -l                        → 4291
//   find rustsec-osv -name '*.json' | wc -l                          → 1206
//   find pypa-advisory-database -name '*.yaml' | wc -l               → 2661
//   find rubysec-ruby-advisory-db/gems -name '*.yml' | wc -l         → 1234 (rubies/: 147)
//   find friendsofphp-security-advisories -name '*.yaml' | wc -l     → 1592
//   find nodejs-security-wg/vuln/npm -name '*.json' | wc -l          → 468 (incl. index.json;
//       core/ 172 and deps/ 7, each incl. an index.json)
//   python3: distinct (distroversion, reponame, first word of each secfixes entry) over
//       alpine-secdb-2020/*/*.yaml with yaml.safe_load                → 11453
//   python3: len(json.load(kev)['vulnerabilities'])                 → 1404
// Expected skips are the records without an OSV ecosystem (Ruby interpreters, Node.js runtime)
// and two RubySec advisories whose unaffected lists cover every version.
#include <gtest/gtest.h>

#include <filesystem>

#include "vulndb/db.h"
#include "vulndb/importer.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

struct Expect {
  const char* dir;
  int64_t records;
  int64_t skipped;
};

TEST(IntegrationTest, ImportsAllSharedAdvisoriesWithIndependentCounts) {
  const fs::path root = fs::path(SURVEYOR_SHARED_DIR) / "data/advisories";
  if (!fs::exists(root)) GTEST_SKIP() << "shared data absent: " << root;
  const Expect expected[] = {
      {"golang-vulndb", 4291, 0},
      {"rustsec-osv", 1206, 0},
      {"pypa-advisory-database", 2661, 0},
      {"rubysec-ruby-advisory-db", 1234 - 2, 147 + 2},
      {"friendsofphp-security-advisories", 1592, 0},
      {"nodejs-security-wg", 468 - 1, (172 - 1) + (7 - 1)},
      {"alpine-secdb-2020", 11453, 0},
      {"cisa-kev", 1404, 0},
  };
  const fs::path dbdir = fs::temp_directory_path() / ("vulndb-integration-" + std::to_string(::getpid()));
  fs::remove_all(dbdir);
  {
    auto db = VulnDb::Open(dbdir.string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    int64_t total = 0;
    for (const Expect& e : expected) {
      ImportRequest req;
      req.location = (root / e.dir).string();
      auto r = RunImport(**db, req);
      ASSERT_TRUE(r.ok()) << e.dir << ": " << r.status().ToString();
      EXPECT_EQ(r->summary.source, e.dir);
      EXPECT_EQ(r->summary.records, e.records) << e.dir;
      EXPECT_EQ(r->summary.skipped, e.skipped) << e.dir;
      if (std::string(e.dir) != "cisa-kev") {
        EXPECT_EQ(r->summary.added, e.records) << e.dir;
      } else {
        EXPECT_EQ(r->summary.enriched, e.records);
      }
      auto status = (*db)->GetSource(e.dir);
      ASSERT_TRUE(status.ok() && status->has_value());
      EXPECT_EQ((*status)->records, e.records) << e.dir;
      total += e.records;
    }
    EXPECT_EQ(total, 24306);
    // Spot checks across sources: a GO record found by its CVE alias, with KEV applied.
    auto shown = (*db)->Show("GHSA-wcx9-ccpj-hx3c");
    ASSERT_TRUE(shown.ok());
    EXPECT_EQ(shown->canonical_id, "GO-2024-3228");
    auto go = (*db)->Lookup("Go", "github.com/coder/coder/v2");
    ASSERT_TRUE(go.ok());
    EXPECT_FALSE(go->empty());
    // Re-importing an unchanged source yields an empty diff.
    ImportRequest again;
    again.location = (root / "rustsec-osv").string();
    auto r = RunImport(**db, again);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->summary.changes.empty());
    EXPECT_TRUE(r->summary.packages.empty());
  }
  fs::remove_all(dbdir);
}

}  // namespace
}  // namespace surveyor::vulndb
