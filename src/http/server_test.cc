#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace surveyor::http {
namespace {

// A raw client: sends bytes, reads until the peer closes or `timeout_ms` passes.
std::string Exchange(uint16_t port, const std::string& request, int timeout_ms = 2000) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return "connect failed";
  (void)!::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) break;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.AddExact("hello", Method::kGet, "/hello",
                     [](Request&) { return Response::Text(200, "hi"); });
    router_.AddExact("echo", Method::kPost, "/echo", [](Request& r) {
      auto body = r.body->ReadAll(1 << 20);
      if (!body.ok()) return Response::Text(413, body.status().message());
      return Response::Text(200, std::to_string(body->size()) + ":" + *body);
    });
    router_.AddExact("ignore", Method::kPost, "/ignore",
                     [](Request&) { return Response::Text(200, "ignored"); });
    router_.AddExact("file", Method::kGet, "/file", [this](Request&) {
      Response r;
      r.body = FileRegion{file_, 2, 5};
      return r;
    });
    file_ = "/tmp/surveyor-http-test-" + std::to_string(::getpid());
    std::ofstream(file_) << "0123456789";
    ServerOptions options;
    options.port = 0;
    options.idle_timeout = std::chrono::milliseconds(300);
    options.max_header_bytes = 1024;
    server_ = std::make_unique<Server>(router_, metrics_, options);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
  }
  void TearDown() override {
    server_->Stop();
    ::unlink(file_.c_str());
  }
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  std::string file_;
};

TEST_F(ServerTest, ServesAndKeepsAlive) {
  const std::string out = Exchange(port_,
                                   "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                                   "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  // Two responses on one connection, the second closing it.
  EXPECT_EQ(out.find("HTTP/1.1 200 OK"), 0u);
  EXPECT_NE(out.find("HTTP/1.1 200 OK", 10), std::string::npos);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_NE(out.find("X-Request-Id: "), std::string::npos);
}

TEST_F(ServerTest, StreamsChunkedBodies) {
  const std::string out = Exchange(port_,
                                   "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                   "Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  EXPECT_NE(out.find("\r\n\r\n5:abcde"), std::string::npos) << out;
}

TEST_F(ServerTest, DrainsUnreadBodyAndKeepsConnection) {
  const std::string out = Exchange(port_,
                                   "POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
                                   "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("ignored"), std::string::npos);
  EXPECT_NE(out.find("\r\n\r\nhi"), std::string::npos) << out;
}

TEST_F(ServerTest, SendsFileRegions) {
  const std::string out =
      Exchange(port_, "GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\n\r\n23456"), std::string::npos) << out;
  const std::string head =
      Exchange(port_, "HEAD /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(head.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(head.find("23456"), std::string::npos);
}

TEST_F(ServerTest, BoundsHeadersAndRejectsGarbage) {
  const std::string big = "GET /hello HTTP/1.1\r\nX: " + std::string(4000, 'a') + "\r\n\r\n";
  EXPECT_EQ(Exchange(port_, big).find("HTTP/1.1 431"), 0u);
  EXPECT_EQ(Exchange(port_, "NOT HTTP AT ALL\r\n\r\n").find("HTTP/1.1 400"), 0u);
  EXPECT_NE(Exchange(port_, "GET /nope HTTP/1.1\r\nConnection: close\r\n\r\n").find("404"),
            std::string::npos);
}

TEST_F(ServerTest, IdleConnectionsTimeOut) {
  const auto start = std::chrono::steady_clock::now();
  const std::string out = Exchange(port_, "GET /hel", 5000);  // never completes the header
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(out.empty());
  EXPECT_LT(elapsed, std::chrono::seconds(3));  // closed by the 300 ms idle timeout, not ours
}

TEST_F(ServerTest, MetricsCountRoutes) {
  Exchange(port_, "GET /hello HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_NE(metrics_.Render().find("surveyor_http_requests_total{route=\"hello\",status=\"200\"} 1"),
            std::string::npos)
      << metrics_.Render();
}

TEST_F(ServerTest, StopWaitsForRequestsInFlightAndClosesIdle) {
  router_.AddExact("slow", Method::kGet, "/slow", [](Request&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Response::Text(200, "done");
  });
  std::string out;
  std::thread client([&] { out = Exchange(port_, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", 3000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Stop();
  client.join();
  EXPECT_NE(out.find("done"), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

}  // namespace
}  // namespace surveyor::http
