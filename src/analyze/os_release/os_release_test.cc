#include "analyze/os_release/os_release.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::os_release {
namespace {

TEST(OsRelease, QuotedAndUnquoted) {
  auto os = ParseOsRelease(
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\n# comment\nID=debian\n");
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->id, "debian");
  EXPECT_EQ(os->version_id, "12");
  EXPECT_EQ(os->pretty_name, "Debian GNU/Linux 12 (bookworm)");
}

TEST(OsRelease, SharedAlpineFixture) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/fanal/analyzer/os/release/testdata/alpine");
  auto os = ParseOsRelease(text);
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->id, "alpine");
  EXPECT_EQ(os->version_id, "3.15.4");
}

TEST(OsRelease, NoIdIsAnError) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/fanal/analyzer/os/release/testdata/no-id");
  EXPECT_FALSE(ParseOsRelease(text).ok());
  EXPECT_FALSE(ParseOsRelease("").ok());
}

TEST(DebianVersion, NumberedAndCodename) {
  auto a = ParseDebianVersion("12.5\n");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->version_id, "12.5");
  LOAD_SHARED_OR_SKIP(sid, "trivy/pkg/fanal/analyzer/os/debian/testdata/debian_sid/etc/debian_version");
  auto b = ParseDebianVersion(sid);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->id, "debian");
  EXPECT_EQ(b->version_id, "");
}

TEST(RedhatRelease, Families) {
  struct Row {
    const char* text;
    const char* id;
    const char* version;
  } rows[] = {
      {"Red Hat Enterprise Linux release 8.9 (Ootpa)\n", "rhel", "8.9"},
      {"CentOS Linux release 7.9.2009 (Core)", "centos", "7.9.2009"},
      {"Rocky Linux release 9.3 (Blue Onyx)", "rocky", "9.3"},
  };
  for (const auto& r : rows) {
    auto os = ParseRedhatRelease(r.text);
    ASSERT_TRUE(os.ok()) << r.text;
    EXPECT_EQ(os->id, r.id);
    EXPECT_EQ(os->version_id, r.version);
  }
  EXPECT_FALSE(ParseRedhatRelease("garbage").ok());
}

TEST(AlpineRelease, Version) {
  auto os = ParseAlpineRelease("3.17.3\n");
  ASSERT_TRUE(os.ok());
  EXPECT_EQ(os->id, "alpine");
  EXPECT_EQ(os->version_id, "3.17.3");
  EXPECT_FALSE(ParseAlpineRelease("edge\n").ok());
}

}  // namespace
}  // namespace surveyor::analyze::os_release
