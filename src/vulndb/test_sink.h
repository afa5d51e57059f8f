// Test helper: a RecordSink that keeps everything it is given. Not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

class CollectingSink final : public RecordSink {
 public:
  Status OnAdvisory(KeyedAdvisory record) override {
    records.push_back(std::move(record));
    return Status::Ok();
  }
  Status OnEnrichment(Enrichment fact) override {
    facts.push_back(std::move(fact));
    return Status::Ok();
  }
  void OnSkip(Skip skip) override { skips.push_back(std::move(skip)); }

  const KeyedAdvisory* Find(const std::string& key) const {
    for (const auto& r : records)
      if (r.key == key) return &r;
    return nullptr;
  }
  size_t WholeSkips() const {
    size_t n = 0;
    for (const auto& s : skips) n += s.partial ? 0 : 1;
    return n;
  }

  std::vector<KeyedAdvisory> records;
  std::vector<Enrichment> facts;
  std::vector<Skip> skips;
};

}  // namespace surveyor::vulndb
