// HTTP requests and responses as plain values, free of any transport: handlers see a Request
// (headers, a streaming body) and return a Response (a string body, or a file region that the
// server sends with sendfile). The server (server.h) is the only code that knows about sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/json.h"
#include "common/stream.h"

namespace surveyor::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method m);

class Headers {
 public:
  // Case-insensitive lookup of the first value.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of `name`, in order (repeated headers such as Accept).
  std::vector<std::string_view> GetAll(std::string_view name) const;
  void Add(std::string name, std::string value);
  // Replaces every value of `name`.
  void Set(std::string name, std::string value);
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// The request body as a stream. ReadAll is for small bodies with a limit.
class Body : public ByteSource {
 public:
  // Reads the whole remaining body; ResourceExhausted when it exceeds `max_bytes`.
  Result<std::string> ReadAll(size_t max_bytes);
  virtual std::optional<uint64_t> content_length() const = 0;
  virtual uint64_t bytes_read() const = 0;
};

struct Request {
  Method method = Method::kGet;
  std::string method_name;
  std::string target;  // as sent: path and query
  std::string path;    // percent-encoded as sent
  std::string query;   // raw, without '?'
  Headers headers;
  std::string remote_address;
  std::string request_id;
  Body* body = nullptr;  // never null while a handler runs

  // The decoded value of the first query parameter `name`.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct FileRegion {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct Response {
  int status = 200;
  Headers headers;
  std::variant<std::string, FileRegion> body;
  // Set by the router: the route name used in metrics and logs.
  std::string route;

  static Response Text(int status, std::string text, std::string content_type = "text/plain");
  static Response JsonBody(int status, const Json& value,
                           std::string content_type = "application/json");
  static Response Empty(int status);
  uint64_t body_length() const;
};

using Handler = std::function<Response(Request&)>;

std::string PercentDecode(std::string_view s);
std::string PercentEncode(std::string_view s);  // RFC 3986 unreserved kept
std::string_view StatusReason(int status);

}  // namespace surveyor::http
