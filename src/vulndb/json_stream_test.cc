// Streaming parsers: the JSON member splitter on tables of good and bad documents (expected
// members written by hand), fed in every chunk size; the Debian tracker and EPSS streams give the
// same records as the whole-document parse whatever the chunking, and memory stays with one
// member.
#include "vulndb/json_stream.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/epss/epss_parser.h"
#include "vulndb/test_sink.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

struct Split {
  Status status;
  std::vector<std::pair<std::string, std::string>> members;
  std::vector<std::string> too_large;
};

Split SplitInChunks(std::string_view text, size_t chunk, JsonMemberSplitter::Limits limits = {}) {
  Split out;
  JsonMemberSplitter splitter(
      [&](std::string_view k, std::string_view v) {
        out.members.emplace_back(k, v);
        return Status::Ok();
      },
      [&](std::string_view k, uint64_t) { out.too_large.emplace_back(k); }, limits);
  for (size_t i = 0; i < text.size() && out.status.ok(); i += chunk) {
    out.status = splitter.Feed(text.substr(i, chunk));
  }
  if (out.status.ok()) out.status = splitter.Finish();
  return out;
}

struct GoodCase {
  const char* doc;
  std::vector<std::pair<std::string, std::string>> members;
};

TEST(JsonMemberSplitterTest, GoodDocumentsInEveryChunkSize) {
  const std::vector<GoodCase> kCases = {
      {"{}", {}},
      {" \n{ } \n", {}},
      {R"({"a":1})", {{"a", "1"}}},
      {R"({"a" : {"b":[1,{"c":"}"}]} , "d":"x\"y" ,"e":[],"f":true,"g":null,"h":-1.5e3})",
       {{"a", R"({"b":[1,{"c":"}"}]})"}, {"d", R"("x\"y")"}, {"e", "[]"}, {"f", "true"},
        {"g", "null"}, {"h", "-1.5e3"}}},
      {R"({"k\u00e9y\"q":{"x":"[{\\"}})", {{"k\xc3\xa9y\"q", R"({"x":"[{\\"})"}}},
      {"{\"a\":\"{[\"}", {{"a", "\"{[\""}}},
  };
  for (const GoodCase& c : kCases) {
    for (size_t chunk : {1u, 2u, 3u, 7u, 1000u}) {
      SCOPED_TRACE(std::string(c.doc) + " chunk " + std::to_string(chunk));
      Split s = SplitInChunks(c.doc, chunk);
      ASSERT_TRUE(s.status.ok()) << s.status.ToString();
      EXPECT_EQ(s.members, c.members);
    }
  }
}

TEST(JsonMemberSplitterTest, BadDocumentsAreRejectedWithAPosition) {
  std::vector<std::pair<const char*, const char*>> kCases = {
      {"", "empty document"},
      {"   ", "empty document"},
      {"[1,2]", "not a JSON object"},
      {R"({"a":1,})", "trailing comma"},
      {R"({"a" 1})", "expected ':'"},
      {R"({"a":1 "b":2})", "expected ','"},
      {R"({a:1})", "expected a member name"},
      {R"({"a":})", "expected a value"},
      {R"({"a":{"b":1})", "truncated"},
      {R"({"a":"xyz)", "truncated"},
      {R"({"a":1}})", "after the end"},
      {R"({"a":1} x)", "after the end"},
      {"{\"a\nb\":1}", "control character"},
      {R"({"\u12":1})", "invalid member name"},
  };
  const std::string long_key = "{\"" + std::string(5000, 'k') + "\":1}";
  const std::string long_escapes = "{\"" + std::string(5000, '\\') + "\":1}";
  kCases.push_back({long_key.c_str(), "member name too long at byte 4098"});
  kCases.push_back({long_escapes.c_str(), "member name too long"});
  for (const auto& [doc, want] : kCases) {
    for (size_t chunk : {1u, 5u, 1000u}) {
      SCOPED_TRACE(std::string(doc) + " chunk " + std::to_string(chunk));
      Split s = SplitInChunks(doc, chunk);
      ASSERT_FALSE(s.status.ok());
      EXPECT_EQ(s.status.code(), StatusCode::kInvalidArgument);
      EXPECT_NE(s.status.message().find(want), std::string::npos) << s.status.message();
      EXPECT_NE(s.status.message().find("at byte"), std::string::npos);
    }
  }
}

TEST(JsonMemberSplitterTest, LimitsOnDepthAndMemberSize) {
  JsonMemberSplitter::Limits limits;
  limits.max_depth = 3;
  limits.max_member_bytes = 10;
  Split deep = SplitInChunks(R"({"a":[[[[1]]]]})", 4, limits);  // depth 4 > 3
  EXPECT_TRUE(SplitInChunks(R"({"a":[[[1]]]})", 4, limits).status.ok());  // depth 3 is allowed
  ASSERT_FALSE(deep.status.ok());
  EXPECT_NE(deep.status.message().find("nesting deeper than 3"), std::string::npos);
  // A member over the limit is reported and dropped; the rest of the document still splits.
  Split big = SplitInChunks(R"({"big":"0123456789abcdef","ok":[1,2]})", 3, limits);
  ASSERT_TRUE(big.status.ok()) << big.status.ToString();
  EXPECT_EQ(big.too_large, std::vector<std::string>{"big"});
  ASSERT_EQ(big.members.size(), 1u);
  EXPECT_EQ(big.members[0].first, "ok");
  // A long number-like scalar is not a value.
  Split scalar = SplitInChunks("{\"a\":" + std::string(100, '1') + "}", 8);
  EXPECT_FALSE(scalar.status.ok());
}

TEST(JsonMemberSplitterTest, CallbackErrorStopsAndSticks) {
  int calls = 0;
  JsonMemberSplitter splitter(
      [&](std::string_view, std::string_view) {
        ++calls;
        return ResourceExhausted("disk full");
      },
      nullptr);
  Status s = splitter.Feed(R"({"a":1,"b":2})");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(splitter.Feed("}").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(calls, 1);
}

// ------------------------------------------------------------------ Debian stream

std::string Summary(const CollectingSink& sink) {
  std::string out;
  for (const KeyedAdvisory& r : sink.records) out += r.key + " " + DumpJson(ToJson(r.advisory)) + "\n";
  for (const Skip& k : sink.skips) out += "skip " + k.record + " " + k.reason + (k.partial ? " p" : "") + "\n";
  return out;
}

const char* kTracker = R"({
  "zlib": {"CVE-2024-2": {"description": "z", "releases": {
     "bookworm": {"status": "resolved", "fixed_version": "1:1.2.13-1", "urgency": "low"}}}},
  "openssl": {"CVE-2024-1": {"description": "d", "releases": {
       "bookworm": {"status": "open", "urgency": "low", "nodsa": "Minor issue"},
       "sid": {"status": "resolved", "fixed_version": "3.1.5-1", "urgency": "medium**"}}},
     "CVE-2024-2": {"releases": {"bookworm": {"status": "open", "urgency": "high"}}},
     "CVE-2024-3": {"releases": {"jessie": {"status": "wat"}}}},
  "bad": [1, 2],
  "libbad": {"CVE-2024-4": {"releases": {"bookworm": {"status": "open",}}}},
  "apache2": {"CVE-2024-1": {"releases": {"bookworm": {"status": "undetermined", "urgency": "high"}}}}
})";

TEST(DebianTrackerStreamTest, SameRecordsAsWholeDocumentInAnyChunking) {
  CollectingSink whole;
  ASSERT_TRUE(ParseDebianTracker(kTracker, "t.json", whole).ok());
  // Hand-checked: CVE-2024-1 has Debian:12 (apache2 + openssl, high) and Debian:unstable;
  // CVE-2024-2 has Debian:12 with openssl then zlib (packages in name order).
  ASSERT_EQ(whole.records.size(), 3u);
  EXPECT_EQ(whole.records[0].key, "CVE-2024-1/Debian:12");
  ASSERT_EQ(whole.records[0].advisory.affected.size(), 2u);
  EXPECT_EQ(whole.records[0].advisory.affected[0].package.name, "apache2");
  EXPECT_EQ(whole.records[0].advisory.vendor_severity, "high");
  EXPECT_EQ(whole.records[1].key, "CVE-2024-1/Debian:unstable");
  EXPECT_EQ(whole.records[2].key, "CVE-2024-2/Debian:12");
  ASSERT_EQ(whole.records[2].advisory.affected.size(), 2u);
  EXPECT_EQ(whole.records[2].advisory.affected[0].package.name, "openssl");
  EXPECT_EQ(whole.records[2].advisory.affected[1].package.name, "zlib");
  EXPECT_EQ(whole.records[2].advisory.details, "");  // the first package's entry (openssl) has none
  // Skips: "bad" is not an object, CVE-2024-3's status is unknown, CVE-2024-4 is malformed.
  size_t not_object = 0, status = 0, malformed = 0;
  for (const Skip& k : whole.skips) {
    not_object += k.record == "bad" && k.reason == "package entry is not an object";
    status += k.record == "CVE-2024-3" && k.reason.find("unknown status") != std::string::npos;
    malformed += k.record == "CVE-2024-4" && !k.partial;
  }
  EXPECT_EQ(not_object, 1u);
  EXPECT_EQ(status, 1u);
  EXPECT_EQ(malformed, 1u);

  const std::string want = Summary(whole);
  for (size_t chunk : {1u, 2u, 13u, 64u, 4096u}) {
    MemoryFragmentStore store;
    CollectingSink sink;
    DebianTrackerStream stream("t.json", sink, store);
    const std::string_view text(kTracker);
    for (size_t i = 0; i < text.size(); i += chunk) ASSERT_TRUE(stream.Feed(text.substr(i, chunk)).ok());
    ASSERT_TRUE(stream.Finish().ok());
    EXPECT_EQ(Summary(sink), want) << "chunk " << chunk;
  }
}

TEST(DebianTrackerStreamTest, TruncatedDocumentImportsNothing) {
  const std::string text(kTracker);
  CollectingSink sink;
  ASSERT_TRUE(ParseDebianTracker(std::string_view(text).substr(0, text.size() / 2), "t.json", sink).ok());
  EXPECT_TRUE(sink.records.empty());
  ASSERT_FALSE(sink.skips.empty());
  EXPECT_EQ(sink.skips.back().record, "t.json");
  EXPECT_NE(sink.skips.back().reason.find("truncated"), std::string::npos);
}

// A store that fails (as a full disk does): the error comes back from Feed, it is no Skip.
class FailingStore final : public FragmentStore {
 public:
  Status Put(std::string_view, std::string_view) override { return ResourceExhausted("disk full"); }
  Status Drain(const GroupFn&) override { return Status::Ok(); }
  Status Clear() override { return Status::Ok(); }
};

TEST(DebianTrackerStreamTest, StoreErrorsAreReturned) {
  FailingStore store;
  CollectingSink sink;
  DebianTrackerStream stream("t.json", sink, store);
  EXPECT_EQ(stream.Feed(kTracker).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(sink.skips.empty());
}

TEST(DebianTrackerStreamTest, VunnelInputChunkedMatchesWhole) {
  const fs::path input = fs::path(SURVEYOR_SHARED_DIR) /
                         "data/fixtures/debian/vunnel/debian/test-fixtures/input/debian.json";
  if (!fs::exists(input)) GTEST_SKIP() << "no " << input;
  std::ifstream in(input, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  CollectingSink whole;
  ASSERT_TRUE(ParseDebianTracker(text, "debian.json", whole).ok());
  EXPECT_GT(whole.records.size(), 10u);
  MemoryFragmentStore store;
  CollectingSink sink;
  DebianTrackerStream stream("debian.json", sink, store);
  for (size_t i = 0; i < text.size(); i += 777) ASSERT_TRUE(stream.Feed(std::string_view(text).substr(i, 777)).ok());
  ASSERT_TRUE(stream.Finish().ok());
  EXPECT_EQ(Summary(sink), Summary(whole));
}

// ------------------------------------------------------------------ EPSS stream

TEST(EpssStreamTest, ChunkedRowsAndOverlongLines) {
  const std::string text =
      "#model_version:v2023.03.01,score_date:2024-05-01T00:00:00+0000\r\n"
      "cve,epss,percentile\n"
      "CVE-2024-0001,0.5,0.9\n" +
      std::string(5000, 'x') + "\n" +
      "CVE-2024-0002,1.5,0.1\n"
      "CVE-2024-0003,0.00042,0.01";
  for (size_t chunk : {1u, 3u, 100u, 100000u}) {
    CollectingSink sink;
    EpssStream stream("e.csv", sink);
    for (size_t i = 0; i < text.size(); i += chunk) ASSERT_TRUE(stream.Feed(std::string_view(text).substr(i, chunk)).ok());
    ASSERT_TRUE(stream.Finish().ok());
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    ASSERT_EQ(sink.facts.size(), 2u);
    EXPECT_EQ(sink.facts[0].cve, "CVE-2024-0001");
    EXPECT_DOUBLE_EQ(*sink.facts[0].epss_score, 0.5);
    EXPECT_EQ(sink.facts[0].epss_date, "2024-05-01");
    EXPECT_EQ(sink.facts[1].cve, "CVE-2024-0003");
    EXPECT_DOUBLE_EQ(*sink.facts[1].epss_percentile, 0.01);
    ASSERT_EQ(sink.skips.size(), 2u);
    EXPECT_EQ(sink.skips[0].record, "e.csv:4");
    EXPECT_NE(sink.skips[0].reason.find("longer than"), std::string::npos);
    EXPECT_EQ(sink.skips[1].record, "CVE-2024-0002");  // 1.5 is no probability
  }
}

}  // namespace
}  // namespace surveyor::vulndb
