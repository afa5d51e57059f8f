#include "analyze/package.h"

#include <gtest/gtest.h>

namespace surveyor::analyze {
namespace {

TEST(EcosystemTable, EveryRowComplete) {
  const auto& table = EcosystemTable();
  ASSERT_EQ(table.size(), static_cast<size_t>(PackageType::kNuget) + 1);
  for (size_t i = 0; i < table.size(); ++i) {
    const auto& row = table[i];
    EXPECT_EQ(static_cast<size_t>(row.type), i) << "rows must follow enum order";
    EXPECT_FALSE(row.type_name.empty());
    EXPECT_FALSE(row.version_scheme.empty()) << row.type_name;
    EXPECT_FALSE(row.purl_type.empty()) << row.type_name;
    EXPECT_EQ(row.osv_ecosystem.empty(), row.os_package) << row.type_name;
    PackageType back;
    ASSERT_TRUE(PackageTypeFromName(row.type_name, back));
    EXPECT_EQ(back, row.type);
  }
}

TEST(OsEcosystem, Names) {
  EXPECT_EQ(OsEcosystem(PackageType::kDpkg, {"debian", "12", "", ""}), "Debian:12");
  EXPECT_EQ(OsEcosystem(PackageType::kDpkg, {"debian", "12.15", "", ""}), "Debian:12");
  EXPECT_EQ(OsEcosystem(PackageType::kApk, {"alpine", "3.17.3", "", ""}), "Alpine:v3.17");
  EXPECT_EQ(OsEcosystem(PackageType::kDpkg, {"ubuntu", "22.04", "", ""}), "Ubuntu:22.04");
  EXPECT_EQ(OsEcosystem(PackageType::kRpm, {"rhel", "9.3", "", ""}), "Red Hat");
  EXPECT_EQ(OsEcosystem(PackageType::kNpm, {}), "");
  EXPECT_EQ(OsEcosystem(PackageType::kNpm, {"debian", "12", "", ""}), "npm");
}

// Expected strings written by hand from the purl specification's examples.
TEST(Purl, HandWritten) {
  OsInfo deb{"debian", "12", "", ""};
  Package p;
  p.type = PackageType::kDpkg;
  p.name = "libc6";
  p.version = "2.36-9+deb12u4";
  p.arch = "amd64";
  EXPECT_EQ(MakePurl(p, deb), "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12");
  p.version = "1:2.5.1-4";
  p.name = "attr";
  EXPECT_EQ(MakePurl(p, deb), "pkg:deb/debian/attr@1%3A2.5.1-4?arch=amd64&distro=debian-12");
  Package n;
  n.type = PackageType::kNpm;
  n.name = "@babel/core";
  n.version = "7.0.0";
  EXPECT_EQ(MakePurl(n, {}), "pkg:npm/%40babel/core@7.0.0");
  Package py;
  py.type = PackageType::kPypi;
  py.name = "Jinja2";
  py.version = "3.1.2";
  EXPECT_EQ(MakePurl(py, {}), "pkg:pypi/jinja2@3.1.2");
  Package mv;
  mv.type = PackageType::kMaven;
  mv.name = "org.apache.commons:commons-lang3";
  mv.version = "3.12.0";
  EXPECT_EQ(MakePurl(mv, {}), "pkg:maven/org.apache.commons/commons-lang3@3.12.0");
  Package go;
  go.type = PackageType::kGo;
  go.name = "github.com/pkg/errors";
  go.version = "v0.9.1";
  EXPECT_EQ(MakePurl(go, {}), "pkg:golang/github.com/pkg/errors@v0.9.1");
}

}  // namespace
}  // namespace surveyor::analyze
