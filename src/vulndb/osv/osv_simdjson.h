// Bulk OSV JSON reading with simdjson: the record goes straight from text to Advisory, without
// an nlohmann DOM (only ecosystem_specific / database_specific subtrees become nlohmann Json).
// Same acceptance rules as FromJson. A thread_local parser is reused; thread-safe.
#pragma once

#include <functional>
#include <string_view>

#include "vulndb/advisory.h"

namespace surveyor::vulndb {

// Calls `fn` for each record of the document (an object, or an array of objects), with the
// record or the reason it could not be read; a document-level error is returned.
Status ReadOsvJsonRecords(std::string_view text,
                          const std::function<Status(Result<Advisory>, std::string_view id)>& fn);

}  // namespace surveyor::vulndb
