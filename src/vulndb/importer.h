// Running an import: a location (directory, single file, zip archive such as osv.dev's
// per-ecosystem all.zip, or an http(s) URL fetched by a Fetcher) is read document by document,
// each document's format sniffed (or forced), parsed into an ImportSession, and committed as one
// transaction. Memory is bounded by the largest single document (limit: max_document_bytes),
// never by the feed: zip entries are streamed one at a time. A truncated or unreadable archive,
// a failing fetch or a storage error (disk full) aborts the import and changes nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

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
  std::string source;    // source name; derived from the location when empty
  std::optional<FeedFormat> format;  // forces the format of every document
  uint64_t max_document_bytes = 512ull << 20;
  Fetcher* fetcher = nullptr;     // required for URLs
  std::string work_dir;           // where fetched files go (default: the db directory)
  std::function<void(const ImportProgress&)> progress;  // called every few documents
};

struct ImportResult {
  ImportSummary summary;
  std::map<std::string, int64_t> records_by_format;  // format name → records
  int64_t ignored_documents = 0;  // files that are not advisories (README, LICENSE, …)
  bool unchanged = false;         // the fetch said 304: nothing was imported
};

// The default source name for a location: the file or directory name without extension
// ("all.zip" takes its parent directory's name: ".../PyPI/all.zip" → "PyPI").
std::string DefaultSourceName(const std::string& location);

Result<ImportResult> RunImport(VulnDb& db, const ImportRequest& request);

}  // namespace surveyor::vulndb
