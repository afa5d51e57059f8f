#include "vulndb/cvss/cvss.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace surveyor::vulndb {
namespace {

// Worked out by hand from the specifications' formulas (and well-known NVD scores).
struct Case {
  const char* vector;
  double score;
};
const Case kOwnCases[] = {
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
    {"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1},
    {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5},
    {"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0.0},
    {"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},
    {"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0},
    {"(AV:N/AC:M/Au:N/C:N/I:P/A:N)", 4.3},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
    {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0},
};

TEST(CvssTest, OwnTable) {
  for (const Case& c : kOwnCases) {
    auto r = ParseCvss(c.vector);
    ASSERT_TRUE(r.ok()) << c.vector << ": " << r.status().ToString();
    EXPECT_DOUBLE_EQ(r->score, c.score) << c.vector;
  }
}

TEST(CvssTest, VersionsAndParts) {
  auto r = ParseCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->version, CvssVersion::kV31);
  EXPECT_DOUBLE_EQ(r->base_score, 9.8);
  EXPECT_TRUE(r->has_temporal);
  EXPECT_DOUBLE_EQ(r->temporal_score, 9.0);  // roundup(9.8 * 0.91) = roundup(8.918)
  auto v4 = ParseCvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U");
  ASSERT_TRUE(v4.ok());
  EXPECT_DOUBLE_EQ(v4->base_score, 9.3);  // threat metrics do not change the base-only score
  EXPECT_LT(v4->score, 9.3);
}

TEST(CvssTest, Rejects) {
  // std::string, not const char*: a pointer into a temporary would dangle (ASan caught it).
  const std::string bad[] = {"", "CVSS:3.1/", "CVSS:3.1/AV:N", "CVSS:9.9/AV:N", "AV:N/AC:L",
                             "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
                             "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
                             std::string(600, 'A')};
  for (const std::string& v : bad) EXPECT_FALSE(ParseCvss(v).ok()) << v;
}

// Upstream fixtures (claircore toolkit/types/cvss/testdata): "<vector> <score> [# comment]" and
// error lists where "#OK" marks a valid vector.
std::filesystem::path FixtureDir() {
  return std::filesystem::path(SURVEYOR_SHARED_DIR) /
         "data/fixtures/enrichment/claircore/toolkit/types/cvss/testdata";
}

std::vector<std::string> Lines(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class CvssFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CvssFixtureTest, Scores) {
  const auto path = FixtureDir() / GetParam();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  int checked = 0;
  for (const std::string& line : Lines(path)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ss(line);
    std::string vector;
    double expected;
    ss >> vector >> expected;
    ASSERT_FALSE(ss.fail()) << line;
    auto r = ParseCvss(vector);
    ASSERT_TRUE(r.ok()) << vector << ": " << r.status().ToString();
    EXPECT_DOUBLE_EQ(r->score, expected) << vector;
    ++checked;
  }
  EXPECT_GT(checked, 5);
}
INSTANTIATE_TEST_SUITE_P(Lists, CvssFixtureTest,
                         ::testing::Values("v2_score.list", "v30_score.list", "v31_score.list",
                                           "v4_score.list"));

class CvssErrorFixtureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(CvssErrorFixtureTest, ValidAndInvalid) {
  const auto path = FixtureDir() / GetParam();
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "shared data absent: " << path;
  const bool v2 = std::string(GetParam()).rfind("v2", 0) == 0;
  const bool v4 = std::string(GetParam()).rfind("v4", 0) == 0;
  int checked = 0;
  for (std::string line : Lines(path)) {
    if (line.empty()) continue;
    const bool ok = line.find("#OK") != std::string::npos;
    if (const size_t hash = line.find(" #"); hash != std::string::npos) line = line.substr(0, hash);
    auto r = v2 ? ParseCvssV2(line) : v4 ? ParseCvssV4(line) : ParseCvssV3(line);
    EXPECT_EQ(r.ok(), ok) << line << (r.ok() ? "" : ": " + r.status().ToString());
    ++checked;
  }
  EXPECT_GT(checked, 5);
}
INSTANTIATE_TEST_SUITE_P(Lists, CvssErrorFixtureTest,
                         ::testing::Values("v2_error.list", "v3_error.list", "v4_error.list"));

}  // namespace
}  // namespace surveyor::vulndb
