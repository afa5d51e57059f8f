// The metadata database's schema, as one ordered list of migrations for every component that keeps
// state in it (registry, scans, findings, events, ...). Append only: a released migration is never
// edited; change the schema by adding the next version.
#pragma once

#include <vector>

#include "store/sqlite.h"

namespace surveyor::store {

const std::vector<Migration>& MetadataMigrations();

// Opens `path` and brings its schema up to date.
Result<std::unique_ptr<Database>> OpenMetadata(const std::string& path);

}  // namespace surveyor::store
