#include "http/server.h"

// GCC 12 needs <utility> ahead of Asio's headers, which Beast pulls in.
#include <utility>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <limits>
#include <map>
#include <thread>

#include "common/log.h"

namespace surveyor::http {
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// A SyncReadStream over a socket fd whose reads wait at most until a deadline.
class FdStream {
 public:
  static constexpr uint64_t kSendFileChunk = 256 << 10;
  explicit FdStream(int fd) : fd_(fd) {}
  void set_deadline(Clock::time_point deadline) { deadline_ = deadline; stall_ = {}; }
  void set_stall_timeout(std::chrono::milliseconds stall) { stall_ = stall; }

  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers, boost::system::error_code& ec) {
    ec = {};
    auto it = boost::asio::buffer_sequence_begin(buffers);
    auto end = boost::asio::buffer_sequence_end(buffers);
    for (; it != end; ++it) {
      boost::asio::mutable_buffer b = *it;
      if (b.size() == 0) continue;
      for (;;) {
        if (!WaitReadable()) {
          ec = boost::asio::error::timed_out;
          return 0;
        }
        const ssize_t n = ::recv(fd_, b.data(), b.size(), 0);
        if (n > 0) {
          bytes_read_ += static_cast<uint64_t>(n);
          return static_cast<size_t>(n);
        }
        if (n == 0) {
          ec = boost::asio::error::eof;
          return 0;
        }
        if (errno == EINTR || errno == EAGAIN) continue;
        ec = boost::system::error_code(errno, boost::system::system_category());
        return 0;
      }
    }
    return 0;
  }
  template <class MutableBufferSequence>
  size_t read_some(const MutableBufferSequence& buffers) {
    boost::system::error_code ec;
    size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

  // Writes everything or fails on error or a stall longer than `stall`.
  bool WriteAll(const char* data, size_t size, std::chrono::milliseconds stall) {
    while (size > 0) {
      if (!WaitWritable(stall)) return false;
      const ssize_t n = ::send(fd_, data, size, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return false;
      }
      data += n;
      size -= static_cast<size_t>(n);
    }
    return true;
  }

  bool SendFile(int file_fd, uint64_t offset, uint64_t length, std::chrono::milliseconds stall) {
    off_t off = static_cast<off_t>(offset);
    while (length > 0) {
      if (!WaitWritable(stall)) return false;
      // Modest chunks: one huge sendfile() keeps the connection's thread inside the kernel for the
      // whole blob, and with several layers pulled at once on two cores the receivers starve
      // (bench/registry.sh measured skopeo pulls ~25% slower with 1 GiB chunks than with 256 KiB).
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(length, kSendFileChunk));
      const ssize_t n = ::sendfile(fd_, file_fd, &off, chunk);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return false;
      }
      if (n == 0) return false;  // the file shrank under us
      length -= static_cast<uint64_t>(n);
    }
    return true;
  }

  uint64_t bytes_read() const { return bytes_read_; }

 private:
  bool WaitReadable() {
    const auto now = Clock::now();
    Clock::time_point until = deadline_;
    if (stall_.count() > 0) until = now + stall_;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
    if (ms <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    for (;;) {
      const int rc = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, INT32_MAX)));
      if (rc < 0 && errno == EINTR) continue;
      return rc > 0;
    }
  }
  bool WaitWritable(std::chrono::milliseconds stall) {
    pollfd p{fd_, POLLOUT, 0};
    for (;;) {
      const int rc = ::poll(&p, 1, static_cast<int>(stall.count()));
      if (rc < 0 && errno == EINTR) continue;
      return rc > 0 && (p.revents & POLLOUT);
    }
  }

  int fd_;
  Clock::time_point deadline_{};
  std::chrono::milliseconds stall_{0};
  uint64_t bytes_read_ = 0;
};

using Parser = bhttp::request_parser<bhttp::buffer_body>;

class ParserBody final : public Body {
 public:
  ParserBody(FdStream& stream, beast::flat_buffer& buffer, Parser& parser, bool expect_continue,
             std::chrono::milliseconds io_timeout)
      : stream_(stream),
        buffer_(buffer),
        parser_(parser),
        expect_continue_(expect_continue),
        io_timeout_(io_timeout) {}

  Result<size_t> Read(char* out, size_t size) override {
    if (failed_) return Unavailable("request body is unreadable");
    if (parser_.is_done() || size == 0) return size_t{0};
    if (expect_continue_) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      expect_continue_ = false;
      if (!stream_.WriteAll(kContinue, sizeof kContinue - 1, io_timeout_)) {
        failed_ = true;
        return Unavailable("client connection lost");
      }
    }
    stream_.set_stall_timeout(io_timeout_);
    parser_.get().body().data = out;
    parser_.get().body().size = size;
    boost::system::error_code ec;
    bhttp::read(stream_, buffer_, parser_, ec);
    if (ec == bhttp::error::need_buffer) ec = {};
    if (ec) {
      failed_ = true;
      if (ec == boost::asio::error::timed_out) {
        return Unavailable("timed out reading the request body");
      }
      return Unavailable("request body ended early: " + ec.message());
    }
    const size_t n = size - parser_.get().body().size;
    read_ += n;
    return n;
  }
  std::optional<uint64_t> content_length() const override {
    auto len = parser_.content_length();
    return len ? std::optional<uint64_t>(*len) : std::nullopt;
  }
  uint64_t bytes_read() const override { return read_; }
  bool failed() const { return failed_; }
  bool done() const { return parser_.is_done(); }

 private:
  FdStream& stream_;
  beast::flat_buffer& buffer_;
  Parser& parser_;
  bool expect_continue_;
  std::chrono::milliseconds io_timeout_;
  uint64_t read_ = 0;
  bool failed_ = false;
};

Method ToMethod(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

std::string NewRequestId() {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t prefix = static_cast<uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count());
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%06llx",
                static_cast<unsigned long long>(prefix & 0xffffffffu),
                static_cast<unsigned long long>(++counter));
  return buf;
}

// After answering a request whose body we did not read (a refused upload, say), stop sending and
// discard what the client still sends for a little while, so that it gets to read our response
// instead of a connection reset. Bounded in time and bytes.
void LingeringClose(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto until = Clock::now() + std::chrono::seconds(2);
  char sink[65536];
  uint64_t discarded = 0;
  while (discarded < (uint64_t{64} << 20)) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t n = ::recv(fd, sink, sizeof sink, 0);
    if (n <= 0) break;
    discarded += static_cast<uint64_t>(n);
  }
}

}  // namespace

struct Server::Impl {
  const Router& router;
  Metrics& metrics;
  ServerOptions options;
  int listen_fd = -1;
  int wake_pipe[2] = {-1, -1};
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable cv;
  // fd → idle (waiting for the next request)
  std::map<int, bool> connections;

  Impl(const Router& r, Metrics& m, ServerOptions o) : router(r), metrics(m), options(std::move(o)) {}

  void AcceptLoop();
  void Serve(int fd, std::string remote);
  void SetIdle(int fd, bool idle) {
    std::lock_guard lock(mu);
    connections[fd] = idle;
  }
  bool WriteResponse(FdStream& stream, const Request& req, Response& resp, bool keep_alive,
                     uint64_t& bytes_out);
};

Server::Server(const Router& router, Metrics& metrics, ServerOptions options)
    : impl_(std::make_unique<Impl>(router, metrics, std::move(options))) {}

Server::~Server() { Stop(); }

Result<uint16_t> Server::Start() {
  Impl& s = *impl_;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(s.options.port);
  if (::inet_pton(AF_INET, s.options.host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgument("listen address '" + s.options.host + "' is not an IPv4 address");
  }
  s.listen_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s.listen_fd < 0) return Internal(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(s.listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(s.listen_fd);
    s.listen_fd = -1;
    return Unavailable("cannot listen on " + s.options.host + ":" +
                       std::to_string(s.options.port) + ": " + std::strerror(err));
  }
  if (::listen(s.listen_fd, 512) != 0) return Internal(std::string("listen: ") + std::strerror(errno));
  socklen_t len = sizeof addr;
  ::getsockname(s.listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  if (::pipe2(s.wake_pipe, O_CLOEXEC) != 0) return Internal("pipe failed");
  s.accept_thread = std::thread([&s] { s.AcceptLoop(); });
  return static_cast<uint16_t>(ntohs(addr.sin_port));
}

void Server::Stop() {
  Impl& s = *impl_;
  if (s.listen_fd < 0 || s.stopping.exchange(true)) return;
  (void)!::write(s.wake_pipe[1], "x", 1);
  if (s.accept_thread.joinable()) s.accept_thread.join();
  ::close(s.listen_fd);
  std::unique_lock lock(s.mu);
  for (const auto& [fd, idle] : s.connections) {
    if (idle) ::shutdown(fd, SHUT_RDWR);
  }
  if (!s.cv.wait_for(lock, s.options.shutdown_grace, [&] { return s.connections.empty(); })) {
    for (const auto& [fd, idle] : s.connections) ::shutdown(fd, SHUT_RDWR);
    s.cv.wait_for(lock, std::chrono::seconds(5), [&] { return s.connections.empty(); });
  }
  lock.unlock();
  ::close(s.wake_pipe[0]);
  ::close(s.wake_pipe[1]);
}

void Server::Impl::AcceptLoop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_pipe[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0 || stopping) return;
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char ip[INET_ADDRSTRLEN] = "";
    ::inet_ntop(AF_INET, &peer.sin_addr, ip, sizeof ip);
    std::string remote = std::string(ip) + ":" + std::to_string(ntohs(peer.sin_port));
    {
      std::lock_guard lock(mu);
      if (connections.size() >= options.max_connections) {
        static constexpr char kBusy[] =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        (void)!::send(fd, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(fd);
        log::Warn("connection refused: too many connections", {{"remote", remote}});
        continue;
      }
      connections[fd] = true;
    }
    metrics.ConnectionOpened();
    std::thread([this, fd, remote = std::move(remote)] { Serve(fd, remote); }).detach();
  }
}

bool Server::Impl::WriteResponse(FdStream& stream, const Request& req, Response& resp,
                                 bool keep_alive, uint64_t& bytes_out) {
  std::string head = "HTTP/1.1 " + std::to_string(resp.status) + " " +
                     std::string(StatusReason(resp.status)) + "\r\n";
  for (const auto& [k, v] : resp.headers.entries()) {
    head += k;
    head += ": ";
    head += v;
    head += "\r\n";
  }
  const bool bodyless_status = resp.status < 200 || resp.status == 204 || resp.status == 304;
  const uint64_t length = bodyless_status ? 0 : resp.body_length();
  if (!resp.headers.Get("Content-Length") && !bodyless_status) {
    head += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  head += "X-Request-Id: " + req.request_id + "\r\n";
  if (!keep_alive) head += "Connection: close\r\n";
  head += "\r\n";
  if (!stream.WriteAll(head.data(), head.size(), options.io_timeout)) return false;
  if (req.method == Method::kHead || bodyless_status || length == 0) return true;
  if (auto* text = std::get_if<std::string>(&resp.body)) {
    if (!stream.WriteAll(text->data(), text->size(), options.io_timeout)) return false;
    bytes_out = text->size();
    return true;
  }
  const FileRegion& region = std::get<FileRegion>(resp.body);
  const int file = ::open(region.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (file < 0) return false;
  const bool ok = stream.SendFile(file, region.offset, region.length, options.io_timeout);
  ::close(file);
  if (ok) bytes_out = region.length;
  return ok;
}

void Server::Impl::Serve(int fd, std::string remote) {
  FdStream stream(fd);
  // Capacity must be reserved up front: Beast sizes each read by the free capacity, so a
  // buffer that starts empty would read the body a few hundred bytes at a time.
  beast::flat_buffer buffer(std::max<size_t>(options.max_header_bytes + 4096, 256 * 1024));
  buffer.reserve(256 * 1024);
  for (;;) {
    Parser parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    SetIdle(fd, true);
    if (stopping) break;
    stream.set_deadline(Clock::now() + options.idle_timeout);
    boost::system::error_code ec;
    bhttp::read_header(stream, buffer, parser, ec);
    if (ec == bhttp::error::need_buffer) ec = {};  // body bytes arrived with the header
    SetIdle(fd, false);
    if (ec) {
      int status = 0;
      if (ec == bhttp::error::header_limit) {
        status = 431;
      } else if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
                 ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        status = 400;
      }
      if (status != 0) {
        log::Debug("bad request header", {{"error", ec.message()}, {"remote", remote}});
        const std::string msg = "HTTP/1.1 " + std::to_string(status) + " " +
                                std::string(StatusReason(status)) +
                                "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        stream.WriteAll(msg.data(), msg.size(), options.io_timeout);
        metrics.RecordRequest("malformed", status, 0, 0, 0);
      }
      break;
    }
    const auto started = Clock::now();
    auto& header = parser.get();
    Request req;
    req.method = ToMethod(header.method());
    req.method_name = std::string(header.method_string());
    req.target = std::string(header.target());
    const size_t q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    for (const auto& field : header) {
      req.headers.Add(std::string(field.name_string()), std::string(field.value()));
    }
    req.remote_address = remote;
    req.request_id = NewRequestId();
    const auto expect = req.headers.Get("Expect");
    const bool expect_continue = expect && (*expect == "100-continue" || *expect == "100-Continue");
    ParserBody body(stream, buffer, parser, expect_continue, options.io_timeout);
    req.body = &body;

    Response resp;
    try {
      resp = router.Dispatch(req);
    } catch (const std::exception& e) {
      log::Error("handler threw", {{"request_id", req.request_id}, {"error", e.what()}});
      resp = Response::Text(500, "internal error\n");
      resp.route = "error";
    }
    bool keep_alive = parser.keep_alive() && !stopping && !body.failed();
    if (keep_alive && !body.done()) {
      // Drain what the handler left unread, within limits, so the connection stays usable.
      char sink[16384];
      size_t drained = 0;
      while (!body.done() && drained <= options.max_drain_bytes) {
        auto n = body.Read(sink, sizeof sink);
        if (!n.ok() || *n == 0) break;
        drained += *n;
      }
      keep_alive = body.done();
    }
    uint64_t bytes_out = 0;
    const bool written = WriteResponse(stream, req, resp, keep_alive, bytes_out);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    metrics.RecordRequest(resp.route, resp.status, body.bytes_read(), bytes_out, seconds);
    log::Info("request", {{"id", req.request_id},
                          {"method", req.method_name},
                          {"path", req.path},
                          {"route", resp.route},
                          {"status", resp.status},
                          {"in", body.bytes_read()},
                          {"out", bytes_out},
                          {"ms", static_cast<int64_t>(seconds * 1000)},
                          {"remote", remote}});
    if (!written || !keep_alive) {
      if (written && !body.done() && !body.failed()) LingeringClose(fd);
      break;
    }
  }
  ::shutdown(fd, SHUT_RDWR);
  ::close(fd);
  metrics.ConnectionClosed();
  std::lock_guard lock(mu);
  connections.erase(fd);
  cv.notify_all();
}

}  // namespace surveyor::http
