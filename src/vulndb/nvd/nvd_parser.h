// NVD CVE API 2.0 importer parser: a response page ({"vulnerabilities":[{"cve":…}]}) or a single
// CVE object → Enrichment facts (every CVSS v2/v3.0/v3.1/v4.0 metric, with its source and the
// base score recomputed from the vector; the English description). A page's paging fields
// (startIndex, resultsPerPage, totalResults) are returned for the importer to follow. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

struct NvdPaging {
  int64_t start_index = 0;
  int64_t results_per_page = 0;
  int64_t total_results = 0;
};

Status ParseNvd(std::string_view text, std::string_view name, RecordSink& sink);
// Same, and `paging` is set when the document is an API 2.0 response page carrying the three
// paging fields (left unset otherwise).
Status ParseNvdPage(std::string_view text, std::string_view name, RecordSink& sink,
                    std::optional<NvdPaging>& paging);
Status EmitNvdCve(const Json& cve, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
