// FriendsOfPHP security-advisories importer parser: one YAML file per advisory,
// `<vendor>/<package>/<date-or-id>.yaml`, with `reference: composer://vendor/package` and one
// affected version interval per branch → a Packagist advisory. Stored under the key
// "<vendor>/<package>/<file stem>" since one CVE may be filed for several packages. Pure.
#pragma once

#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseFriendsOfPhp(std::string_view text, std::string_view name, RecordSink& sink);

}  // namespace surveyor::vulndb
