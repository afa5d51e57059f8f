// A small HTTP(S) client over libcurl for the parts of Surveyor that call out: registry pulls
// (image/remote), the AWS-API client of the CLI. Response bodies are streamed (HttpStream is a
// ByteSource with at most ~1 MiB buffered), or read whole up to an explicit cap. Redirects are
// followed (at most 5, http/https only; curl drops Authorization when the host changes).
// An HttpClient holds only options and may be shared; each HttpStream is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/stream.h"

namespace surveyor {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpClientOptions {
  long connect_timeout_s = 30;
  long stall_timeout_s = 60;  // abort when below 1 byte/s for this long
  long max_redirects = 5;
  std::string user_agent = "surveyor/0.1";
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  HttpHeaders headers;
  std::string body;  // sent as is (POST/PUT)
};

// The final response's status and headers (names lower-cased), then its body as a stream.
class HttpStream : public ByteSource {
 public:
  virtual long status() const = 0;
  virtual const HttpHeaders& headers() const = 0;
  virtual std::string effective_url() const = 0;
  std::optional<std::string> Header(std::string_view lower_name) const;
  // The rest of the body; ResourceExhausted when longer than `max_bytes`.
  Result<std::string> ReadAll(uint64_t max_bytes);
};

struct HttpResponse {
  long status = 0;
  HttpHeaders headers;
  std::string body;
  std::optional<std::string> Header(std::string_view lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  // Sends the request and returns once the response headers are in. Transport failures are
  // Unavailable ("<url>: <reason>"); any HTTP status is a successful result.
  Result<std::unique_ptr<HttpStream>> Open(const HttpRequest& request) const;
  // Open + ReadAll(max_body_bytes).
  Result<HttpResponse> Send(const HttpRequest& request, uint64_t max_body_bytes) const;

 private:
  HttpClientOptions options_;
};

// Percent-encodes everything but RFC 3986 unreserved characters (for query values).
std::string UrlEncode(std::string_view s);

}  // namespace surveyor
