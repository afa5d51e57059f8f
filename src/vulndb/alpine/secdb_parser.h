// Alpine secdb importer parser (JSON as published, or the YAML form): one document per release
// and repository, packages → secfixes (fixed version → ids). Produces one advisory per
// (id, release, repository), key "<id>/Alpine:<release>/<repo>", affected entries keyed by the
// origin package. A fixed version "0" means the release was never affected ("not-affected").
// Pure.
#pragma once

#include <string_view>

#include "common/json.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseAlpineSecdb(std::string_view text, std::string_view name, RecordSink& sink);
Status EmitAlpineSecdb(const Json& doc, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
