#include "match/matcher.h"

#include <gtest/gtest.h>

namespace surveyor::match {
namespace {

using analyze::Package;
using analyze::PackageType;

vulndb::Advisory Advisory(std::string id, std::string ecosystem, std::string name,
                          std::vector<vulndb::Event> events, std::string state = "") {
  vulndb::Advisory a;
  a.id = id;
  a.summary = "summary of " + id;
  vulndb::Affected af;
  af.package = {ecosystem, name, ""};
  vulndb::Range r;
  r.type = "ECOSYSTEM";
  r.events = std::move(events);
  if (!r.events.empty()) af.ranges.push_back(r);
  if (!state.empty()) af.ecosystem_specific = Json{{"state", state}};
  a.affected.push_back(af);
  return a;
}

using vulndb::EventKind;
const vulndb::Event kFrom0{EventKind::kIntroduced, "0"};
vulndb::Event Fixed(std::string v) { return {EventKind::kFixed, std::move(v)}; }

Package Deb(std::string name, std::string version, std::string source = "",
            std::string source_version = "") {
  Package p;
  p.type = PackageType::kDpkg;
  p.name = name;
  p.version = version;
  p.source_name = source;
  p.source_version = source_version;
  p.ecosystem = "Debian:12";
  return p;
}

Package Lang(PackageType type, std::string ecosystem, std::string name, std::string version,
             bool dev = false) {
  Package p;
  p.type = type;
  p.name = name;
  p.version = version;
  p.ecosystem = ecosystem;
  p.dev = dev;
  return p;
}

class MatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_.Add(Advisory("CVE-2023-0001", "Debian:12", "openssl", {kFrom0, Fixed("3.0.11-1~deb12u2")}));
    source_.Add(Advisory("CVE-2023-0002", "Debian:11", "zlib", {kFrom0, Fixed("1:1.2.13.dfsg-2")}));
    source_.Add(Advisory("CVE-2023-0003", "Debian:12", "zlib", {}, "not-affected"));
    source_.Add(Advisory("CVE-2023-0004", "Debian:12", "glibc", {kFrom0}, "unfixed"));
    source_.Add(Advisory("CVE-2023-0005", "Debian:12", "bash", {kFrom0, Fixed("5.2.15-2")}));
    source_.Add(Advisory("CVE-2023-0006", "Debian:12", "nghttp2", {kFrom0, Fixed("1.52.0-1+deb12u1")}));
    auto withdrawn = Advisory("CVE-2023-0007", "Debian:12", "curl", {kFrom0});
    withdrawn.withdrawn = "2023-06-01T00:00:00Z";
    source_.Add(withdrawn);
    source_.Add(Advisory("GHSA-aaaa-bbbb-cccc", "npm", "lodash", {kFrom0, Fixed("4.17.21")}));
    source_.Add(Advisory("PYSEC-2023-1", "PyPI", "foo-bar", {kFrom0, Fixed("2.0")}));
    source_.Add(Advisory("GO-2023-0001", "Go", "stdlib", {kFrom0, Fixed("1.19.9")}));
    source_.Add(Advisory("GO-2023-0002", "Go", "example.com/app", {kFrom0}));
    // Two ecosystem records aliasing one CVE make one match, named by the CVE.
    auto ghsa = Advisory("GHSA-1111-2222-3333", "npm", "minimist", {kFrom0, Fixed("1.2.6")});
    ghsa.aliases = {"CVE-2021-44906"};
    source_.Add(ghsa);
    auto osv = Advisory("OSV-2021-1", "npm", "minimist", {kFrom0, Fixed("1.2.6")});
    osv.aliases = {"CVE-2021-44906"};
    source_.Add(osv);
    // An upstream (non-distro) record for openssl must never judge a Debian package.
    source_.Add(Advisory("CVE-2023-0008", "OSS-Fuzz", "openssl", {kFrom0}));
  }

  std::vector<std::string> Ids(const MatchResult& r) {
    std::vector<std::string> ids;
    for (const auto& m : r.matches) ids.push_back(m.vulnerability_id + " " + m.package_key);
    return ids;
  }

  MemorySource source_;
};

TEST_F(MatcherTest, OsPackagesMatchBySourceAndRelease) {
  analyze::Inventory inv;
  inv.packages = {
      Deb("libssl3", "3.0.11-1~deb12u1", "openssl"),
      Deb("openssl", "3.0.11-1~deb12u1"),
      Deb("zlib1g", "1:1.2.13.dfsg-1", "zlib"),        // 11's record and a not-affected state
      Deb("libc6", "2.36-9+deb12u4", "glibc"),          // unfixed
      Deb("bash", "5.2.15-2+b2", "bash", "5.2.15-2"),   // binNMU of the fixed source version
      Deb("libnghttp2-14", "1.52.0-1+deb12u1", "nghttp2"),  // fixed exactly at this version
      Deb("curl", "7.88.1-10", ""),                     // withdrawn record
  };
  auto r = MatchInventory(inv, source_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"CVE-2023-0001 openssl", "CVE-2023-0004 glibc"}));
  const Match& ssl = r->matches[0];
  EXPECT_EQ(ssl.packages, (std::vector<size_t>{0, 1}));  // both binaries of one source
  EXPECT_EQ(ssl.fix_available, versions::FixAvailable::kYes);
  EXPECT_EQ(ssl.fixed_versions, std::vector<std::string>{"3.0.11-1~deb12u2"});
  const Match& glibc = r->matches[1];
  EXPECT_EQ(glibc.fix_available, versions::FixAvailable::kNo);
  EXPECT_EQ(glibc.state, "unfixed");
  EXPECT_TRUE(glibc.fixed_versions.empty());
}

TEST_F(MatcherTest, LanguagePackagesFollowTheirEcosystemsNames) {
  analyze::Inventory inv;
  inv.packages = {
      Lang(PackageType::kNpm, "npm", "lodash", "4.17.20"),
      Lang(PackageType::kNpm, "npm", "Lodash", "4.17.20"),  // npm names are case-sensitive
      Lang(PackageType::kNpm, "npm", "lodash", "4.17.21"),  // fixed
      Lang(PackageType::kPypi, "PyPI", "Foo_Bar", "1.5"),   // PEP 503: foo-bar
      Lang(PackageType::kGo, "Go", "stdlib", "1.19.8"),
      Lang(PackageType::kGo, "Go", "example.com/app", "(devel)"),  // cannot be placed
      Lang(PackageType::kNpm, "npm", "minimist", "1.2.5"),
      Lang(PackageType::kNpm, "npm", "minimist", "0.0.8"),  // a second copy: the same finding
  };
  auto r = MatchInventory(inv, source_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{"CVE-2021-44906 minimist",
                                               "GHSA-aaaa-bbbb-cccc lodash", "GO-2023-0001 stdlib",
                                               "PYSEC-2023-1 Foo_Bar"}));
  EXPECT_EQ(r->matches[2].fixed_versions, std::vector<std::string>{"1.19.9"});
  EXPECT_EQ(r->matches[0].packages, (std::vector<size_t>{6, 7}));
}

TEST_F(MatcherTest, BasicScanningIsOsOnlyAndDevDependenciesAreOptional) {
  analyze::Inventory inv;
  inv.packages = {Deb("libssl3", "3.0.11-1~deb12u1", "openssl"),
                  Lang(PackageType::kNpm, "npm", "lodash", "4.17.20", /*dev=*/true)};
  EXPECT_EQ(Ids(*MatchInventory(inv, source_, {.os_only = true})),
            std::vector<std::string>{"CVE-2023-0001 openssl"});
  EXPECT_EQ(Ids(*MatchInventory(inv, source_, {.os_only = false, .include_dev = false})),
            std::vector<std::string>{"CVE-2023-0001 openssl"});
  EXPECT_EQ(MatchInventory(inv, source_)->matches.size(), 2u);
}

// Counts what the matcher asks of a source.
class CountingSource final : public AdvisorySource {
 public:
  explicit CountingSource(AdvisorySource& inner) : inner_(inner) {}
  Result<std::vector<std::string>> Candidates(std::string_view e, std::string_view n) override {
    ++candidates;
    return inner_.Candidates(e, n);
  }
  Result<std::shared_ptr<const LoadedAdvisory>> Load(const std::string& id) override {
    return inner_.Load(id);
  }
  int candidates = 0;

 private:
  AdvisorySource& inner_;
};

TEST_F(MatcherTest, CacheGivesTheSameMatchesAndAsksTheSourceOncePerPackageVersion) {
  analyze::Inventory a, b;
  a.packages = {Deb("libssl3", "3.0.11-1~deb12u1", "openssl"),
                Lang(PackageType::kNpm, "npm", "minimist", "1.2.5"),
                Lang(PackageType::kNpm, "npm", "minimist", "0.0.8")};
  b.packages = {Lang(PackageType::kNpm, "npm", "minimist", "0.0.8"),
                Deb("openssl", "3.0.11-1~deb12u1"),
                Lang(PackageType::kGo, "Go", "stdlib", "1.19.8")};
  CountingSource counting(source_);
  MatchCache cache;
  for (const analyze::Inventory* inv : {&a, &b}) {
    auto plain = MatchInventory(*inv, source_);
    auto cached = MatchInventory(*inv, counting, {}, &cache);
    ASSERT_TRUE(plain.ok() && cached.ok());
    ASSERT_EQ(Ids(*cached), Ids(*plain));
    for (size_t i = 0; i < plain->matches.size(); ++i) {
      EXPECT_EQ(cached->matches[i].packages, plain->matches[i].packages);
      EXPECT_EQ(cached->matches[i].fixed_versions, plain->matches[i].fixed_versions);
      EXPECT_EQ(cached->matches[i].fix_available, plain->matches[i].fix_available);
    }
  }
  // (openssl, 3.0.11-1~deb12u1), (minimist, 1.2.5), (minimist, 0.0.8), (stdlib, 1.19.8).
  EXPECT_EQ(counting.candidates, 4);
  cache.Clear();
  ASSERT_TRUE(MatchInventory(b, counting, {}, &cache).ok());
  EXPECT_EQ(counting.candidates, 7);
}

}  // namespace
}  // namespace surveyor::match
