// EPSS CSV importer parser: an optional "#model_version:…,score_date:…" comment line, the header
// "cve,epss,percentile", then one row per CVE → Enrichment (score, percentile, date). Rows are
// parsed one at a time from the text. A wrong header fails the document. Pure.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseEpss(std::string_view text, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
