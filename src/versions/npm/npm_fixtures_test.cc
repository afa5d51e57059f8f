// node-semver's own fixtures ($SURVEYOR_SHARED_DIR/data/version-vectors/node-semver), every row:
// comparisons, equality, valid and invalid versions, range include/exclude, range parsing
// (validRange output) and gtr/ltr. Skipped when the shared folder is absent; our own small
// table in range_test.cc covers a fresh clone.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/fs.h"
#include "common/json.h"
#include "versions/npm/range.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

std::filesystem::path Dir() {
  return std::filesystem::path(SURVEYOR_SHARED_DIR) / "data/version-vectors/node-semver";
}

Json Load(const char* name) {
  Result<std::string> text =
      PosixFileSystem::Default().ReadFile((Dir() / name).string(), 1 << 20);
  EXPECT_TRUE(text.ok()) << name;
  if (!text.ok()) return Json::array();
  Result<Json> j = ParseJson(*text);
  EXPECT_TRUE(j.ok()) << name;
  return j.ok() ? *j : Json::array();
}

bool Truthy(const Json& j) {
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number()) return j.get<double>() != 0;
  if (j.is_string()) return !j.get<std::string>().empty();
  return !j.is_null();
}

// The options argument of a fixture row: `true` means loose, an object names the flags.
NpmRangeOptions Options(const Json& row, size_t index) {
  NpmRangeOptions o;
  if (row.size() <= index) return o;
  const Json& j = row[index];
  if (j.is_object()) {
    if (j.contains("loose")) o.loose = Truthy(j["loose"]);
    if (j.contains("includePrerelease")) o.include_prerelease = Truthy(j["includePrerelease"]);
  } else {
    o.loose = Truthy(j);
  }
  return o;
}

#define SKIP_WITHOUT_SHARED() \
  if (!std::filesystem::exists(Dir())) GTEST_SKIP() << Dir() << " absent"

TEST(NodeSemverFixtures, Comparisons) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("comparisons.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    std::string a = row[0], b = row[1];
    Result<Version> va = ParseNpmVersion(a, o.loose);
    Result<Version> vb = ParseNpmVersion(b, o.loose);
    ASSERT_TRUE(va.ok() && vb.ok()) << a << " " << b;
    EXPECT_TRUE(NpmScheme().Compare(*va, *vb) > 0) << a << " > " << b;
    EXPECT_TRUE(NpmScheme().Compare(*vb, *va) < 0) << b << " < " << a;
  }
}

TEST(NodeSemverFixtures, Equality) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("equality.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    std::string a = row[0], b = row[1];
    Result<Version> va = ParseNpmVersion(a, o.loose);
    Result<Version> vb = ParseNpmVersion(b, o.loose);
    ASSERT_TRUE(va.ok() && vb.ok()) << a << " | " << b;
    EXPECT_TRUE(NpmScheme().Compare(*va, *vb) == 0) << a << " = " << b;
  }
}

TEST(NodeSemverFixtures, ValidVersions) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("valid-versions.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    std::string v = row[0];
    Result<SemverParts> p = ParseSemverParts(
        "npm", v, SemverOptions{.allow_v = true, .loose = false, .npm_limits = true});
    ASSERT_TRUE(p.ok()) << v;
    EXPECT_EQ(std::string(p->major), std::to_string(row[1].get<int64_t>())) << v;
    EXPECT_EQ(std::string(p->minor), std::to_string(row[2].get<int64_t>())) << v;
    EXPECT_EQ(std::string(p->patch), std::to_string(row[3].get<int64_t>())) << v;
    ASSERT_EQ(p->prerelease.size(), row[4].size()) << v;
    for (size_t i = 0; i < p->prerelease.size(); ++i) {
      const Json& want = row[4][i];
      std::string w = want.is_string() ? want.get<std::string>()
                                       : std::to_string(want.get<int64_t>());
      EXPECT_EQ(std::string(p->prerelease[i]), w) << v;
    }
    ASSERT_EQ(p->build.size(), row[5].size()) << v;
    for (size_t i = 0; i < p->build.size(); ++i) {
      EXPECT_EQ(std::string(p->build[i]), row[5][i].get<std::string>()) << v;
    }
  }
}

TEST(NodeSemverFixtures, InvalidVersions) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("invalid-versions.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    if (!row[0].is_string()) continue;  // non-string inputs (JS objects) cannot reach us
    std::string v = row[0];
    EXPECT_FALSE(ParseNpmVersion(v, o.loose).ok()) << v << " (" << row[1] << ")";
  }
}

void CheckRangeRows(const char* file, bool expected) {
  Json rows = Load(file);
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    if (!row[1].is_string()) {  // e.g. `false`: a non-string is never a satisfying version
      EXPECT_FALSE(expected) << row;
      continue;
    }
    std::string range = row[0], version = row[1];
    Result<NpmRange> r = NpmRange::Parse(range, o);
    const bool got = r.ok() && r->Satisfies(version);
    EXPECT_EQ(got, expected) << file << ": \"" << range << "\" vs \"" << version << "\""
                             << (r.ok() ? " (" + r->ToString() + ")"
                                        : " (" + r.status().message() + ")");
  }
}

TEST(NodeSemverFixtures, RangeInclude) {
  SKIP_WITHOUT_SHARED();
  CheckRangeRows("range-include.json", true);
}

TEST(NodeSemverFixtures, RangeExclude) {
  SKIP_WITHOUT_SHARED();
  CheckRangeRows("range-exclude.json", false);
}

TEST(NodeSemverFixtures, RangeParse) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("range-parse.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    std::string range = row[0];
    Result<NpmRange> r = NpmRange::Parse(range, o);
    if (row[1].is_null()) {
      EXPECT_FALSE(r.ok()) << "\"" << range << "\" should be invalid, got "
                           << (r.ok() ? r->ToString() : "");
    } else {
      ASSERT_TRUE(r.ok()) << "\"" << range << "\": " << r.status().message();
      EXPECT_EQ(r->ToString(), row[1].get<std::string>()) << "\"" << range << "\"";
    }
  }
}

void CheckOutside(const char* file, bool above, bool expected) {
  Json rows = Load(file);
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 2);
    std::string range = row[0], version = row[1];
    Result<NpmRange> r = NpmRange::Parse(range, o);
    ASSERT_TRUE(r.ok()) << range;
    const bool got = above ? r->VersionAbove(version) : r->VersionBelow(version);
    EXPECT_EQ(got, expected) << file << ": \"" << range << "\" vs " << version;
  }
}

TEST(NodeSemverFixtures, GreaterThanRange) {
  SKIP_WITHOUT_SHARED();
  CheckOutside("version-gt-range.json", true, true);
  CheckOutside("version-not-gt-range.json", true, false);
}

TEST(NodeSemverFixtures, LessThanRange) {
  SKIP_WITHOUT_SHARED();
  CheckOutside("version-lt-range.json", false, true);
  CheckOutside("version-not-lt-range.json", false, false);
}

TEST(NodeSemverFixtures, ComparatorIntersection) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("comparator-intersection.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 3);
    std::string a = row[0], b = row[1];
    const bool want = row[2].get<bool>();
    Result<NpmRange::Comparator> ca = NpmRange::ParseComparator(a, o);
    Result<NpmRange::Comparator> cb = NpmRange::ParseComparator(b, o);
    ASSERT_TRUE(ca.ok() && cb.ok()) << a << " | " << b;
    EXPECT_EQ(NpmRange::Intersects(*ca, *cb, o), want) << a << " vs " << b;
    EXPECT_EQ(NpmRange::Intersects(*cb, *ca, o), want) << b << " vs " << a;
  }
}

TEST(NodeSemverFixtures, RangeIntersection) {
  SKIP_WITHOUT_SHARED();
  Json rows = Load("range-intersection.json");
  ASSERT_GT(rows.size(), 0u);
  for (const Json& row : rows) {
    NpmRangeOptions o = Options(row, 3);
    std::string a = row[0], b = row[1];
    const bool want = row[2].get<bool>();
    Result<NpmRange> ra = NpmRange::Parse(a, o);
    Result<NpmRange> rb = NpmRange::Parse(b, o);
    ASSERT_TRUE(ra.ok() && rb.ok()) << a << " | " << b;
    EXPECT_EQ(ra->Intersects(*rb), want) << a << " vs " << b;
    EXPECT_EQ(rb->Intersects(*ra), want) << b << " vs " << a;
  }
}

}  // namespace
}  // namespace surveyor::versions
