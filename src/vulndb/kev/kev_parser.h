// CISA Known Exploited Vulnerabilities (KEV) JSON importer parser: {"vulnerabilities":[{cveID,
// dateAdded, …}]} → Enrichment (kev = true, date added). Pure.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseKev(std::string_view text, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
