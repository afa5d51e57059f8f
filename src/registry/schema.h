// The registry's tables in the metadata database: repositories, blobs and their repository links,
// manifests with their references, and tags. Its migration track is "registry".
#pragma once

#include <vector>

#include "store/sqlite.h"

namespace surveyor::registry {

const std::vector<store::Migration>& Migrations();
// Brings the registry's tables in `db` up to date.
Status Migrate(store::Database& db);

}  // namespace surveyor::registry
