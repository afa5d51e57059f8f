// Deterministic merge of the records about one vulnerability (same canonical id) from several
// sources into one Advisory, keeping the provenance of each field. Records are ordered by
// (source kind: OSV/ecosystem feeds before distro feeds, source name, key); scalar fields come
// from the first record that has them, list fields are unions in that order. Pure.
#pragma once

#include <vector>

#include "vulndb/advisory.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

struct SourcedAdvisory {
  std::string source;
  std::string key;
  Advisory advisory;
};

// Empty input → an empty Advisory. `enrichment` (NVD CVSS, EPSS, KEV) is applied last.
Advisory MergeAdvisories(std::vector<SourcedAdvisory> records, const Enrichment* enrichment);

}  // namespace surveyor::vulndb
