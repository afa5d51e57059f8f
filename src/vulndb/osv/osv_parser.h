// OSV importer parsers: one OSV record (or a JSON array of records) as JSON, or as YAML (the
// PyPA advisory database layout). Pure: text in, records into the sink.
#pragma once

#include <string_view>

#include "common/json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseOsvJson(std::string_view text, std::string_view name, RecordSink& sink);
Status ParseOsvYaml(std::string_view text, std::string_view name, RecordSink& sink);
// A record already parsed into JSON.
Status EmitOsvRecord(const Json& record, std::string_view name, RecordSink& sink);

// Who assessed the CVSS vectors of a record, from its id prefix: "GHSA-…" → "ghsa".
std::string CvssSourceForId(std::string_view id);

}  // namespace surveyor::vulndb
