// Importer parser tests: real upstream samples checked against the expected outputs that come
// with them (vunnel snapshots for Debian, Alpine, EPSS), facts read by hand from real records,
// and hand-written edge cases.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vulndb/builtin.h"
#include "vulndb/constraints.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/severity.h"
#include "vulndb/test_sink.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

const fs::path kShared = fs::path(SURVEYOR_SHARED_DIR) / "data";

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

#define REQUIRE_SHARED(path) \
  if (!fs::exists(path)) GTEST_SKIP() << "shared data absent: " << (path)

CollectingSink ParseFile(const fs::path& path, const std::string& name) {
  CollectingSink sink;
  const std::string text = ReadAll(path);
  const FeedFormat format = SniffFormat(name, text);
  EXPECT_NE(format, FeedFormat::kUnknown) << name;
  EXPECT_TRUE(ParseDocument(format, text, name, sink).ok());
  return sink;
}

CollectingSink ParseText(FeedFormat format, const std::string& text, const std::string& name = "doc") {
  CollectingSink sink;
  EXPECT_TRUE(ParseDocument(format, text, name, sink).ok());
  return sink;
}

const Affected* FindAffected(const Advisory& a, const std::string& name) {
  for (const auto& af : a.affected)
    if (af.package.name == name) return &af;
  return nullptr;
}

std::string Events(const Range& r) {
  std::string out;
  for (const auto& e : r.events) {
    if (!out.empty()) out += " ";
    out += std::string(EventKindName(e.kind)) + ":" + e.value;
  }
  return out;
}

// ------------------------------------------------------------------ OSV

TEST(OsvParserTest, RealGoRecord) {
  const fs::path p = kShared / "advisories/golang-vulndb/osv/GO-2024-3228.json";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "osv/GO-2024-3228.json");
  ASSERT_EQ(sink.records.size(), 1u);
  const Advisory& a = sink.records[0].advisory;
  EXPECT_EQ(a.id, "GO-2024-3228");
  EXPECT_EQ(a.aliases, std::vector<std::string>{"GHSA-wcx9-ccpj-hx3c"});
  EXPECT_EQ(a.canonical_id, "GO-2024-3228");  // no CVE alias
  const Affected* v2 = FindAffected(a, "github.com/coder/coder/v2");
  ASSERT_NE(v2, nullptr);
  EXPECT_EQ(v2->package.ecosystem, "Go");
  ASSERT_FALSE(v2->ranges.empty());
  EXPECT_EQ(v2->ranges[0].type, "SEMVER");
  EXPECT_EQ(Events(v2->ranges[0]).substr(0, 51), "introduced:2.3.1 fixed:2.14.4 introduced:2.15.0 fix");
}

TEST(OsvParserTest, RealPypaYamlRecord) {
  const fs::path p = kShared / "advisories/pypa-advisory-database/vulns/apache-skywalking/PYSEC-2020-342.yaml";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "vulns/apache-skywalking/PYSEC-2020-342.yaml");
  ASSERT_EQ(sink.records.size(), 1u);
  const Advisory& a = sink.records[0].advisory;
  EXPECT_EQ(a.id, "PYSEC-2020-342");
  EXPECT_EQ(a.canonical_id, "CVE-2020-13921");
  ASSERT_EQ(a.affected.size(), 1u);
  EXPECT_EQ(a.affected[0].package.ecosystem, "PyPI");
  EXPECT_EQ(a.affected[0].versions.size(), 10u);
  EXPECT_EQ(a.affected[0].versions[0], "0.1.0");
  ASSERT_EQ(a.cvss.size(), 1u);
  EXPECT_DOUBLE_EQ(a.cvss[0].base_score, 9.8);  // AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
  EXPECT_EQ(DeriveSeverity(a).severity, Severity::kCritical);
}

TEST(OsvParserTest, EdgeCases) {
  // Unknown ecosystem only → the whole record is skipped with the reason.
  auto s1 = ParseText(FeedFormat::kOsvJson, R"({"id":"X-1","modified":"2024-01-01T00:00:00Z",
    "affected":[{"package":{"ecosystem":"NoSuchEco","name":"p"}}]})");
  EXPECT_TRUE(s1.records.empty());
  ASSERT_EQ(s1.skips.size(), 1u);  // the record, with the first reason
  EXPECT_FALSE(s1.skips.back().partial);
  EXPECT_NE(s1.skips.back().reason.find("NoSuchEco"), std::string::npos);
  // One bad entry among good ones → kept, with a partial skip.
  auto s2 = ParseText(FeedFormat::kOsvJson, R"({"id":"X-2","affected":[
    {"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2"}]}]},
    {"package":{"ecosystem":"npm","name":"b"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.0"}]}]}]})");
  ASSERT_EQ(s2.records.size(), 1u);
  ASSERT_EQ(s2.records[0].advisory.affected.size(), 1u);
  EXPECT_EQ(s2.records[0].advisory.affected[0].package.name, "b");
  ASSERT_EQ(s2.skips.size(), 1u);
  EXPECT_TRUE(s2.skips[0].partial);
  // Malformed JSON, wrong types, missing id.
  for (const char* bad : {"{", "[1,2", R"({"id":5})", R"({"summary":"no id"})",
                          R"({"id":"X","affected":{"a":1}})", R"({"id":"X","aliases":[1]})",
                          R"({"id":"X","affected":[{"ranges":[{"type":"SEMVER","events":[{"bogus":"1"}]}]}]})"}) {
    auto s = ParseText(FeedFormat::kOsvJson, bad);
    EXPECT_TRUE(s.records.empty()) << bad;
    EXPECT_EQ(s.WholeSkips(), 1u) << bad;
  }
  // Invalid CVSS vectors are dropped from the record, the record stays.
  auto s3 = ParseText(FeedFormat::kOsvJson, R"({"id":"CVE-2024-0001","severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:Q"}]})");
  ASSERT_EQ(s3.records.size(), 1u);
  EXPECT_TRUE(s3.records[0].advisory.cvss.empty());
  EXPECT_EQ(DeriveSeverity(s3.records[0].advisory).severity, Severity::kUntriaged);
}

// An OSV record written with sorted keys starts with "affected"; when that list is long, "id"
// lies beyond the sniffed head. It is still OSV (it used to be ignored, and its stored record
// then counted as removed from the feed).
TEST(OsvParserTest, SortedKeysWithALongAffectedListAreOsv) {
  std::string symbols;
  for (int i = 0; i < 400; ++i) symbols += (i ? "," : "") + std::string("\"Symbol") + std::to_string(i) + "\"";
  const std::string text =
      R"({"affected":[{"ecosystem_specific":{"imports":[{"path":"net/http","symbols":[)" + symbols +
      R"(]}]},"package":{"ecosystem":"Go","name":"stdlib"},"ranges":[{"type":"SEMVER","events":)"
      R"([{"introduced":"0"},{"fixed":"1.22.2"}]}]}],"id":"GO-2024-2687","modified":)"
      R"("2024-04-03T00:00:00Z"})";
  ASSERT_GT(text.find("\"id\""), 4096u);
  EXPECT_EQ(SniffFormat("osv/GO-2024-2687.json", std::string_view(text).substr(0, 4096)),
            FeedFormat::kOsvJson);
  auto sink = ParseText(FeedFormat::kOsvJson, text);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].advisory.id, "GO-2024-2687");
}

TEST(OsvParserTest, JsonRoundTrip) {
  auto s = ParseText(FeedFormat::kOsvJson, R"({"id":"GHSA-aaaa-bbbb-cccc","aliases":["CVE-2020-2002","CVE-2020-1001","GHSA-aaaa-bbbb-cccc"],
    "affected":[{"package":{"ecosystem":"PyPI","name":"Foo_Bar"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1.0"}]}],
    "ecosystem_specific":{"x":1}}],"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}]})");
  ASSERT_EQ(s.records.size(), 1u);
  const Advisory& a = s.records[0].advisory;
  EXPECT_EQ(a.aliases, (std::vector<std::string>{"CVE-2020-1001", "CVE-2020-2002"}));
  EXPECT_EQ(a.canonical_id, "CVE-2020-1001");
  ASSERT_EQ(a.cvss.size(), 1u);
  EXPECT_EQ(a.cvss[0].source, "ghsa");
  EXPECT_DOUBLE_EQ(a.cvss[0].base_score, 6.1);
  auto back = FromJson(ToJson(a));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, a);
}

// ------------------------------------------------------------------ Debian

// vunnel's expected outputs: snapshots/debian:<N>/<cve>.json, one per (CVE, release), with
// FixedIn[].Name/Version ("None" when unfixed, "0" when not affected) and a Severity label.
TEST(DebianParserTest, MatchesVunnelSnapshots) {
  const fs::path dir = kShared / "fixtures/debian/vunnel/debian/test-fixtures";
  REQUIRE_SHARED(dir);
  CollectingSink sink = ParseFile(dir / "input/debian.json", "debian.json");
  EXPECT_EQ(sink.WholeSkips(), 0u);
  // vunnel's severity labels in our vocabulary.
  const std::map<std::string, std::string> kLabel = {
      {"High", "HIGH"}, {"Medium", "MEDIUM"}, {"Low", "LOW"}, {"Negligible", "INFORMATIONAL"},
      {"Unknown", "UNTRIAGED"}};
  int compared = 0;
  for (const auto& entry : fs::directory_iterator(dir / "snapshots")) {
    const std::string ns = entry.path().filename().string();  // "debian:12"
    const std::string release = ns.substr(7);
    for (const auto& snap : fs::directory_iterator(entry.path())) {
      const Json doc = Json::parse(ReadAll(snap.path()));
      const Json& v = doc["item"]["Vulnerability"];
      const std::string cve = v["Name"];
      const KeyedAdvisory* rec = sink.Find(cve + "/Debian:" + release);
      if (release == "7" || cve == "CVE-2012-0833") continue;  // from the legacy/DSA inputs
      ASSERT_NE(rec, nullptr) << cve << " " << ns;
      const Advisory& a = rec->advisory;
      EXPECT_EQ(a.id, cve);
      for (const Json& fixed : v["FixedIn"]) {
        const Affected* af = FindAffected(a, fixed["Name"]);
        ASSERT_NE(af, nullptr) << cve << " " << ns << " " << fixed["Name"];
        const std::string version = fixed["Version"];
        const std::string state = af->ecosystem_specific.value("state", "");
        if (version == "None") {
          EXPECT_TRUE(state == "unfixed" || state == "end-of-life" || state == "no-dsa") << state;
          ASSERT_EQ(af->ranges.size(), 1u);
          EXPECT_EQ(Events(af->ranges[0]), "introduced:0");
        } else if (version == "0") {
          EXPECT_EQ(state, "not-affected");
          EXPECT_TRUE(af->ranges.empty());
        } else {
          EXPECT_EQ(state, "fixed");
          ASSERT_EQ(af->ranges.size(), 1u);
          EXPECT_EQ(Events(af->ranges[0]), "introduced:0 fixed:" + version);
        }
      }
      EXPECT_EQ(SeverityName(DeriveSeverity(a).severity), kLabel.at(v["Severity"])) << cve << " " << ns;
      ++compared;
    }
  }
  EXPECT_GE(compared, 20);
}

TEST(DebianParserTest, HandWrittenStates) {
  auto s = ParseText(FeedFormat::kDebianTracker, R"({
    "openssl": {"CVE-2024-1": {"description": "d", "releases": {
       "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue", "nodsa_reason": ""},
       "bullseye": {"status": "open", "urgency": "low", "nodsa": "x", "nodsa_reason": "ignored"},
       "buster": {"status": "open", "urgency": "end-of-life"},
       "trixie": {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"},
       "sid": {"status": "resolved", "fixed_version": "3.1.5-1", "urgency": "medium**"},
       "hamm2": {"status": "open"}}}},
    "openssl-legacy": {"CVE-2024-1": {"releases": {"bookworm": {"status": "undetermined", "urgency": "high"}}}}
  })");
  EXPECT_EQ(s.WholeSkips(), 0u);
  ASSERT_EQ(s.skips.size(), 1u);  // the unknown code name
  EXPECT_NE(s.skips[0].reason.find("hamm2"), std::string::npos);
  auto state = [&](const std::string& key, const std::string& pkg) {
    const KeyedAdvisory* r = s.Find(key);
    if (r == nullptr) return std::string("<none>");
    const Affected* af = FindAffected(r->advisory, pkg);
    return af ? af->ecosystem_specific.value("state", "") : std::string("<no pkg>");
  };
  EXPECT_EQ(state("CVE-2024-1/Debian:12", "openssl"), "no-dsa");
  EXPECT_EQ(state("CVE-2024-1/Debian:12", "openssl-legacy"), "undetermined");
  EXPECT_EQ(state("CVE-2024-1/Debian:11", "openssl"), "ignored");
  EXPECT_EQ(state("CVE-2024-1/Debian:10", "openssl"), "end-of-life");
  EXPECT_EQ(state("CVE-2024-1/Debian:13", "openssl"), "not-affected");
  EXPECT_EQ(state("CVE-2024-1/Debian:unstable", "openssl"), "fixed");
  // Vendor severity: the most severe urgency among the release's packages.
  EXPECT_EQ(s.Find("CVE-2024-1/Debian:12")->advisory.vendor_severity, "high");
  EXPECT_EQ(s.Find("CVE-2024-1/Debian:unstable")->advisory.vendor_severity, "medium");
  EXPECT_EQ(DeriveSeverity(s.Find("CVE-2024-1/Debian:10")->advisory).severity, Severity::kUntriaged);
  EXPECT_EQ(*DebianReleaseNumber("bookworm"), "12");
}

// ------------------------------------------------------------------ Alpine

TEST(AlpineParserTest, MatchesVunnelSnapshots) {
  const fs::path dir = kShared / "fixtures/alpine/vunnel/alpine/test-fixtures";
  REQUIRE_SHARED(dir);
  CollectingSink sink;
  for (const char* repo : {"main", "community"}) {
    CollectingSink one = ParseFile(dir / "input/secdb/v3.15" / (std::string(repo) + ".yaml"),
                                   std::string("v3.15/") + repo + ".yaml");
    for (auto& r : one.records) sink.records.push_back(std::move(r));
  }
  int compared = 0;
  for (const auto& snap : fs::directory_iterator(dir / "snapshots/3.15")) {
    const Json v = Json::parse(ReadAll(snap.path()))["item"]["Vulnerability"];
    const std::string cve = v["Name"];
    bool found = false;
    for (const auto& r : sink.records) {
      if (r.advisory.id != cve) continue;
      for (const Json& fixed : v["FixedIn"]) {
        const Affected* af = FindAffected(r.advisory, fixed["Name"]);
        if (af == nullptr) continue;
        found = true;
        EXPECT_EQ(af->package.ecosystem, "Alpine:v3.15");
        ASSERT_EQ(af->ranges.size(), 1u);
        EXPECT_EQ(Events(af->ranges[0]), "introduced:0 fixed:" + fixed["Version"].get<std::string>());
      }
    }
    EXPECT_TRUE(found) << cve;
    ++compared;
  }
  EXPECT_EQ(compared, 16);
}

TEST(AlpineParserTest, JsonFormAndNotAffected) {
  auto s = ParseText(FeedFormat::kAlpineSecdb, R"({"packages":[{"pkg":{"name":"ansible","secfixes":{
      "2.7.9-r0":["CVE-2018-16876"],"2.8.0-r0":{},"0":["CVE-2020-1 XSA-9"]}}}],
      "reponame":"main","distroversion":"v3.12"})");
  ASSERT_EQ(s.records.size(), 2u);
  const KeyedAdvisory* fixed = s.Find("CVE-2018-16876/Alpine:v3.12/main");
  ASSERT_NE(fixed, nullptr);
  EXPECT_EQ(Events(fixed->advisory.affected[0].ranges[0]), "introduced:0 fixed:2.7.9-r0");
  const KeyedAdvisory* na = s.Find("CVE-2020-1/Alpine:v3.12/main");
  ASSERT_NE(na, nullptr);
  EXPECT_EQ(na->advisory.aliases, std::vector<std::string>{"XSA-9"});
  EXPECT_EQ(na->advisory.affected[0].ecosystem_specific.value("state", ""), "not-affected");
}

// ------------------------------------------------------------------ RubySec, FriendsOfPHP, nodejs

TEST(RubySecParserTest, RealAdvisory) {
  const fs::path p = kShared / "advisories/rubysec-ruby-advisory-db/gems/resque/CVE-2023-50725.yml";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "gems/resque/CVE-2023-50725.yml");
  ASSERT_EQ(sink.records.size(), 1u);
  const Advisory& a = sink.records[0].advisory;
  EXPECT_EQ(a.id, "CVE-2023-50725");
  EXPECT_EQ(a.aliases, std::vector<std::string>{"GHSA-gc3j-vvwf-4rp8"});
  ASSERT_EQ(a.affected.size(), 1u);
  EXPECT_EQ(a.affected[0].package.ecosystem, "RubyGems");
  EXPECT_EQ(a.affected[0].package.name, "resque");
  EXPECT_EQ(Events(a.affected[0].ranges[0]), "introduced:0 fixed:2.2.1");  // patched ">= 2.2.1"
  EXPECT_EQ(DeriveSeverity(a).severity, Severity::kMedium);                  // cvss_v3: 6.3
}

TEST(RubySecParserTest, PessimisticAndUnaffected) {
  auto s = ParseText(FeedFormat::kRubySec, "gem: rack\ncve: 2020-1\npatched_versions:\n"
                     "  - \"~> 1.6.12\"\n  - \">= 2.0.8\"\nunaffected_versions:\n  - \"< 1.1.0\"\n");
  ASSERT_EQ(s.records.size(), 1u);
  // safe: [0,1.1.0) ∪ [1.6.12,1.7) ∪ [2.0.8,∞) → affected [1.1.0,1.6.12) ∪ [1.7,2.0.8)
  EXPECT_EQ(Events(s.records[0].advisory.affected[0].ranges[0]),
            "introduced:1.1.0 fixed:1.6.12 introduced:1.7 fixed:2.0.8");
  auto rubies = ParseText(FeedFormat::kRubySec, "engine: jruby\ncve: 2022-25857\n");
  EXPECT_TRUE(rubies.records.empty());
  ASSERT_EQ(rubies.WholeSkips(), 1u);
  EXPECT_NE(rubies.skips[0].reason.find("unknown ecosystem"), std::string::npos);
  auto bad = ParseText(FeedFormat::kRubySec, "gem: x\npatched_versions:\n  - \">= \"\n");
  EXPECT_EQ(bad.WholeSkips(), 1u);
}

TEST(FriendsOfPhpParserTest, RealAdvisory) {
  const fs::path p = kShared / "advisories/friendsofphp-security-advisories/cakephp/cakephp/2015-08-06.yaml";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "cakephp/cakephp/2015-08-06.yaml");
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].key, "cakephp/cakephp/2015-08-06");
  const Advisory& a = sink.records[0].advisory;
  EXPECT_EQ(a.affected[0].package.ecosystem, "Packagist");
  EXPECT_EQ(a.affected[0].package.name, "cakephp/cakephp");
  ASSERT_EQ(a.affected[0].ranges.size(), 8u);  // eight branches
  EXPECT_EQ(Events(a.affected[0].ranges[0]), "introduced:2.0.0 fixed:2.0.99");
  EXPECT_EQ(Events(a.affected[0].ranges[7]), "introduced:2.7.0 fixed:2.7.2");
}

TEST(NodejsParserTest, RealAdvisoryAndCore) {
  const fs::path p = kShared / "advisories/nodejs-security-wg/vuln/npm/410.json";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "vuln/npm/410.json");
  ASSERT_EQ(sink.records.size(), 1u);
  const Advisory& a = sink.records[0].advisory;
  EXPECT_EQ(a.id, "NSWG-ECO-410");
  EXPECT_EQ(a.affected[0].package.name, "merge-options");
  EXPECT_EQ(Events(a.affected[0].ranges[0]), "introduced:0 last_affected:1.0.0");  // "<=1.0.0"
  ASSERT_EQ(a.cvss.size(), 1u);
  EXPECT_DOUBLE_EQ(a.cvss[0].base_score, 2.0);  // the feed's own cvss_score
  CollectingSink core = ParseFile(kShared / "advisories/nodejs-security-wg/vuln/core/1.json", "vuln/core/1.json");
  EXPECT_TRUE(core.records.empty());
  EXPECT_EQ(core.WholeSkips(), 1u);
}

TEST(NodejsParserTest, RangeForms) {
  auto s = ParseText(FeedFormat::kNodejsWg, R"({"id":1,"module_name":"@scope/x",
     "vulnerable_versions":">= 2.0.0 <2.1.3 || ^3.1.0 || 4.x","cves":["CVE-2019-1234"]})");
  ASSERT_EQ(s.records.size(), 1u);
  const auto& ranges = s.records[0].advisory.affected[0].ranges;
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(Events(ranges[0]), "introduced:2.0.0 fixed:2.1.3");
  EXPECT_EQ(Events(ranges[1]), "introduced:3.1.0 fixed:4.0.0-0");
  EXPECT_EQ(Events(ranges[2]), "introduced:4.0.0 fixed:5.0.0");
  EXPECT_EQ(s.records[0].advisory.canonical_id, "CVE-2019-1234");
}

// ------------------------------------------------------------------ enrichment

TEST(EpssParserTest, MatchesVunnelSnapshots) {
  const fs::path dir = kShared / "fixtures/enrichment/vunnel/epss/test-fixtures";
  REQUIRE_SHARED(dir);
  CollectingSink sink = ParseFile(dir / "example-1.csv", "example-1.csv");
  ASSERT_EQ(sink.facts.size(), 5u);
  for (const auto& snap : fs::directory_iterator(dir / "snapshots/example-1")) {
    const Json item = Json::parse(ReadAll(snap.path()))["item"];
    bool found = false;
    for (const Enrichment& e : sink.facts) {
      if (e.cve != item["cve"]) continue;
      found = true;
      EXPECT_DOUBLE_EQ(*e.epss_score, item["epss"].get<double>());
      EXPECT_DOUBLE_EQ(*e.epss_percentile, item["percentile"].get<double>());
      EXPECT_EQ(e.epss_date, item["date"]);
    }
    EXPECT_TRUE(found) << item["cve"];
  }
  CollectingSink bad = ParseFile(dir / "invalid-header.csv", "invalid-header.csv");
  EXPECT_TRUE(bad.facts.empty());
  EXPECT_EQ(bad.WholeSkips(), 1u);
}

TEST(KevParserTest, RealCatalog) {
  const fs::path p = kShared / "advisories/cisa-kev/known_exploited_vulnerabilities.json";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "known_exploited_vulnerabilities.json");
  EXPECT_EQ(sink.facts.size(), 1404u);  // the catalog's own "count"
  EXPECT_EQ(sink.facts[0].cve, "CVE-2025-48384");
  EXPECT_EQ(sink.facts[0].kev_date_added, "2025-08-25");
}

TEST(NvdParserTest, ResponsePage) {
  const fs::path p = kShared / "fixtures/enrichment/vuln-list-update/nvd/testdata/fixtures/respPage1.json";
  REQUIRE_SHARED(p);
  CollectingSink sink = ParseFile(p, "respPage1.json");
  ASSERT_EQ(sink.facts.size(), 2u);  // resultsPerPage 2
  EXPECT_EQ(sink.facts[0].cve, "CVE-2020-8167");
  bool has_v31 = false;
  for (const CvssEntry& c : sink.facts[0].cvss) {
    if (c.version == "3.1" && c.source == "nvd") {
      has_v31 = true;
      EXPECT_DOUBLE_EQ(c.base_score, 6.5);  // NVD's published baseScore for CVE-2020-8167
    }
  }
  EXPECT_TRUE(has_v31);
}

}  // namespace
}  // namespace surveyor::vulndb

namespace surveyor::vulndb {
namespace {

// Hand-worked OSV events for npm, RubyGems and Composer constraint forms.
struct RangeCase {
  const char* input;
  const char* events;
};

TEST(ConstraintsTest, NpmRanges) {
  const RangeCase cases[] = {
      {"<1.0", "introduced:0 fixed:1.0.0"},
      {"<=1.0", "introduced:0 fixed:1.1.0-0"},
      {">1.2 <2", "introduced:1.3.0 fixed:2.0.0"},
      {"1.2", "introduced:1.2.0 fixed:1.3.0-0"},
      {"1.2.3 - 2.3", "introduced:1.2.3 fixed:2.4.0-0"},
      {"*", "introduced:0"},
      {"~1.2.3", "introduced:1.2.3 fixed:1.3.0-0"},
      {"^0.2.3", "introduced:0.2.3 fixed:0.3.0-0"},
      {">= 1.0.0 <= 1.4.2", "introduced:1.0.0 last_affected:1.4.2"},
  };
  for (const RangeCase& c : cases) {
    auto r = ParseNpmRange(c.input);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.status().ToString();
    ASSERT_EQ(r->size(), 1u) << c.input;
    EXPECT_EQ(Events(AffectedRanges(*r, "SEMVER")[0]), c.events) << c.input;
  }
  EXPECT_FALSE(ParseNpmRange(">=2.0.0 <1.0.0").ok());
  EXPECT_FALSE(ParseNpmRange("!=1.0.0").ok());
}

TEST(ConstraintsTest, ComplementsAndOrdering) {
  auto safe = [](std::vector<std::string> reqs) {
    std::vector<Interval> out;
    for (const auto& r : reqs) out.push_back(*ParseComparatorSet(SplitComparators(r)));
    return out;
  };
  // Exactly one affected version between two exclusive bounds (RubySec coin_base style).
  EXPECT_EQ(Events(ComplementRange(safe({"< 4.2.3", "> 4.2.3"}), "ECOSYSTEM")),
            "introduced:4.2.3 last_affected:4.2.3");
  EXPECT_EQ(Events(ComplementRange(safe({"< 4.2.1", "> 4.2.2"}), "ECOSYSTEM")),
            "introduced:4.2.1 last_affected:4.2.2");
  EXPECT_TRUE(ComplementRange(safe({"< 5.1.2", ">= 5.1.2"}), "ECOSYSTEM").events.empty());
  EXPECT_EQ(Events(ComplementRange(safe({"~> 2.2", ">= 3.0.0.rc1"}), "ECOSYSTEM")),
            "introduced:0 fixed:2.2");
  EXPECT_LT(LooseVersionCompare("1.0.rc1", "1.0"), 0);
  EXPECT_GT(LooseVersionCompare("2.4.4-p9", "2.4.4"), 0);
  EXPECT_EQ(LooseVersionCompare("1.0.0", "1.0"), 0);
  EXPECT_LT(LooseVersionCompare("1.9", "1.10"), 0);
}

}  // namespace
}  // namespace surveyor::vulndb
