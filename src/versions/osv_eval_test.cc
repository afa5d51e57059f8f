#include "versions/osv_eval.h"

#include <gtest/gtest.h>

#include "versions/dpkg/dpkg.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

Json Parse(const char* text) {
  Result<Json> j = ParseJson(text);
  EXPECT_TRUE(j.ok()) << j.status().ToString();
  return j.ok() ? *j : Json();
}

struct Case {
  const char* version;
  bool affected;
  const char* fixes;  // comma-separated, as expected
  FixAvailable fix;
};

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

void Check(const Json& entry, const Scheme& scheme, const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.version);
    Result<Evaluation> r = EvaluateAffected(entry, scheme, c.version);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->affected, c.affected);
    EXPECT_EQ(Join(r->fixed_versions), c.fixes);
    if (c.affected) {
      EXPECT_EQ(r->fix_available, c.fix);
      EXPECT_FALSE(r->by.empty());
    } else {
      EXPECT_TRUE(r->by.empty());
    }
  }
}

TEST(OsvEval, UnsortedPairsInOneRange) {
  // Two introduced/fixed pairs, listed out of order; worked out by hand.
  Json entry = Parse(R"({"ranges":[{"type":"SEMVER","events":[
      {"fixed":"2.0.5"},{"introduced":"2.0.0"},{"fixed":"1.4.2"},{"introduced":"0"}]}]})");
  Check(entry, SemverScheme(),
        {{"0.0.1", true, "1.4.2", FixAvailable::kYes},
         {"1.4.1", true, "1.4.2", FixAvailable::kYes},
         {"1.4.2", false, "", FixAvailable::kNo},
         {"1.9.9", false, "", FixAvailable::kNo},
         {"2.0.0-rc.1", false, "", FixAvailable::kNo},
         {"2.0.0", true, "2.0.5", FixAvailable::kYes},
         {"2.0.5-rc.1", true, "2.0.5", FixAvailable::kYes},
         {"2.0.5", false, "", FixAvailable::kNo},
         {"3.0.0", false, "", FixAvailable::kNo}});
}

TEST(OsvEval, LastAffectedAndOpenEnded) {
  Json entry = Parse(R"({"ranges":[{"type":"ECOSYSTEM","events":[
      {"introduced":"1.0-1"},{"last_affected":"1.2-3"},{"introduced":"2.0-1"}]}]})");
  Check(entry, DpkgScheme(),
        {{"0.9-1", false, "", FixAvailable::kNo},
         {"1.0-1", true, "", FixAvailable::kNo},
         {"1.2-3", true, "", FixAvailable::kNo},
         {"1.2-3+b1", false, "", FixAvailable::kNo},
         {"1.9", false, "", FixAvailable::kNo},
         {"2.0-1", true, "", FixAvailable::kNo},
         {"1:0.1-1", true, "", FixAvailable::kNo}});  // epoch 1 is above everything here
}

TEST(OsvEval, DebianBackportedFix) {
  // A backported fix below the upstream fix: 3.0.11-1~deb12u2 is fixed.
  Json entry = Parse(R"({"package":{"ecosystem":"Debian:12","name":"openssl"},
      "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]}]})");
  Check(entry, DpkgScheme(),
        {{"3.0.11-1~deb12u1", true, "3.0.11-1~deb12u2", FixAvailable::kYes},
         {"3.0.11-1~deb12u2", false, "", FixAvailable::kNo},
         {"3.0.11-1", false, "", FixAvailable::kNo},
         {"3.0.9-1", true, "3.0.11-1~deb12u2", FixAvailable::kYes}});
}

TEST(OsvEval, LimitCapsTheRange) {
  Json entry = Parse(R"({"ranges":[{"type":"SEMVER","events":[
      {"introduced":"1.0.0"},{"limit":"1.5.0"}]}]})");
  Check(entry, SemverScheme(),
        {{"0.9.0", false, "", FixAvailable::kNo},
         {"1.0.0", true, "", FixAvailable::kNo},
         {"1.4.9", true, "", FixAvailable::kNo},
         {"1.5.0", false, "", FixAvailable::kNo}});
}

TEST(OsvEval, VersionsListAndGitRanges) {
  Json entry = Parse(R"({"ranges":[{"type":"GIT","repo":"x","events":[
      {"introduced":"0"},{"fixed":"abcdef"}]}],"versions":["1.0.0","1.0.1"]})");
  Check(entry, SemverScheme(),
        {{"1.0.0", true, "", FixAvailable::kNo},
         {"v1.0.1", true, "", FixAvailable::kNo},  // equal under the scheme
         {"1.0.2", false, "", FixAvailable::kNo}});
  Json git_only = Parse(R"({"ranges":[{"type":"GIT","events":[{"introduced":"0"}]}]})");
  Check(git_only, SemverScheme(), {{"1.0.0", false, "", FixAvailable::kNo}});
}

TEST(OsvEval, PartialWhenOneMatchingRangeHasNoFix) {
  Json entry = Parse(R"({"ranges":[
      {"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"2.0.0"}]},
      {"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"}]}]})");
  Check(entry, SemverScheme(),
        {{"0.5.0", true, "2.0.0", FixAvailable::kYes},
         {"1.5.0", true, "2.0.0", FixAvailable::kPartial},
         {"2.5.0", true, "", FixAvailable::kNo}});
}

TEST(OsvEval, BadInput) {
  Json entry = Parse(R"({"ranges":[{"type":"ECOSYSTEM","events":[
      {"introduced":"0"},{"fixed":"not a version"}]}]})");
  Result<Evaluation> r = EvaluateAffected(entry, DpkgScheme(), "1.0");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->affected);  // the unparseable fix is skipped, and said so
  EXPECT_EQ(r->warnings.size(), 1u);
  EXPECT_FALSE(EvaluateAffected(entry, DpkgScheme(), "").ok());
  EXPECT_FALSE(EvaluateAffected(Parse("[1,2]"), DpkgScheme(), "1.0").ok());
  // Nothing that matters in an empty object.
  Result<Evaluation> empty = EvaluateAffected(Parse("{}"), DpkgScheme(), "1.0");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->affected);
}

TEST(OsvEval, SeveralEntriesAndPackageSelection) {
  Json record = Parse(R"({"id":"X","affected":[
      {"package":{"ecosystem":"PyPI","name":"Foo_Bar"},
       "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]},
      {"package":{"ecosystem":"PyPI","name":"other"},
       "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"}]}]},
      {"package":{"ecosystem":"PyPI","name":"foo-bar"},
       "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"1.0.0"}]}]}]})");
  std::vector<const Json*> entries = EntriesForPackage(record, "PyPI", "foo.bar");
  ASSERT_EQ(entries.size(), 2u);
  Result<Evaluation> r = EvaluateAffectedEntries(entries, SemverScheme(), "1.1.0");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->affected);
  EXPECT_EQ(Join(r->fixed_versions), "1.2.0");
  EXPECT_EQ(r->fix_available, FixAvailable::kPartial);
  r = EvaluateAffectedEntries(entries, SemverScheme(), "0.1.0");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->fix_available, FixAvailable::kYes);
  Json distro = Parse(R"({"affected":[
      {"package":{"ecosystem":"Ubuntu:22.04:LTS","name":"glibc"}},
      {"package":{"ecosystem":"Ubuntu:20.04:LTS","name":"glibc"}},
      {"package":{"ecosystem":"Alpine:v3.19","name":"musl"}}]})");
  EXPECT_EQ(EntriesForPackage(distro, "Ubuntu:22.04", "glibc").size(), 1u);
  EXPECT_EQ(EntriesForPackage(distro, "Ubuntu:24.04", "glibc").size(), 0u);
  EXPECT_EQ(EntriesForPackage(distro, "Alpine:3.19", "musl").size(), 1u);
  EXPECT_EQ(EntriesForPackage(distro, "Nope", "musl").size(), 0u);
}

}  // namespace
}  // namespace surveyor::versions
