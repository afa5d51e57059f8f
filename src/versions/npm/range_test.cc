// Our own npm range table (works without the shared fixtures): each row was worked out by hand
// from node-semver's documented desugaring rules and checked against the npm semver package.
#include "versions/npm/range.h"

#include <gtest/gtest.h>

namespace surveyor::versions {
namespace {

struct RangeCase {
  const char* range;
  const char* canonical;  // nullptr: invalid
  std::vector<const char*> in;
  std::vector<const char*> out;
};

TEST(NpmRange, Table) {
  const RangeCase kCases[] = {
      {"^1.2.3", ">=1.2.3 <2.0.0-0", {"1.2.3", "1.9.9"}, {"2.0.0", "1.2.2", "1.3.0-beta"}},
      {"^0.2.3", ">=0.2.3 <0.3.0-0", {"0.2.9"}, {"0.3.0", "0.2.2"}},
      {"^0.0.3", ">=0.0.3 <0.0.4-0", {"0.0.3"}, {"0.0.4"}},
      {"~1.2.3", ">=1.2.3 <1.3.0-0", {"1.2.9"}, {"1.3.0"}},
      {"~1", ">=1.0.0 <2.0.0-0", {"1.9.0"}, {"2.0.0"}},
      {"1.2.x", ">=1.2.0 <1.3.0-0", {"1.2.0", "1.2.99"}, {"1.3.0"}},
      {"1.2.3 - 2.3", ">=1.2.3 <2.4.0-0", {"2.3.9"}, {"2.4.0", "1.2.2"}},
      {">=1.0.0 <2.0.0 || >=3", ">=1.0.0 <2.0.0||>=3.0.0", {"1.5.0", "3.1.0"}, {"2.5.0"}},
      {"*", "*", {"0.0.1", "99.0.0"}, {"1.0.0-rc.1"}},
      {"", "*", {"1.0.0"}, {}},
      {">1.2.3-alpha.3", ">1.2.3-alpha.3", {"1.2.3-alpha.7", "3.4.5"}, {"3.4.5-alpha.9"}},
      {"<=1.2", "<1.3.0-0", {"1.2.9"}, {"1.3.0"}},
      {">1", ">=2.0.0", {"2.0.0"}, {"1.9.9"}},
      {"=1.2.3", "1.2.3", {"1.2.3", "v1.2.3"}, {"1.2.4"}},
      {"1.x.5", nullptr, {}, {"1.0.5"}},
      {"not a range", nullptr, {}, {"1.0.0"}},
      {">=1.2.3 garbage", nullptr, {}, {"1.2.3"}},
  };
  for (const RangeCase& c : kCases) {
    SCOPED_TRACE(c.range);
    Result<NpmRange> r = NpmRange::Parse(c.range);
    if (c.canonical == nullptr) {
      EXPECT_FALSE(r.ok()) << r->ToString();
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->ToString(), c.canonical);
    for (const char* v : c.in) EXPECT_TRUE(r->Satisfies(v)) << v;
    for (const char* v : c.out) EXPECT_FALSE(r->Satisfies(v)) << v;
  }
}

TEST(NpmRange, IncludePrereleaseAndLoose) {
  Result<NpmRange> r = NpmRange::Parse("^1.2.3", NpmRangeOptions{.include_prerelease = true});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Satisfies("1.3.0-beta"));
  EXPECT_FALSE(NpmRange::Parse(">01.02.03").ok());
  Result<NpmRange> loose = NpmRange::Parse(">01.02.03", NpmRangeOptions{.loose = true});
  ASSERT_TRUE(loose.ok());
  EXPECT_EQ(loose->ToString(), ">1.2.3");
  EXPECT_FALSE(r->Satisfies("not a version"));
  EXPECT_FALSE(NpmRange::Parse(std::string(kMaxRangeLength + 1, '1')).ok());
}

TEST(NpmRange, OutsideAndIntersects) {
  Result<NpmRange> r = NpmRange::Parse("~1.2.2");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->VersionAbove("1.3.0"));
  EXPECT_FALSE(r->VersionAbove("1.2.5"));
  EXPECT_TRUE(r->VersionBelow("1.2.1"));
  Result<NpmRange> a = NpmRange::Parse(">=1.0.0 <2.0.0");
  Result<NpmRange> b = NpmRange::Parse(">=1.5.0");
  Result<NpmRange> c = NpmRange::Parse("<1.0.0");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(a->Intersects(*b));
  EXPECT_FALSE(a->Intersects(*c));
}

}  // namespace
}  // namespace surveyor::versions
