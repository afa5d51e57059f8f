#include "versions/dpkg/dpkg.h"

#include <gtest/gtest.h>

namespace surveyor::versions {
namespace {

TEST(Dpkg, Name) { EXPECT_EQ(DpkgScheme().Name(), "dpkg"); }

TEST(Dpkg, RejectsWhatDpkgRejects) {
  const char* kBad[] = {"", " ", ":1.0", "a:1.0", "1.0-", "-1", "1.0 2", "1.0_1", "1.0-1:2",
                        "99999999999:1.0", "1.0-a_b", "1.0\xff"};
  for (const char* bad : kBad) {
    Result<Version> v = DpkgScheme().Parse(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
      EXPECT_NE(v.status().message().find("dpkg"), std::string::npos);
    }
  }
}

TEST(Dpkg, AcceptsOddButValid) {
  for (const char* ok : {"1.0", "0:1.0-1", "1:2:3-4", "a1.0", "1.0+dfsg-1~bpo12+1", " 1.0 ",
                         "2147483647:1"}) {
    EXPECT_TRUE(DpkgScheme().Parse(ok).ok()) << ok;
  }
}

TEST(Dpkg, HugeInputIsLinearAndBounded) {
  std::string big(64 * 1024, '9');
  Result<Version> v = DpkgScheme().Parse(big);
  ASSERT_TRUE(v.ok());
  std::string bigger = big;
  bigger.back() = '8';
  Result<Version> w = DpkgScheme().Parse(bigger);
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE(DpkgScheme().Compare(*v, *w) > 0);
  EXPECT_FALSE(DpkgScheme().Parse(big + "1").ok());  // above the 64 KiB limit
  std::string alternating;
  for (int i = 0; i < 32 * 1024; ++i) alternating += "a1";
  EXPECT_TRUE(DpkgScheme().Parse(alternating).ok());
}

}  // namespace
}  // namespace surveyor::versions
