#include "report/sbom.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "common/json.h"

namespace surveyor::report {
namespace {

analyze::ImageAnalysis Sample() {
  analyze::ImageAnalysis a;
  a.info.reference = "oci:/tmp/x:app";
  a.info.manifest_digest = "sha256:" + std::string(64, 'a');
  a.inventory.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  analyze::Package deb;
  deb.type = analyze::PackageType::kDpkg;
  deb.name = "libc6";
  deb.version = "2.36-9";
  deb.source_name = "glibc";
  deb.source_version = "2.36-9";
  deb.ecosystem = "Debian:12";
  deb.purl = "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12";
  deb.path = "var/lib/dpkg/status";
  deb.layer_digest = "sha256:" + std::string(64, 'b');
  deb.analyzer = "dpkg@1";
  analyze::Package mvn;
  mvn.type = analyze::PackageType::kMaven;
  mvn.name = "org.slf4j:slf4j-api";
  mvn.version = "1.7.36";
  mvn.ecosystem = "Maven";
  mvn.purl = "pkg:maven/org.slf4j/slf4j-api@1.7.36";
  mvn.path = "opt/app/a.jar";
  mvn.analyzer = "java-archive@1";
  analyze::Package dup = mvn;
  dup.path = "opt/app/b.jar";
  a.inventory.packages = {deb, mvn, dup};
  return a;
}

SbomContext Fixed() { return {"0.1.0", "2026-12-01T09:00:00Z", "3f1c2d4e-0000-4000-8000-000000000001"}; }

TEST(CycloneDx, Structure) {
  auto doc = ParseJson(RenderSbom(Sample(), SbomFormat::kCycloneDx, Fixed()));
  ASSERT_TRUE(doc.ok());
  const Json& d = *doc;
  EXPECT_EQ(d["bomFormat"], "CycloneDX");
  EXPECT_EQ(d["specVersion"], "1.5");
  EXPECT_EQ(d["serialNumber"], "urn:uuid:3f1c2d4e-0000-4000-8000-000000000001");
  EXPECT_EQ(d["metadata"]["timestamp"], "2026-12-01T09:00:00Z");
  EXPECT_EQ(d["metadata"]["component"]["type"], "container");
  ASSERT_EQ(d["components"].size(), 4u);  // OS + 3
  EXPECT_EQ(d["components"][0]["type"], "operating-system");
  EXPECT_EQ(d["components"][2]["group"], "org.slf4j");
  EXPECT_EQ(d["components"][2]["name"], "slf4j-api");
  std::set<std::string> refs;
  for (const auto& c : d["components"]) EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second);
  bool has_layer = false;
  for (const auto& p : d["components"][1]["properties"])
    if (p["name"] == "surveyor:sourceLayerHash") has_layer = p["value"] == "sha256:" + std::string(64, 'b');
  EXPECT_TRUE(has_layer);
}

TEST(Spdx, Structure) {
  auto doc = ParseJson(RenderSbom(Sample(), SbomFormat::kSpdx, Fixed()));
  ASSERT_TRUE(doc.ok());
  const Json& d = *doc;
  EXPECT_EQ(d["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(d["dataLicense"], "CC0-1.0");
  EXPECT_EQ(d["SPDXID"], "SPDXRef-DOCUMENT");
  std::regex id("^SPDXRef-[a-zA-Z0-9.-]+$");
  std::set<std::string> ids;
  for (const auto& p : d["packages"]) {
    std::string s = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(s, id)) << s;
    EXPECT_TRUE(ids.insert(s).second) << s;
    EXPECT_TRUE(p.contains("downloadLocation"));
  }
  EXPECT_EQ(d["packages"].size(), 5u);  // image + OS + 3
  for (const auto& r : d["relationships"]) {
    std::string e = r["relatedSpdxElement"];
    EXPECT_TRUE(ids.count(e)) << e;
  }
  EXPECT_EQ(d["packages"][2]["externalRefs"][0]["referenceLocator"],
            "pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12");
}

TEST(Table, ListsPackages) {
  std::string t = RenderSbom(Sample(), SbomFormat::kTable, Fixed());
  EXPECT_NE(t.find("libc6"), std::string::npos);
  EXPECT_NE(t.find("glibc 2.36-9"), std::string::npos);
  EXPECT_NE(t.find("Packages: 3"), std::string::npos);
}

TEST(Formats, Names) {
  SbomFormat f;
  EXPECT_TRUE(ParseSbomFormat("cyclonedx", f));
  EXPECT_EQ(f, SbomFormat::kCycloneDx);
  EXPECT_TRUE(ParseSbomFormat("spdx", f));
  EXPECT_FALSE(ParseSbomFormat("xml", f));
  std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  EXPECT_TRUE(std::regex_match(RandomUuid(), uuid));
  EXPECT_TRUE(std::regex_match(NowUtc(), std::regex("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$")));
}

}  // namespace
}  // namespace surveyor::report
