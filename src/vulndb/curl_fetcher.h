// Fetcher over libcurl: http(s) only, redirects followed (at most 5), conditional requests with
// If-None-Match / If-Modified-Since, body streamed to disk (never held in memory), a size cap,
// connect and stall timeouts. One CurlFetcher per thread.
#pragma once

#include <cstdint>

#include "vulndb/importer.h"

namespace surveyor::vulndb {

class CurlFetcher final : public Fetcher {
 public:
  struct Options {
    uint64_t max_bytes = 4ull << 30;  // 4 GiB
    long connect_timeout_s = 30;
    long stall_timeout_s = 60;  // abort when below 1 byte/s for this long
  };
  CurlFetcher();
  explicit CurlFetcher(Options options);
  Result<Response> Fetch(const std::string& url, const std::string& etag,
                         const std::string& last_modified, const std::string& dest_path) override;

 private:
  Options options_;
};

}  // namespace surveyor::vulndb
