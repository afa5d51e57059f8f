#include "analyze/dpkg/dpkg.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::dpkg {
namespace {

struct Want {
  const char* name;
  const char* version;
  const char* source;
  const char* source_version;
  const char* arch;
};

void ExpectPackages(const std::vector<Package>& got, const std::vector<Want>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].version, want[i].version) << want[i].name;
    EXPECT_EQ(got[i].source_name, want[i].source) << want[i].name;
    EXPECT_EQ(got[i].source_version, want[i].source_version) << want[i].name;
    EXPECT_EQ(got[i].arch, want[i].arch) << want[i].name;
    EXPECT_EQ(got[i].type, PackageType::kDpkg);
  }
}

// Worked out by reading the fixture: 7 installed stanzas, two with Source (one with a version).
TEST(DpkgStatus, ScalibrValid) {
  LOAD_SHARED_OR_SKIP(text, "osv-scalibr/extractor/filesystem/os/dpkg/testdata/dpkg/valid");
  auto r = ParseStatus(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectPackages(r->packages,
                 {{"accountsservice", "22.08.8-6", "accountsservice", "22.08.8-6", "amd64"},
                  {"acl", "2.3.1-3", "acl", "2.3.1-3", "amd64"},
                  {"adduser", "3.131", "adduser", "3.131", "all"},
                  {"admin-session", "2023.06.26.c543406313-00", "admin-session",
                   "2023.06.26.c543406313-00", "amd64"},
                  {"attr", "1:2.5.1-4", "attr", "1:2.5.1-4", "amd64"},
                  {"libacl1", "2.3.1-3", "acl", "2.3.1-3", "amd64"},
                  {"util-linux-extra", "2.38.1-5+b1", "util-linux", "2.38.1-5", "amd64"}});
}

TEST(DpkgStatus, SyftStatusDMultipleSkipsMalformed) {
  LOAD_SHARED_OR_SKIP(text, "syft/syft/pkg/cataloger/debian/testdata/var/lib/dpkg/status.d/multiple");
  auto r = ParseStatus(text);
  ASSERT_TRUE(r.ok());
  ExpectPackages(r->packages, {{"tzdata", "2020a-0+deb10u1", "tzdata-dev", "2020a-0+deb10u1", "all"},
                               {"util-linux", "2.33.1-0.1", "util-linux", "2.33.1-0.1", "amd64"}});
  EXPECT_EQ(r->malformed, 2u);
}

TEST(DpkgStatus, StatusFieldFilters) {
  auto r = ParseStatus(
      "Package: a\nStatus: install ok installed\nVersion: 1\n\n"
      "Package: b\nStatus: deinstall ok config-files\nVersion: 2\n\n"
      "Package: c\nVersion: 3\nArchitecture: arm64\nDescription: multi\n line\n .\n");
  ASSERT_TRUE(r.ok());
  ExpectPackages(r->packages, {{"a", "1", "a", "1", ""}, {"c", "3", "c", "3", "arm64"}});
  EXPECT_EQ(r->skipped, 1u);
}

TEST(DpkgStatus, InvalidInput) {
  LOAD_SHARED_OR_SKIP(text, "osv-scalibr/extractor/filesystem/os/dpkg/testdata/dpkg/invalid");
  EXPECT_FALSE(ParseStatus(text).ok());
  EXPECT_FALSE(ParseStatus("").ok());
}

TEST(DpkgList, RootRelative) {
  auto paths = ParseList("/.\n/usr\n/usr/bin/ls\n\n/usr/share/doc/x/copyright\n");
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], "usr");
  EXPECT_EQ(paths[1], "usr/bin/ls");
  EXPECT_EQ(paths[2], "usr/share/doc/x/copyright");
}

TEST(DpkgAnalyzer, RequiredPaths) {
  auto a = MakeAnalyzer();
  EXPECT_TRUE(a->Required({"var/lib/dpkg/status", 1, 0644}));
  EXPECT_TRUE(a->Required({"var/lib/dpkg/status.d/libssl3", 1, 0644}));
  EXPECT_FALSE(a->Required({"var/lib/dpkg/status.d/libssl3.md5sums", 1, 0644}));
  EXPECT_TRUE(a->Required({"var/lib/dpkg/info/bash.list", 1, 0644}));
  EXPECT_FALSE(a->Required({"var/lib/dpkg/status-old", 1, 0644}));
  EXPECT_FALSE(a->Required({"var/lib/dpkg/info/bash.md5sums", 1, 0644}));
}

}  // namespace
}  // namespace surveyor::analyze::dpkg
