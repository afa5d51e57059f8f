// The explicit list of importer parsers: format names, sniffing a document's format from its
// name and first bytes, and dispatching a document to its parser. Pure; thread-safe.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

// kUnknown for files that are not advisories (README, LICENSE, schemas …).
FeedFormat SniffFormat(std::string_view path, std::string_view content);

// Parses one document of a known format into the sink.
Status ParseDocument(FeedFormat format, std::string_view text, std::string_view name,
                     RecordSink& sink);

// Enrichment formats add facts to CVEs instead of advisories.
bool IsEnrichmentFormat(FeedFormat format);

}  // namespace surveyor::vulndb
