#include "versions/semver/semver.h"

#include <gtest/gtest.h>

namespace surveyor::versions {
namespace {

TEST(Semver, Names) {
  EXPECT_EQ(SemverScheme().Name(), "semver");
  EXPECT_EQ(NpmScheme().Name(), "npm");
  EXPECT_EQ(CargoScheme().Name(), "cargo");
}

TEST(Semver, Rejects) {
  for (const char* bad : {"", "1.", "1..2", "1.2.3-", "1.2.3+", "1.2.3-a..b", "01.2.3", "1.2.3-01",
                          "a.b.c", "1.2.3 4", "1.2.3-$"}) {
    EXPECT_FALSE(SemverScheme().Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(CargoScheme().Parse("v1.2.3").ok());
  EXPECT_FALSE(NpmScheme().Parse("90071992547409910.0.0").ok());  // above 2^53-1
  EXPECT_FALSE(NpmScheme().Parse(std::string(300, '1') + ".0.0").ok());
  EXPECT_TRUE(SemverScheme().Parse(std::string(300, '1') + ".0.0").ok());
}

TEST(Semver, NpmLoose) {
  EXPECT_FALSE(ParseNpmVersion("=1.2.3", false).ok());
  EXPECT_TRUE(ParseNpmVersion("=1.2.3", true).ok());
  EXPECT_TRUE(ParseNpmVersion("  v1.2.3  ", false).ok());
  Result<Version> a = ParseNpmVersion("1.2.3beta", true);
  Result<Version> b = ParseNpmVersion("1.2.3-beta", false);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(NpmScheme().Compare(*a, *b) == 0);
}

}  // namespace
}  // namespace surveyor::versions
