// RubySec (ruby-advisory-db) importer parser: one YAML advisory per file, `gems/<gem>/<id>.yml`
// → a RubyGems advisory (ranges = complement of patched_versions ∪ unaffected_versions).
// `rubies/<engine>/…` advisories describe interpreters, which have no OSV ecosystem: skipped
// with that reason. Pure.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseRubySec(std::string_view text, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
