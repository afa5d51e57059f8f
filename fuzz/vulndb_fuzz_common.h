// Shared body of the vulndb parser fuzz targets: the input is one document of the target's
// format; parsing must never crash, hang or leak, whatever it returns, and every advisory it
// yields must be stored (WriteCanonicalRecord) exactly as its JSON tree dumps (the two writers
// are checked against each other). Each target defines SURVEYOR_FUZZ_FORMAT before including
// this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vulndb/builtin.h"
#include "vulndb/canonical_json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

class DiscardingSink final : public RecordSink {
 public:
  Status OnAdvisory(KeyedAdvisory record) override {
    // The round trip to JSON is exercised too, and the direct writer must agree with it.
    const Json tree = ToJson(record.advisory);
    const CanonicalRecord rec = WriteCanonicalRecord(record.advisory);
    if (rec.body != DumpJson(tree) || rec.match_digest != MatchDigestOf(tree)) std::abort();
    return Status::Ok();
  }
  Status OnEnrichment(Enrichment) override { return Status::Ok(); }
  void OnSkip(Skip) override {}
};

}  // namespace surveyor::vulndb

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 20)) return 0;
  surveyor::vulndb::DiscardingSink sink;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)surveyor::vulndb::ParseDocument(SURVEYOR_FUZZ_FORMAT, text, "fuzz/input", sink);
  return 0;
}
