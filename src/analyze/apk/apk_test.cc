#include "analyze/apk/apk.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "analyze/test_util.h"

namespace surveyor::analyze::apk {
namespace {

TEST(ApkInstalled, ScalibrSingle) {
  LOAD_SHARED_OR_SKIP(text, "osv-scalibr/extractor/filesystem/os/apk/testdata/single");
  auto r = ParseInstalled(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const Package& p = r->packages[0];
  EXPECT_EQ(p.name, "alpine-baselayout-data");
  EXPECT_EQ(p.version, "3.4.3-r1");
  EXPECT_EQ(p.arch, "x86_64");
  EXPECT_EQ(p.source_name, "alpine-baselayout");
  EXPECT_EQ(p.source_version, "3.4.3-r1");
  // F:etc then R:fstab ... → etc/fstab is owned.
  EXPECT_NE(std::find(r->owned_files.begin(), r->owned_files.end(), "etc/fstab"),
            r->owned_files.end());
}

TEST(ApkInstalled, ScalibrInstalledCountsAndOrigins) {
  LOAD_SHARED_OR_SKIP(text, "osv-scalibr/extractor/filesystem/os/apk/testdata/installed");
  auto r = ParseInstalled(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 15u);  // grep -c '^P:' on the fixture
  EXPECT_EQ(r->packages[1].name, "alpine-baselayout-data");
  EXPECT_EQ(r->packages[1].source_name, "alpine-baselayout");
  EXPECT_EQ(r->packages[6].name, "ca-certificates-bundle");
  EXPECT_EQ(r->packages[6].source_name, "ca-certificates");
}

TEST(ApkInstalled, NoOriginFallsBackToName) {
  LOAD_SHARED_OR_SKIP(text, "osv-scalibr/extractor/filesystem/os/apk/testdata/no-origin");
  auto r = ParseInstalled(text);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].name, "pkgname");
  EXPECT_EQ(r->packages[0].source_name, "pkgname");
}

TEST(ApkInstalled, Malformed) {
  EXPECT_FALSE(ParseInstalled("this is not apk\n").ok());
  auto r = ParseInstalled("P:a\nV:1\n\nP:b\n\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->malformed, 1u);
  auto empty = ParseInstalled("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->packages.empty());
}

}  // namespace
}  // namespace surveyor::analyze::apk
