// The HTTP/1.1 server: one thread per connection over blocking sockets with poll-based
// deadlines, Boost.Beast's parser for requests, streaming request bodies, and sendfile for file
// responses. Bounded: header size, connection count, idle and stall timeouts. Stop() is graceful:
// it stops accepting, closes idle keep-alive connections and lets requests in flight finish.
// The only file that includes Beast is server.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "http/metrics.h"
#include "http/router.h"

namespace surveyor::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 5000;  // 0 picks a free port
  size_t max_connections = 512;
  size_t max_header_bytes = 64 * 1024;
  // A connection that sends no complete request header for this long is closed.
  std::chrono::milliseconds idle_timeout{60000};
  // A body read or response write that makes no progress for this long fails.
  std::chrono::milliseconds io_timeout{60000};
  // How long Stop() waits for requests in flight.
  std::chrono::milliseconds shutdown_grace{20000};
  // Unread request body left after a handler is drained up to this size, or the connection closed.
  size_t max_drain_bytes = 1 << 20;
};

class Server {
 public:
  Server(const Router& router, Metrics& metrics, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port.
  Result<uint16_t> Start();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace surveyor::http
