// nodejs security-wg importer parser: `vuln/npm/<n>.json` legacy npm advisories → npm advisories
// (SEMVER ranges from vulnerable_versions); `vuln/core/…` describe Node.js itself and
// `vuln/deps/…` not-affected notices: neither has an OSV ecosystem, so both are skipped with that
// reason. Ids are "NSWG-ECO-<n>" (npm) as the working group published them. Pure.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseNodejsWg(std::string_view text, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
