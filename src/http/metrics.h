// Prometheus text-format metrics: request counters by route and status, bytes in and out, and
// gauges read from callbacks at scrape time (active uploads, storage bytes, ...). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace surveyor::http {

class Metrics {
 public:
  void RecordRequest(const std::string& route, int status, uint64_t bytes_in, uint64_t bytes_out,
                     double seconds);
  void ConnectionOpened() { ++open_connections_; }
  void ConnectionClosed() { --open_connections_; }
  // A gauge whose value is computed when /metrics is scraped.
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // A counter owned elsewhere (for example GC reclaimed bytes), read at scrape time.
  void AddCounter(std::string name, std::string help, std::function<double()> read);

  std::string Render() const;

 private:
  struct Series {
    uint64_t count = 0;
    double seconds = 0;
  };
  struct Callback {
    std::string name, help, type;
    std::function<double()> read;
  };
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, Series> requests_;
  std::vector<Callback> callbacks_;
  std::atomic<uint64_t> bytes_in_{0};
  std::atomic<uint64_t> bytes_out_{0};
  std::atomic<int64_t> open_connections_{0};
};

}  // namespace surveyor::http
