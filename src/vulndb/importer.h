// Running an import: locations (directories, single files, .gz files, zip archives such as
// osv.dev's per-ecosystem all.zip, or http(s) URLs fetched by a Fetcher; NVD API 2.0 result pages
// are followed by startIndex) are read document by document, each document's format sniffed
// from its name and first 4 KiB (or forced), parsed into an ImportSession, and committed as one
// transaction. Documents are read in 64 KiB chunks; the Debian tracker and EPSS formats are
// parsed as they stream, any size, and every other document is held whole up to
// max_document_bytes — so memory is bounded by the largest non-streamed document, never by the
// feed. A truncated or unreadable archive, a failing fetch or a storage error (disk full) aborts
// the import and changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vulndb/db.h"
#include "vulndb/feed.h"

namespace surveyor::vulndb {

struct ImportProgress {
  uint64_t documents = 0;
  uint64_t bytes = 0;
  uint64_t records = 0;
  std::string current;  // document name
};

// Fetches a URL into a local file. Implementations decide the transport; tests use loopback.
class Fetcher {
 public:
  virtual ~Fetcher() = default;
  struct Response {
    bool not_modified = false;  // 304: keep the stored data
    std::string etag;
    std::string last_modified;
  };
  // Writes the body to `dest_path`. Unavailable/NotFound/… on failure.
  virtual Result<Response> Fetch(const std::string& url, const std::string& etag,
                                 const std::string& last_modified, const std::string& dest_path) = 0;
};

struct ImportRequest {
  std::string location;  // path or URL
  // Further paths or URLs read into the same import (one transaction, one diff), e.g. the
  // page files of an NVD download.
  std::vector<std::string> more_locations;
  std::string source;    // source name; derived from the location when empty
  std::optional<FeedFormat> format;  // forces the format of every document
  uint64_t max_document_bytes = 512ull << 20;
  Fetcher* fetcher = nullptr;     // required for URLs
  std::string work_dir;           // where fetched files go (default: the db directory)
  std::function<void(const ImportProgress&)> progress;  // called every few documents
  int max_nvd_pages = 10000;  // NVD paging from a URL stops with an error after this many pages
  // Zip archives are read by ZipReader when it can read them (ISA-L inflate), else by
  // libarchive; true forces libarchive, so that tests can compare the two.
  bool zip_with_libarchive_for_test = false;
};

struct ImportResult {
  ImportSummary summary;
  std::map<std::string, int64_t> records_by_format;  // format name → records
  int64_t ignored_documents = 0;  // files that are not advisories (README, LICENSE, …)
  bool unchanged = false;         // the fetch said 304: nothing was imported
};

// The default source name for a location: the file or directory name without extension
// ("all.zip" takes its parent directory's name: ".../PyPI/all.zip" → "PyPI"; ".gz" is dropped
// first: "epss_scores-current.csv.gz" → "epss_scores-current").
std::string DefaultSourceName(const std::string& location);

// `url` with the query parameter `key` set to `value` (replaced when present, appended when not).
std::string WithQueryParameter(const std::string& url, const std::string& key, const std::string& value);

Result<ImportResult> RunImport(VulnDb& db, const ImportRequest& request);

}  // namespace surveyor::vulndb
