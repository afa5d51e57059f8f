#include "http/metrics.h"

#include <fmt/format.h>

namespace surveyor::http {

void Metrics::RecordRequest(const std::string& route, int status, uint64_t bytes_in,
                            uint64_t bytes_out, double seconds) {
  bytes_in_ += bytes_in;
  bytes_out_ += bytes_out;
  std::lock_guard lock(mu_);
  auto& s = requests_[{route, status}];
  ++s.count;
  s.seconds += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  callbacks_.push_back({std::move(name), std::move(help), "gauge", std::move(read)});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  std::lock_guard lock(mu_);
  callbacks_.push_back({std::move(name), std::move(help), "counter", std::move(read)});
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP surveyor_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE surveyor_http_requests_total counter\n";
  std::vector<Callback> callbacks;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, s] : requests_) {
      out += fmt::format("surveyor_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                         key.first, key.second, s.count);
    }
    out += "# HELP surveyor_http_request_seconds_sum Time spent serving requests.\n";
    out += "# TYPE surveyor_http_request_seconds_sum counter\n";
    for (const auto& [key, s] : requests_) {
      out += fmt::format("surveyor_http_request_seconds_sum{{route=\"{}\",status=\"{}\"}} {:.6f}\n",
                         key.first, key.second, s.seconds);
    }
    callbacks = callbacks_;
  }
  out += "# HELP surveyor_http_received_bytes_total Request body bytes received.\n";
  out += "# TYPE surveyor_http_received_bytes_total counter\n";
  out += fmt::format("surveyor_http_received_bytes_total {}\n", bytes_in_.load());
  out += "# HELP surveyor_http_sent_bytes_total Response body bytes sent.\n";
  out += "# TYPE surveyor_http_sent_bytes_total counter\n";
  out += fmt::format("surveyor_http_sent_bytes_total {}\n", bytes_out_.load());
  out += "# HELP surveyor_http_open_connections Client connections open now.\n";
  out += "# TYPE surveyor_http_open_connections gauge\n";
  out += fmt::format("surveyor_http_open_connections {}\n", open_connections_.load());
  for (const auto& c : callbacks) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", c.name, c.help, c.name, c.type,
                       c.name, c.read());
  }
  return out;
}

}  // namespace surveyor::http
