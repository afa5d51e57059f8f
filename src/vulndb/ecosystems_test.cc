// One package-name normalisation for the whole project: for every row of versions' ecosystem
// table, a name written into the package index by an import (ImportSession, through the OSV
// parser and NormalizeAdvisory) is found again by every reader — VulnDb::Lookup, PackageIndex,
// vulndb::NormalizePackageName (the scan service's inverted index) and
// versions::NormalizePackageName (the matcher). The expected keys per rule are written by hand.
#include "vulndb/ecosystems.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/json.h"
#include "versions/ecosystem.h"
#include "vulndb/builtin.h"
#include "vulndb/db.h"
#include "vulndb/package_index.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;
using versions::NameRule;

struct NameCase {
  std::string name;
  // The index key, by rule, worked out by hand.
  std::string exact, lowercase, pep503, maven;
};

const std::vector<NameCase>& Names() {
  static const std::vector<NameCase> kNames = {
      {"Foo_Bar.baz", "Foo_Bar.baz", "foo_bar.baz", "foo-bar-baz", "Foo_Bar.baz"},
      {"R", "R", "r", "r", "R"},
      {"@Scope/Pkg", "@Scope/Pkg", "@scope/pkg", "@scope/pkg", "@Scope/Pkg"},
      {"Org.Group:Art-ifact", "Org.Group:Art-ifact", "org.group:art-ifact", "org-group:art-ifact",
       "Org.Group:Art-ifact"},
      {"zope..Interface__x", "zope..Interface__x", "zope..interface__x", "zope-interface-x",
       "zope..Interface__x"},
      {"github.com/Foo/bar/v2", "github.com/Foo/bar/v2", "github.com/foo/bar/v2",
       "github-com/foo/bar/v2", "github.com/Foo/bar/v2"},
  };
  return kNames;
}

std::string Expected(NameRule rule, const NameCase& c) {
  switch (rule) {
    case NameRule::kExact: return c.exact;
    case NameRule::kLowercase: return c.lowercase;
    case NameRule::kPep503: return c.pep503;
    case NameRule::kMaven: return c.maven;
  }
  return "?";
}

class EcosystemKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("vulndb-eco-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto db = VulnDb::Open(dir_.string());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    fs::remove_all(dir_);
  }
  fs::path dir_;
  std::unique_ptr<VulnDb> db_;
};

// The ecosystems to try: every row, with a release where the row takes one, and a spelling in
// another case (the import stores the canonical spelling).
std::vector<std::pair<std::string, const versions::EcosystemInfo*>> Ecosystems() {
  std::vector<std::pair<std::string, const versions::EcosystemInfo*>> out;
  for (const versions::EcosystemInfo& row : versions::AllEcosystems()) {
    out.emplace_back(std::string(row.name), &row);
    if (row.has_release) out.emplace_back(std::string(row.name) + ":1", &row);
  }
  return out;
}

TEST_F(EcosystemKeysTest, ImportAndEveryLookupPathAgreeForEveryEcosystem) {
  // One OSV record per ecosystem, affecting every test name.
  Json docs = Json::array();
  int n = 0;
  for (const auto& [eco, row] : Ecosystems()) {
    Json affected = Json::array();
    for (const NameCase& c : Names()) {
      affected.push_back({{"package", {{"ecosystem", eco}, {"name", c.name}}},
                          {"versions", Json::array({"1.0"})}});
    }
    docs.push_back({{"id", "TEST-" + std::to_string(n++)}, {"modified", "2024-01-01T00:00:00Z"},
                    {"affected", affected}});
  }
  auto session = db_->BeginImport("eco", "test");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(ParseDocument(FeedFormat::kOsvJson, DumpJson(docs), "all.json", **session).ok());
  EXPECT_EQ((*session)->summary().skipped, 0);
  EXPECT_EQ((*session)->summary().partial_skips, 0);
  ASSERT_TRUE((*session)->Commit().ok());

  std::set<std::pair<std::string, std::string>> stored;
  ASSERT_TRUE(db_->ForEachIndexEntry([&](const std::string& e, const std::string& name,
                                         const PackageRef&) { stored.insert({e, name}); })
                  .ok());
  auto index = PackageIndex::Load(*db_);
  ASSERT_TRUE(index.ok());

  for (const auto& [eco, row] : Ecosystems()) {
    for (const NameCase& c : Names()) {
      SCOPED_TRACE(eco + " / " + c.name);
      const std::string key = Expected(row->name_rule, c);
      // Writers and readers all compute the same key, and it is the hand-written one.
      EXPECT_EQ(versions::NormalizePackageName(eco, c.name), key);
      EXPECT_EQ(NormalizePackageName(eco, c.name), key);
      EXPECT_TRUE(stored.count({eco, key})) << "import stored another key";
      // Every lookup path finds the record from the name as published.
      auto refs = db_->Lookup(eco, c.name);
      ASSERT_TRUE(refs.ok());
      EXPECT_EQ(refs->size(), 1u);
      EXPECT_EQ(index->Lookup(eco, c.name).size(), 1u);
      EXPECT_EQ(index->LookupNormalized(eco, key).size(), 1u);
    }
  }
  // Nothing else was stored: one key per (ecosystem, distinct normalised name).
  size_t distinct = 0;
  for (const auto& [eco, row] : Ecosystems()) {
    std::set<std::string> keys;
    for (const NameCase& c : Names()) keys.insert(Expected(row->name_rule, c));
    distinct += keys.size();
  }
  EXPECT_EQ(stored.size(), distinct);
}

TEST_F(EcosystemKeysTest, CaseOfTheEcosystemIsCanonicalisedAtImport) {
  const std::string doc = R"([
    {"id":"T-1","affected":[{"package":{"ecosystem":"pypi","name":"Django_X"},"versions":["1"]}]},
    {"id":"T-2","affected":[{"package":{"ecosystem":"debian:12","name":"OpenSSL"},"versions":["1"]}]},
    {"id":"T-3","affected":[{"package":{"ecosystem":"Debian:","name":"x"},"versions":["1"]}]},
    {"id":"T-4","affected":[{"package":{"ecosystem":"Nonesuch","name":"x"},"versions":["1"]}]}])";
  auto session = db_->BeginImport("eco", "test");
  ASSERT_TRUE(session.ok());
  ASSERT_TRUE(ParseDocument(FeedFormat::kOsvJson, doc, "all.json", **session).ok());
  EXPECT_EQ((*session)->summary().skipped, 2);  // empty release, unknown ecosystem
  ASSERT_TRUE((*session)->Commit().ok());
  std::set<std::pair<std::string, std::string>> stored;
  ASSERT_TRUE(db_->ForEachIndexEntry([&](const std::string& e, const std::string& name,
                                         const PackageRef&) { stored.insert({e, name}); })
                  .ok());
  const std::set<std::pair<std::string, std::string>> want = {{"PyPI", "django-x"},
                                                              {"Debian:12", "openssl"}};
  EXPECT_EQ(stored, want);
  auto refs = db_->Lookup("PyPI", "django.x");
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(refs->size(), 1u);
}

// Alpine (apk) names are case-sensitive: "R" and "r" are different packages. The two copies of
// the table used to disagree here (vulndb lowercased, versions did not).
TEST(EcosystemRulesTest, DistroFlagsAndAlpineCase) {
  EXPECT_EQ(NormalizePackageName("Alpine:v3.19", "R"), "R");
  EXPECT_EQ(NormalizePackageName("Debian:12", "LibFoo"), "libfoo");
  EXPECT_EQ(NormalizePackageName("Maven", " org.x : y "), "org.x:y");
  for (const char* distro : {"Debian:12", "Alpine:v3.19", "Ubuntu:22.04:LTS", "Red Hat", "Wolfi",
                             "Chainguard", "Rocky Linux:9", "Amazon Linux:2"}) {
    EXPECT_TRUE(IsDistroEcosystem(distro)) << distro;
  }
  for (const char* lang : {"PyPI", "npm", "Go", "Maven", "crates.io", "Linux", "GIT", "Nope"}) {
    EXPECT_FALSE(IsDistroEcosystem(lang)) << lang;
  }
  EXPECT_TRUE(IsKnownEcosystem("ConanCenter"));
  EXPECT_FALSE(IsKnownEcosystem("Nonesuch:1"));
}

}  // namespace
}  // namespace surveyor::vulndb
