#include "events/dispatcher.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "common/log.h"
#include "events/flat_event.h"
#include "events/input_transformer.h"
#include "events/rules.h"

namespace surveyor::events {
namespace {

constexpr std::chrono::milliseconds kRouterPoll{25};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double Jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string EscapeLabel(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

Status InsertDeadLetter(store::Database& db, int64_t target_key, const std::string& rule_name,
                        const std::string& target_id, const std::string& target_arn,
                        const std::string& resource, const std::string& payload,
                        int64_t created_ms, int64_t attempts, const std::string& error) {
  ASSIGN_OR_RETURN(auto ins, db.Prepare(
      "INSERT INTO events_dead_letters (target_key, rule_name, target_id, target_arn, resource, "
      "payload, created_ms, attempts, last_error, failed_ms) VALUES (?,?,?,?,?,?,?,?,?,?)"));
  ins.Bind(1, target_key).Bind(2, rule_name).Bind(3, target_id).Bind(4, target_arn);
  ins.Bind(5, resource).Bind(6, payload).Bind(7, created_ms).Bind(8, attempts).Bind(9, error);
  ins.Bind(10, NowMs());
  return ins.Run();
}

}  // namespace

std::chrono::milliseconds BackoffDelay(int attempt, double jitter, const DispatcherOptions& o) {
  const int exponent = std::clamp(attempt - 2, 0, 30);
  double ms = static_cast<double>(o.base_backoff.count()) * std::pow(2.0, exponent);
  ms = std::min(ms, static_cast<double>(o.max_backoff.count()));
  ms *= 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

Result<std::vector<DeadLetter>> ListDeadLetters(store::Database& db, size_t limit) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT id, rule_name, target_id, target_arn, resource, "
                                      "payload, last_error, attempts, failed_ms FROM "
                                      "events_dead_letters ORDER BY id LIMIT ?"));
  s.Bind(1, static_cast<int64_t>(limit));
  std::vector<DeadLetter> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    DeadLetter d;
    d.id = s.ColumnInt(0);
    d.rule_name = s.ColumnText(1);
    d.target_id = s.ColumnText(2);
    d.target_arn = s.ColumnText(3);
    d.resource = s.ColumnText(4);
    d.payload = s.ColumnText(5);
    d.last_error = s.ColumnIsNull(6) ? "" : s.ColumnText(6);
    d.attempts = s.ColumnInt(7);
    d.failed_ms = s.ColumnInt(8);
    out.push_back(std::move(d));
  }
  return out;
}

Result<size_t> ReplayDeadLetters(store::Database& db, const std::vector<int64_t>& ids) {
  store::Transaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  // Only dead letters whose target still exists (same key) go back.
  const char* kMove =
      "INSERT INTO events_deliveries (target_key, resource, payload, created_ms) SELECT "
      "d.target_key, d.resource, d.payload, d.created_ms FROM events_dead_letters d JOIN "
      "events_targets t ON t.id = d.target_key WHERE (?1 = 0 OR d.id = ?2) ORDER BY d.id";
  const char* kDelete =
      "DELETE FROM events_dead_letters WHERE (?1 = 0 OR id = ?2) AND target_key IN (SELECT id "
      "FROM events_targets)";
  size_t moved = 0;
  auto run = [&](int64_t all_flag, int64_t id) -> Status {
    ASSIGN_OR_RETURN(auto move, db.Prepare(kMove));
    move.Bind(1, all_flag).Bind(2, id);
    RETURN_IF_ERROR(move.Run());
    moved += static_cast<size_t>(db.Changes());
    ASSIGN_OR_RETURN(auto del, db.Prepare(kDelete));
    del.Bind(1, all_flag).Bind(2, id);
    return del.Run();
  };
  if (ids.empty()) {
    RETURN_IF_ERROR(run(0, 0));
  } else {
    for (int64_t id : ids) RETURN_IF_ERROR(run(1, id));
  }
  RETURN_IF_ERROR(txn.Commit());
  return moved;
}

struct Dispatcher::Worker {
  int64_t key = 0;
  std::atomic<bool> stop{false};
  std::thread thread;
  // Delivered rows are deleted in batches (one fsync per batch, not per event): `cursor` is the
  // last delivered id, rows up to it are done; `unflushed` of them are still in the table. A kill
  // before the flush re-delivers at most those (at least once).
  int64_t cursor = 0;
  size_t unflushed = 0;
  std::chrono::steady_clock::time_point first_unflushed;
};

namespace {
constexpr size_t kFlushBatch = 256;
constexpr std::chrono::milliseconds kFlushInterval{50};
}  // namespace

void Dispatcher::Flush(Worker* w) {
  if (w->unflushed == 0) return;
  auto lock = db_.Lock();
  auto del = db_.Prepare("DELETE FROM events_deliveries WHERE target_key = ? AND id <= ?");
  if (del.ok() && del->Bind(1, w->key).Bind(2, w->cursor).Run().ok()) w->unflushed = 0;
}

Dispatcher::Dispatcher(store::Database& db, BusIdentity bus, DispatcherOptions options)
    : db_(db), bus_(std::move(bus)), options_(std::move(options)) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  std::lock_guard lock(mu_);
  if (router_.joinable()) return;
  stopping_ = false;
  router_ = std::thread([this] { RouterLoop(); });
}

void Dispatcher::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  router_cv_.notify_all();
  work_cv_.notify_all();
  if (router_.joinable()) router_.join();
  std::map<int64_t, std::unique_ptr<Worker>> workers;
  std::vector<std::unique_ptr<Worker>> retired;
  {
    std::lock_guard lock(mu_);
    workers.swap(workers_);
    retired.swap(retired_);
  }
  for (auto& [key, w] : workers) {
    if (w->thread.joinable()) w->thread.join();
  }
  for (auto& w : retired) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Dispatcher::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  router_cv_.notify_all();
}

Result<int64_t> Dispatcher::PendingDeliveries() {
  auto lock = db_.Lock();
  ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT COUNT(*) FROM events_deliveries"));
  ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Result<size_t> Dispatcher::RouteOnce() {
  {
    // Cheap check first, so that an idle router never takes the write lock.
    auto lock = db_.Lock();
    ASSIGN_OR_RETURN(auto peek, db_.Prepare("SELECT 1 FROM events_outbox LIMIT 1"));
    ASSIGN_OR_RETURN(bool any, peek.Step());
    if (!any) return size_t{0};
  }
  store::Transaction txn(db_);
  RETURN_IF_ERROR(txn.begin_status());
  struct Row {
    int64_t id;
    std::string resource, body;
    int64_t created_ms;
  };
  std::vector<Row> rows;
  {
    ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT id, resource, body, created_ms FROM events_outbox "
                                         "ORDER BY id LIMIT ?"));
    s.Bind(1, static_cast<int64_t>(kPageSize));
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      rows.push_back({s.ColumnInt(0), s.ColumnText(1), s.ColumnText(2), s.ColumnInt(3)});
    }
  }
  if (rows.empty()) return size_t{0};
  // Enabled rules with their targets.
  struct RuleTargets {
    std::string name;
    std::shared_ptr<CompiledPattern> pattern;
    std::vector<std::pair<Target, Result<TargetInput>>> targets;
  };
  std::vector<RuleTargets> rules;
  {
    ASSIGN_OR_RETURN(auto s, db_.Prepare("SELECT name, event_pattern FROM events_rules WHERE state "
                                         "= 'ENABLED' ORDER BY name"));
    std::map<std::string, CompiledRule> still_used;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      RuleTargets rt;
      rt.name = s.ColumnText(0);
      const std::string text = s.ColumnText(1);
      auto it = compiled_.find(rt.name);
      if (it == compiled_.end() || it->second.pattern_text != text) {
        auto compiled = CompiledPattern::Compile(text);
        if (!compiled.ok()) {
          log::Warn("rule pattern no longer compiles", {{"rule", rt.name}});
          continue;
        }
        CompiledRule cr{text, std::make_shared<CompiledPattern>(std::move(*compiled))};
        it = compiled_.insert_or_assign(rt.name, std::move(cr)).first;
      }
      rt.pattern = it->second.pattern;
      still_used[rt.name] = it->second;
      rules.push_back(std::move(rt));
    }
    compiled_.swap(still_used);
    for (auto& rt : rules) {
      ASSIGN_OR_RETURN(auto targets, ListTargets(db_, rt.name));
      for (auto& t : targets) {
        auto input = TargetInputOf(t.spec);
        rt.targets.emplace_back(std::move(t), std::move(input));
      }
    }
  }
  for (const Row& row : rows) {
    auto event = ParseJson(row.body);
    if (!event.ok()) {
      log::Error("dropping unparseable outbox event", {{"id", row.id}});
      continue;
    }
    auto flat = FlatEvent::FromJson(*event);
    if (!flat.ok()) continue;
    for (const RuleTargets& rt : rules) {
      if (rt.targets.empty() || !rt.pattern->Matches(*flat)) continue;
      ReservedVariables reserved;
      reserved.rule_name = rt.name;
      reserved.rule_arn = "arn:aws:events:" + bus_.region + ":" + bus_.account + ":rule/" + rt.name;
      reserved.ingestion_time = event->value("time", "");
      for (const auto& [target, input] : rt.targets) {
        Result<std::string> payload =
            input.ok() ? RenderTargetInput(*input, *event, reserved) : Result<std::string>(input.status());
        if (!payload.ok()) {
          RETURN_IF_ERROR(InsertDeadLetter(db_, target.key, rt.name, target.id, target.arn,
                                           row.resource, row.body, row.created_ms, 0,
                                           "input rendering failed: " + payload.status().message()));
          continue;
        }
        // A statement per row: the store layer has no reset, and binds after a step are misuse.
        ASSIGN_OR_RETURN(auto ins, db_.Prepare("INSERT INTO events_deliveries (target_key, "
                                               "resource, payload, created_ms) VALUES (?, ?, ?, ?)"));
        ins.Bind(1, target.key).Bind(2, row.resource).Bind(3, *payload).Bind(4, row.created_ms);
        RETURN_IF_ERROR(ins.Run());
      }
    }
  }
  ASSIGN_OR_RETURN(auto del, db_.Prepare("DELETE FROM events_outbox WHERE id <= ?"));
  del.Bind(1, rows.back().id);
  RETURN_IF_ERROR(del.Run());
  RETURN_IF_ERROR(txn.Commit());
  return rows.size();
}

void Dispatcher::Reconcile() {
  auto keys = AllTargetKeys(db_);
  if (!keys.ok()) return;
  std::lock_guard lock(mu_);
  if (stopping_) return;
  for (auto it = workers_.begin(); it != workers_.end();) {
    if (!std::binary_search(keys->begin(), keys->end(), it->first)) {
      it->second->stop = true;
      retired_.push_back(std::move(it->second));
      it = workers_.erase(it);
    } else {
      ++it;
    }
  }
  for (int64_t key : *keys) {
    if (workers_.count(key)) continue;
    auto w = std::make_unique<Worker>();
    w->key = key;
    Worker* raw = w.get();
    {
      auto target = GetTargetByKey(db_, key);
      std::lock_guard stats_lock(stats_mu_);
      TargetStats& st = stats_[key];
      if (target.ok() && target->has_value()) {
        st.rule_name = (*target)->rule_name;
        st.target_id = (*target)->id;
      }
    }
    w->thread = std::thread([this, raw] { WorkerLoop(raw); });
    workers_[key] = std::move(w);
  }
  work_cv_.notify_all();
}

void Dispatcher::RouterLoop() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
    Reconcile();
    size_t routed = 0;
    auto r = RouteOnce();
    if (!r.ok()) {
      log::Error("event routing failed", {{"error", r.status().ToString()}});
    } else {
      routed = *r;
    }
    std::unique_lock lock(mu_);
    if (routed > 0) {
      ++work_generation_;
      work_cv_.notify_all();
      if (routed == kPageSize) continue;
    }
    router_cv_.wait_for(lock, kRouterPoll, [&] { return stopping_ || wake_; });
    wake_ = false;
  }
}

void Dispatcher::WorkerLoop(Worker* w) {
  while (true) {
    uint64_t generation;
    {
      std::lock_guard lock(mu_);
      if (stopping_ || w->stop) {
        Flush(w);
        return;
      }
      generation = work_generation_;
    }
    auto wait = DeliverHead(w);
    if (w->unflushed > 0 &&
        (wait.count() > 0 || w->unflushed >= kFlushBatch ||
         std::chrono::steady_clock::now() - w->first_unflushed >= kFlushInterval)) {
      Flush(w);
    }
    if (wait.count() <= 0) continue;
    std::unique_lock lock(mu_);
    work_cv_.wait_for(lock, wait,
                      [&] { return stopping_ || w->stop || work_generation_ != generation; });
  }
}

std::chrono::milliseconds Dispatcher::DeliverHead(Worker* w) {
  int64_t id = 0, attempts = 0, next_ms = 0, created_ms = 0;
  std::string payload, resource;
  {
    auto lock = db_.Lock();
    auto s = db_.Prepare("SELECT id, payload, attempts, next_attempt_ms, created_ms, resource FROM "
                         "events_deliveries WHERE target_key = ? AND id > ? ORDER BY id LIMIT 1");
    if (!s.ok()) return options_.idle_poll;
    s->Bind(1, w->key).Bind(2, w->cursor);
    auto row = s->Step();
    if (!row.ok() || !*row) return options_.idle_poll;
    id = s->ColumnInt(0);
    payload = s->ColumnText(1);
    attempts = s->ColumnInt(2);
    next_ms = s->ColumnInt(3);
    created_ms = s->ColumnInt(4);
    resource = s->ColumnText(5);
  }
  const int64_t now = NowMs();
  if (next_ms > now) {
    return std::min(std::chrono::milliseconds(next_ms - now), options_.idle_poll);
  }
  auto target = GetTargetByKey(db_, w->key);
  if (!target.ok() || !target->has_value()) return options_.idle_poll;
  Status sent = SendToTarget(db_, **target, payload, options_.senders);
  if (sent.ok()) {
    w->cursor = id;
    if (w->unflushed++ == 0) w->first_unflushed = std::chrono::steady_clock::now();
    const double latency = static_cast<double>(NowMs() - created_ms) / 1000.0;
    ++total_delivered_;
    std::lock_guard lock(stats_mu_);
    TargetStats& st = stats_[w->key];
    ++st.delivered;
    st.retrying = 0;
    st.latency_sum_seconds += latency;
    st.latency_max_seconds = std::max(st.latency_max_seconds, latency);
    return std::chrono::milliseconds(0);
  }
  ++attempts;
  ++total_failed_;
  const bool dead = attempts >= options_.max_attempts;
  {
    store::Transaction txn(db_);
    if (txn.begin_status().ok()) {
      Status s = Status::Ok();
      if (dead) {
        s = InsertDeadLetter(db_, w->key, (*target)->rule_name, (*target)->id, (*target)->arn,
                             resource, payload, created_ms, attempts, sent.message());
        if (s.ok()) {
          auto del = db_.Prepare("DELETE FROM events_deliveries WHERE id = ?");
          s = del.ok() ? del->Bind(1, id).Run() : del.status();
        }
      } else {
        auto up = db_.Prepare("UPDATE events_deliveries SET attempts = ?, next_attempt_ms = ?, "
                              "last_error = ? WHERE id = ?");
        const auto delay = BackoffDelay(static_cast<int>(attempts) + 1, Jitter(), options_);
        s = up.ok() ? up->Bind(1, attempts).Bind(2, NowMs() + delay.count())
                          .Bind(3, sent.message()).Bind(4, id).Run()
                    : up.status();
      }
      if (s.ok()) (void)txn.Commit();
    }
  }
  log::Warn("event delivery failed", {{"rule", (*target)->rule_name},
                                      {"target", (*target)->id},
                                      {"attempt", attempts},
                                      {"dead_letter", dead},
                                      {"error", sent.message()}});
  std::lock_guard lock(stats_mu_);
  TargetStats& st = stats_[w->key];
  ++st.failed_attempts;
  if (dead) {
    ++st.dead_lettered;
    ++total_dead_;
    st.retrying = 0;
    return std::chrono::milliseconds(0);
  }
  st.retrying = 1;
  return std::chrono::milliseconds(1);  // re-read the row: it now carries its next attempt time
}

std::map<int64_t, TargetStats> Dispatcher::Stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

uint64_t Dispatcher::Retrying() const {
  std::lock_guard lock(stats_mu_);
  uint64_t n = 0;
  for (const auto& [k, s] : stats_) n += s.retrying;
  return n;
}

std::string Dispatcher::RenderTargetMetrics() const {
  auto stats = Stats();
  std::string out;
  auto series = [&](const char* name, const char* type, const char* help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    for (const auto& [key, s] : stats) {
      out += fmt::format("{}{{rule=\"{}\",target=\"{}\"}} {}\n", name, EscapeLabel(s.rule_name),
                         EscapeLabel(s.target_id), value(s));
    }
  };
  series("surveyor_events_target_delivered_total", "counter", "Events delivered to the target.",
         [](const TargetStats& s) { return static_cast<double>(s.delivered); });
  series("surveyor_events_target_failed_total", "counter", "Failed delivery attempts.",
         [](const TargetStats& s) { return static_cast<double>(s.failed_attempts); });
  series("surveyor_events_target_dead_lettered_total", "counter", "Deliveries given up on.",
         [](const TargetStats& s) { return static_cast<double>(s.dead_lettered); });
  series("surveyor_events_target_retrying", "gauge", "1 while the queue head waits for a retry.",
         [](const TargetStats& s) { return static_cast<double>(s.retrying); });
  series("surveyor_events_target_latency_seconds_sum", "counter",
         "Sum of event-to-delivery latencies.",
         [](const TargetStats& s) { return s.latency_sum_seconds; });
  series("surveyor_events_target_latency_seconds_max", "gauge",
         "Largest event-to-delivery latency.",
         [](const TargetStats& s) { return s.latency_max_seconds; });
  return out;
}

}  // namespace surveyor::events
