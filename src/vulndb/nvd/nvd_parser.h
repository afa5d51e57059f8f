// NVD CVE API 2.0 importer parser: a response page ({"vulnerabilities":[{"cve":…}]}) or a single
// CVE object → Enrichment facts (every CVSS v2/v3.0/v3.1/v4.0 metric, with its source and the
// base score recomputed from the vector; the English description). Pure.
#pragma once

#include <string_view>

#include "common/json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseNvd(std::string_view text, std::string_view name, RecordSink& sink);
Status EmitNvdCve(const Json& cve, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
