#include "scan/inventory_codec.h"

#include <gtest/gtest.h>

namespace surveyor::scan {
namespace {

TEST(InventoryCodecTest, RoundTripsEveryField) {
  analyze::Inventory inv;
  inv.os = {"debian", "12", "Debian GNU/Linux 12 (bookworm)", "etc/os-release"};
  analyze::Package p;
  p.type = analyze::PackageType::kDpkg;
  p.name = "libssl3";
  p.version = "3.0.11-1~deb12u2";
  p.source_name = "openssl";
  p.source_version = "3.0.11-1~deb12u2";
  p.arch = "amd64";
  p.path = "var/lib/dpkg/status";
  p.layer_digest = "sha256:" + std::string(64, 'a');
  p.layer_diff_id = "sha256:" + std::string(64, 'b');
  p.analyzer = "dpkg@1";
  p.ecosystem = "Debian:12";
  p.purl = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";
  analyze::Package q;
  q.type = analyze::PackageType::kNpm;
  q.name = "@scope/x";
  q.version = "1.0.0";
  q.dev = true;
  inv.packages = {p, q};
  inv.warnings = {"w"};
  auto back = DecodeInventory(EncodeInventory(inv));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->os.pretty_name, inv.os.pretty_name);
  ASSERT_EQ(back->packages.size(), 2u);
  const auto& b = back->packages[0];
  EXPECT_EQ(b.type, p.type);
  EXPECT_EQ(b.source_name, "openssl");
  EXPECT_EQ(b.layer_diff_id, p.layer_diff_id);
  EXPECT_EQ(b.purl, p.purl);
  EXPECT_EQ(back->packages[1].type, analyze::PackageType::kNpm);
  EXPECT_TRUE(back->packages[1].dev);
  EXPECT_EQ(back->warnings, inv.warnings);
  EXPECT_EQ(DecodeInventory("not json").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(DecodeInventory(R"({"packages":[{"type":"nope"}]})").status().code(),
            StatusCode::kDataLoss);
}

}  // namespace
}  // namespace surveyor::scan
