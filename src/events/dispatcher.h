// The Dispatcher moves events from the outbox to their targets. A router thread pages through
// events_outbox (kPageSize rows per transaction), matches each event against the enabled rules,
// renders every matching target's input and records one delivery row per target, deleting the
// event in the same transaction. One worker thread per target then delivers that target's queue in
// order (so per resource too), retrying with exponential backoff and jitter, and turning a delivery
// into a dead letter after max_attempts failures. All state is in SQLite: a restart resumes, and a
// kill -9 loses nothing (a delivery in flight may be repeated: at least once).
// Thread-safe; Start once, Stop before destruction.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "events/outbox.h"
#include "events/pattern.h"
#include "events/senders.h"
#include "store/sqlite.h"

namespace surveyor::events {

inline constexpr size_t kPageSize = 500;

struct DispatcherOptions {
  SenderConfig senders;
  int max_attempts = 8;  // then a dead letter
  std::chrono::milliseconds base_backoff{500};
  std::chrono::milliseconds max_backoff{5 * 60 * 1000};
  std::chrono::milliseconds idle_poll{200};  // how often idle threads look for work anyway
};

struct TargetStats {
  std::string rule_name, target_id;
  uint64_t delivered = 0, failed_attempts = 0, dead_lettered = 0;
  uint64_t retrying = 0;  // 1 while the queue's head waits for a retry
  double latency_sum_seconds = 0, latency_max_seconds = 0;
};

struct DeadLetter {
  int64_t id = 0;
  std::string rule_name, target_id, target_arn, resource, payload, last_error;
  int64_t attempts = 0, failed_ms = 0;
};

// Delay before attempt number `attempt` (1-based, the first retry is attempt 2), given a uniform
// random `jitter` in [0, 1): min(max, base * 2^(attempt-2)) scaled into [50%, 100%].
std::chrono::milliseconds BackoffDelay(int attempt, double jitter, const DispatcherOptions& o);

Result<std::vector<DeadLetter>> ListDeadLetters(store::Database& db, size_t limit);
// Puts dead letters (all when ids is empty) back at the end of their target's queue with their
// attempts reset; returns how many. Dead letters of removed targets stay.
Result<size_t> ReplayDeadLetters(store::Database& db, const std::vector<int64_t>& ids);

class Dispatcher {
 public:
  Dispatcher(store::Database& db, BusIdentity bus, DispatcherOptions options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Start();
  void Stop();
  // New events or rule changes: wake the router now instead of at the next poll.
  void Wake();

  // One routing pass over at most kPageSize events; returns how many were routed. (Tests.)
  Result<size_t> RouteOnce();
  // Pending deliveries across all targets.
  Result<int64_t> PendingDeliveries();

  std::map<int64_t, TargetStats> Stats() const;
  uint64_t TotalDelivered() const { return total_delivered_.load(); }
  uint64_t TotalFailed() const { return total_failed_.load(); }
  uint64_t TotalDeadLettered() const { return total_dead_.load(); }
  uint64_t Retrying() const;
  // Per-target series in the Prometheus text format (labels rule and target).
  std::string RenderTargetMetrics() const;

 private:
  struct Worker;
  struct CompiledRule {
    std::string pattern_text;
    std::shared_ptr<CompiledPattern> pattern;
  };
  void RouterLoop();
  void WorkerLoop(Worker* w);
  void Reconcile();
  // Delivers the head of `key`'s queue if due; returns the time to wait for before trying again.
  std::chrono::milliseconds DeliverHead(Worker* w);
  // Deletes the rows this worker has delivered but not yet removed.
  void Flush(Worker* w);

  store::Database& db_;
  BusIdentity bus_;
  DispatcherOptions options_;

  std::mutex mu_;
  std::condition_variable router_cv_;
  std::condition_variable work_cv_;
  uint64_t work_generation_ = 0;
  bool wake_ = false;
  bool stopping_ = false;
  std::thread router_;
  std::map<int64_t, std::unique_ptr<Worker>> workers_;
  std::vector<std::unique_ptr<Worker>> retired_;
  std::map<std::string, CompiledRule> compiled_;  // router thread only

  mutable std::mutex stats_mu_;
  std::map<int64_t, TargetStats> stats_;
  std::atomic<uint64_t> total_delivered_{0}, total_failed_{0}, total_dead_{0};
};

}  // namespace surveyor::events
