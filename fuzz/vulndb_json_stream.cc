// libFuzzer target: the streaming readers (JsonMemberSplitter, DebianTrackerStream, EpssStream).
// The first input byte picks a chunk size; the rest is the document. Whole-document and chunked
// reads must agree exactly (members, errors, records, skips) — a difference aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/json.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/epss/epss_parser.h"
#include "vulndb/json_stream.h"

namespace surveyor::vulndb {
namespace {

class TextSink final : public RecordSink {
 public:
  Status OnAdvisory(KeyedAdvisory record) override {
    out += "A " + record.key + " " + DumpJson(ToJson(record.advisory)) + "\n";
    return Status::Ok();
  }
  Status OnEnrichment(Enrichment fact) override {
    out += "E " + fact.cve + "\n";
    return Status::Ok();
  }
  void OnSkip(Skip skip) override { out += "S " + skip.record + " " + skip.reason + "\n"; }
  std::string out;
};

std::string Split(std::string_view text, size_t chunk) {
  std::string out;
  JsonMemberSplitter::Limits limits;
  limits.max_member_bytes = 4096;
  JsonMemberSplitter s(
      [&](std::string_view k, std::string_view v) {
        out += std::string(k) + "=" + std::string(v) + "\n";
        return Status::Ok();
      },
      [&](std::string_view k, uint64_t n) { out += std::string(k) + " too large " + std::to_string(n) + "\n"; },
      limits);
  Status st;
  for (size_t i = 0; i < text.size() && st.ok(); i += chunk) st = s.Feed(text.substr(i, chunk));
  if (st.ok()) st = s.Finish();
  return out + st.ToString();
}

template <typename Stream, typename... Args>
std::string Streamed(std::string_view text, size_t chunk, Args&... args) {
  TextSink sink;
  Stream stream("fuzz", sink, args...);
  Status st;
  for (size_t i = 0; i < text.size() && st.ok(); i += chunk) st = stream.Feed(text.substr(i, chunk));
  if (st.ok()) st = stream.Finish();
  return sink.out + st.ToString();
}

}  // namespace
}  // namespace surveyor::vulndb

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace surveyor::vulndb;
  if (size < 1 || size > (1 << 18)) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (Split(text, text.size() + 1) != Split(text, chunk)) std::abort();
  MemoryFragmentStore a, b;
  if (Streamed<DebianTrackerStream>(text, text.size() + 1, a) != Streamed<DebianTrackerStream>(text, chunk, b)) {
    std::abort();
  }
  if (Streamed<EpssStream>(text, text.size() + 1) != Streamed<EpssStream>(text, chunk)) std::abort();
  return 0;
}
