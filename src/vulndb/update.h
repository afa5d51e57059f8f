// `db update`: the configured sources, each pulled from its URL (conditional GET with the stored
// ETag / Last-Modified) or, on air-gapped sites, from a local mirror (a directory, file or zip
// kept in sync by other means). Config file (YAML or JSON):
//   sources:
//     - name: go            # source name (required, unique)
//       url: https://…/Go/all.zip
//       mirror: /srv/mirror/osv/Go/all.zip   # used instead of url when it exists
//       format: osv          # optional: force the format
// Parsing is pure; RunUpdate does I/O through the importer.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vulndb/importer.h"

namespace surveyor::vulndb {

struct SourceConfig {
  std::string name;
  std::string url;
  std::string mirror;
  std::optional<FeedFormat> format;
};

Result<std::vector<SourceConfig>> ParseUpdateConfig(std::string_view text);

struct UpdateOutcome {
  std::string source;
  Status status;
  ImportResult result;  // valid when status is OK
};

// Updates every source in order; one failing source does not stop the others.
std::vector<UpdateOutcome> RunUpdate(VulnDb& db, const std::vector<SourceConfig>& sources,
                                     Fetcher* fetcher,
                                     const std::function<void(const ImportProgress&)>& progress);

}  // namespace surveyor::vulndb
