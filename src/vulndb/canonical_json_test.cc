// The direct canonical writer against its definition: the body must be byte for byte what
// nlohmann writes for ToJson(a) (DumpJson, the oracle), and the match digest what MatchDigestOf
// computes from that tree — on a hand-worked record, on hand-made edge cases (escapes, invalid
// UTF-8, numbers, every field), on every short byte string, and on every advisory of the shared
// upstream corpora.
#include "vulndb/canonical_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "common/digest.h"
#include "vulndb/builtin.h"
#include "vulndb/test_sink.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

void ExpectSameAsTree(const Advisory& a, const std::string& what) {
  const Json tree = ToJson(a);
  const CanonicalRecord rec = WriteCanonicalRecord(a);
  EXPECT_EQ(rec.body, DumpJson(tree)) << what;
  EXPECT_EQ(rec.match_digest, MatchDigestOf(tree)) << what;
}

Advisory Small() {
  Advisory a;
  a.id = "GHSA-1";
  a.aliases = {"CVE-2024-1"};
  Affected af;
  af.package = {"PyPI", "foo", ""};
  af.ranges.push_back({"ECOSYSTEM", "", {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, "1.2"}}, Json()});
  a.affected.push_back(af);
  return a;
}

TEST(CanonicalJsonTest, HandWorkedRecord) {
  Advisory a = Small();
  a.summary = "a \"b\"\n\x01/\\";
  const CanonicalRecord rec = WriteCanonicalRecord(a);
  EXPECT_EQ(rec.body,
            R"({"affected":[{"package":{"ecosystem":"PyPI","name":"foo"},"ranges":[{"events":)"
            R"([{"introduced":"0"},{"fixed":"1.2"}],"type":"ECOSYSTEM"}]}],"aliases":["CVE-2024-1"],)"
            R"("id":"GHSA-1","summary":"a \"b\"\n\u0001/\\"})");
  // sha256 of "id=GHSA-1\naffected=[…]\naliases=[\"CVE-2024-1\"]\n", computed with sha256sum.
  EXPECT_EQ(rec.match_digest, "0b80ff563aa7b6b9ef2ca9cf778bad1c0d7ab0c86731963b586a6f8a0d0505f6");
  // The summary is not part of the match digest; the canonical id is (after withdrawn).
  a.summary = "other";
  EXPECT_EQ(WriteCanonicalRecord(a).match_digest, rec.match_digest);
  a.canonical_id = "CVE-2024-1";
  EXPECT_EQ(WriteCanonicalRecord(a).match_digest,
            "c415c5e9b4dbddf9dadf59241b6e527479a9e2c2a7274949665a5a58ccee4234");
}

Advisory Full() {
  Advisory a = Small();
  a.schema_version = "1.6.0";
  a.modified = "2024-01-02T03:04:05Z";
  a.published = "2023-01-01T00:00:00Z";
  a.withdrawn = "2024-02-01T00:00:00Z";
  a.related = {"GHSA-2", "OSV-3"};
  a.upstream = {"CVE-2023-9"};
  a.details = "détails — ünïcode 😀 and a tab\tend";
  a.severity = {{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}, {"Ubuntu", "high"}};
  a.references = {{"WEB", "https://example.invalid/a?b=c&d"}, {"ADVISORY", ""}};
  a.database_specific = Json::parse(R"({"z":1,"a":[true,false,null,-3,18446744073709551615,0.1,1.0,1e300],
                                        "nested":{"k\u0000":"v\u001f","":{}},"empty":[]})");
  a.canonical_id = "CVE-2024-1";
  a.vendor_severity = "unimportant";
  a.cvss = {{"ghsa", "3.1", "CVSS:3.1/AV:N", 9.8}, {"nvd", "2.0", "AV:N/AC:L", 10.0}, {"x", "4.0", "", 0}};
  a.epss_score = 0.00043;
  a.epss_percentile = 0.1;
  a.kev = true;
  a.kev_date_added = "2024-05-06";
  a.provenance = Json{{"summary", "ghsa"}, {"cvss", "nvd"}};
  Affected& af = a.affected[0];
  af.package.purl = "pkg:pypi/foo";
  af.severity = {{"CVSS_V4", "CVSS:4.0/AV:N"}};
  af.versions = {"1.0", "1.1"};
  af.ecosystem_specific = Json{{"imports", Json::array({Json{{"path", "x/y"}, {"symbols", {"A", "B"}}}})}};
  af.database_specific = Json{{"source", "https://example.invalid/x.json"}};
  af.ranges.push_back({"GIT", "https://example.invalid/repo", {{EventKind::kLastAffected, "abc"}, {EventKind::kLimit, "*"}},
                       Json{{"note", 1}}});
  af.ranges.push_back({"SEMVER", "", {}, Json::object()});  // no events: "events":[] is written
  Affected empty;  // an affected entry with nothing in it: {}
  a.affected.push_back(empty);
  Affected only_name;
  only_name.package.name = "bar";
  a.affected.push_back(only_name);
  return a;
}

TEST(CanonicalJsonTest, EveryFieldMatchesTheTree) {
  ExpectSameAsTree(Full(), "full");
  ExpectSameAsTree(Advisory(), "empty advisory");
}

TEST(CanonicalJsonTest, OptionalPartsOneAtATime) {
  // Each optional part present alone, so a wrong key order or a missing comma shows.
  std::vector<std::pair<std::string, std::function<void(Advisory&)>>> cases = {
      {"epss score only", [](Advisory& a) { a.epss_score = 0.5; }},
      {"epss percentile only", [](Advisory& a) { a.epss_percentile = 0.25; }},
      {"kev without date", [](Advisory& a) { a.kev = true; }},
      {"nan base score", [](Advisory& a) { a.cvss = {{"s", "3.1", "v", std::nan("")}}; }},
      {"infinite score", [](Advisory& a) { a.epss_score = std::numeric_limits<double>::infinity(); }},
      {"database_specific array", [](Advisory& a) { a.database_specific = Json::array(); }},
      {"database_specific string", [](Advisory& a) { a.database_specific = "x"; }},
      {"database_specific empty object", [](Advisory& a) { a.database_specific = Json::object(); }},
      {"provenance only", [](Advisory& a) { a.provenance = Json{{"id", "x"}}; }},
      {"withdrawn only", [](Advisory& a) { a.withdrawn = "2024-01-01T00:00:00Z"; }},
      {"vendor severity only", [](Advisory& a) { a.vendor_severity = "low"; }},
      {"upstream only", [](Advisory& a) { a.upstream = {"X"}; }},
      {"related only", [](Advisory& a) { a.related = {"Y"}; }},
      {"empty strings in lists", [](Advisory& a) { a.aliases = {"", ""}; }},
      {"package purl only", [](Advisory& a) { a.affected.resize(1); a.affected[0].package.purl = "pkg:x/y"; }},
      {"range repo", [](Advisory& a) { a.affected.resize(1); a.affected[0].ranges = {{"", "r", {}, Json()}}; }},
  };
  for (auto& [name, edit] : cases) {
    Advisory a;
    a.id = "ID-1";
    edit(a);
    ExpectSameAsTree(a, name);
  }
}

// Strings: every escape, DEL, valid multi-byte forms, and invalid UTF-8 of each kind (nlohmann
// replaces it with U+FFFD; the writer must do exactly the same).
TEST(CanonicalJsonTest, StringsAsNlohmannWritesThem) {
  const std::vector<std::string> strings = {
      "", "plain", "\"quoted\"", "back\\slash", "slash/", std::string("nul\0in", 6), "\x7f", "\b\f\n\r\t",
      "\x01\x02\x1e\x1f", "é", "€", "😀", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
      "\x80", "a\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xed\x9f\xbf",
      "\xef\xbf\xbf", "\xf0\x8f\xbf\xbf", "\xf0\x90\x80\x80", "\xf4\x8f\xbf\xbf", "\xf4\x90\x80\x80",
      "\xf5\x80\x80\x80", "\xff", "\xe2\x82", "x\xe2\x82", "\xe2\x82x", "\xf0\x9f\x98", "\xc3",
      "ok \xc3\xa9 then bad \xc3 then \"q\" \x01",
  };
  for (const std::string& s : strings) {
    std::string out;
    AppendCanonicalJson(Json(s), out);
    EXPECT_EQ(out, DumpJson(Json(s))) << testing::PrintToString(s);
    Advisory a;
    a.id = s;
    a.details = s;
    a.aliases = {s};
    a.database_specific = Json{{s, s}};
    ExpectSameAsTree(a, testing::PrintToString(s));
  }
}

TEST(CanonicalJsonTest, EveryTwoByteString) {
  for (int b0 = 0; b0 < 256; ++b0) {
    for (int b1 = -1; b1 < 256; ++b1) {
      std::string s(1, static_cast<char>(b0));
      if (b1 >= 0) s += static_cast<char>(b1);
      std::string out;
      AppendCanonicalJson(Json(s), out);
      ASSERT_EQ(out, DumpJson(Json(s))) << b0 << " " << b1;
    }
  }
}

// Every byte value at every position of a longer string: the writer skips clean runs eight
// bytes at a time, and must see a byte that needs escaping wherever it is.
TEST(CanonicalJsonTest, EveryByteAtEveryPosition) {
  for (size_t pos = 0; pos < 24; ++pos) {
    for (int b = 0; b < 256; ++b) {
      std::string s(24, 'a');
      s[pos] = static_cast<char>(b);
      std::string out;
      AppendCanonicalJson(Json(s), out);
      ASSERT_EQ(out, DumpJson(Json(s))) << pos << " " << b;
    }
  }
}

TEST(CanonicalJsonTest, RandomStringsFromInterestingBytes) {
  static constexpr char kAlphabet[] = "a\"\\\x01\x1f\x7f\x80\xbf\xc2\xc3\xdf\xe0\xed\xef\xf0\xf4\xf5\xff\x9f\xa0\x90\x8f";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  std::mt19937 rng(7);
  for (int i = 0; i < 50000; ++i) {
    std::string s(rng() % 41, 'x');  // beyond 8 bytes: the word-at-a-time scan
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    std::string out;
    AppendCanonicalJson(Json(s), out);
    ASSERT_EQ(out, DumpJson(Json(s))) << testing::PrintToString(s);
  }
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every advisory in the shared upstream corpora (OSV JSON and YAML, Alpine, RubySec,
// FriendsOfPHP, nodejs …), as the importers hand them to storage.
TEST(CanonicalJsonTest, SharedCorporaMatchTheTree) {
  const fs::path root = fs::path(SURVEYOR_SHARED_DIR) / "data/advisories";
  if (!fs::exists(root)) GTEST_SKIP() << "shared data absent: " << root;
  size_t records = 0, mismatches = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    const std::string name = fs::relative(e.path(), root).generic_string();
    const std::string text = ReadAll(e.path());
    const FeedFormat format = SniffFormat(name, std::string_view(text).substr(0, 4096));
    if (format == FeedFormat::kUnknown || IsEnrichmentFormat(format)) continue;
    CollectingSink sink;
    (void)ParseDocument(format, text, name, sink);
    for (const KeyedAdvisory& r : sink.records) {
      ++records;
      const Json tree = ToJson(r.advisory);
      const CanonicalRecord rec = WriteCanonicalRecord(r.advisory);
      if (rec.body != DumpJson(tree) || rec.match_digest != MatchDigestOf(tree)) {
        if (++mismatches <= 5) ADD_FAILURE() << name << " " << r.key;
      }
    }
  }
  EXPECT_EQ(mismatches, 0u);
  EXPECT_GT(records, 4000u);  // the Go database alone has more
}

}  // namespace
}  // namespace surveyor::vulndb
