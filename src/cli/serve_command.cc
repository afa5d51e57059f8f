// `surveyor serve`: the registry server on its embedded defaults (SQLite + a blob directory).
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <iostream>

#include "api/events/routes.h"
#include "api/aws/registry_gate.h"
#include "api/ecr/service.h"
#include "api/inspector/service.h"
#include "api/oci/routes.h"
#include "auth/bootstrap.h"
#include "auth/private_file.h"
#include "auth/registry_token.h"
#include "auth/sigv4.h"
#include "auth/sqlite_key_store.h"
#include "registry/repository_settings.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "common/log.h"
#include "events/dispatcher.h"
#include "events/registry_observer.h"
#include "http/server.h"
#include "registry/registry.h"
#include "cli/storage.h"
#include "registry/gc.h"
#include "scan/service.h"
#include "events/outbox.h"
#include "lifecycle/executor.h"

namespace surveyor::cli {
namespace {

struct ServeFlags {
  std::string config_file;
  std::string listen;
  std::string data_dir;
  std::string log_level;
  std::string anonymous;
};

int RunServe(const ServeFlags& flags) {
  ServeConfig config;
  if (!flags.config_file.empty()) {
    Status s = LoadConfigFile(flags.config_file, config);
    if (!s.ok()) {
      std::cerr << "surveyor serve: " << s.message() << "\n";
      return 2;
    }
  }
  if (!flags.listen.empty()) config.listen = flags.listen;
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (!flags.log_level.empty()) config.log_level = flags.log_level;
  if (!flags.anonymous.empty()) config.auth_anonymous = flags.anonymous;
  const auto anonymous = api::aws::ParseAnonymousAccess(config.auth_anonymous);
  if (!anonymous) {
    std::cerr << "surveyor serve: auth.anonymous must be none, pull or push, not '"
              << config.auth_anonymous << "'\n";
    return 2;
  }
  if (config.account_id.size() != 12 ||
      config.account_id.find_first_not_of("0123456789") != std::string::npos) {
    std::cerr << "surveyor serve: aws.account_id must be 12 digits\n";
    return 2;
  }

  log::Level level;
  if (!log::ParseLevel(config.log_level, level)) {
    std::cerr << "surveyor serve: unknown log level '" << config.log_level
              << "' (use debug, info, warn, error or off)\n";
    return 2;
  }
  log::SetLevel(level);
  log::SetJson(config.log_json);
  http::ServerOptions server_options;
  Status listen_ok = SplitListen(config.listen, server_options.host, server_options.port);
  if (!listen_ok.ok()) {
    std::cerr << "surveyor serve: " << listen_ok.message() << "\n";
    return 2;
  }
  server_options.max_connections = config.max_connections;
  server_options.max_header_bytes = config.max_header_bytes;
  server_options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  server_options.io_timeout = std::chrono::seconds(config.io_timeout_seconds);
  server_options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);

  auto storage = OpenStorage(config.data_dir);
  if (!storage.ok()) {
    std::cerr << "surveyor serve: " << storage.status().message() << "\n";
    return 1;
  }
  store::Database& db = *storage->db;
  store::BlobStore& blobs = *storage->blobs;
  // A collector killed mid-sweep may have left live blobs in the trash: put them back first.
  if (auto recovered = registry::RecoverTrash(db, blobs); !recovered.ok()) {
    std::cerr << "surveyor serve: " << recovered.status().message() << "\n";
    return 1;
  }
  registry::Options registry_options;
  registry_options.create_repository_on_push = config.create_repository_on_push;
  registry_options.max_manifest_bytes = config.max_manifest_bytes;
  registry_options.max_blob_bytes = config.max_blob_bytes;
  registry::Registry registry(db, blobs, SystemClock::Default(), registry_options);

  std::unique_ptr<scan::Service> scanner;
  if (config.scan_enabled) {
    scan::ServiceOptions scan_options;
    scan_options.vulndb_dir = config.scan_vulndb_dir.empty() ? JoinPath(config.data_dir, "vulndb")
                                                             : config.scan_vulndb_dir;
    scan_options.cache_dir = JoinPath(config.data_dir, "layer-cache");
    scan_options.workers = static_cast<int>(config.scan_workers);
    scan_options.poll_interval = std::chrono::seconds(config.scan_poll_seconds);
    scan_options.account_id = config.account_id;
    scan_options.region = config.region;
    // Findings that open, change or close, and completed scans, go out as events in the same
    // transaction as the findings themselves.
    scan_options.on_results = [&config](store::Database& tx_db, const scan::ScanResults& r) {
      events::BusIdentity bus{config.account_id, config.region, &SystemClock::Default()};
      for (const auto& change : r.changes.changes) {
        RETURN_IF_ERROR(events::Enqueue(tx_db, events::FindingEvent(bus, change.finding)));
      }
      if (r.first_scan) {
        const std::map<std::string, int64_t> counts = {
            {"CRITICAL", r.summary.critical}, {"HIGH", r.summary.high},
            {"MEDIUM", r.summary.medium},     {"LOW", r.summary.low},
            {"INFORMATIONAL", r.summary.informational}, {"UNDEFINED", r.summary.untriaged}};
        RETURN_IF_ERROR(events::Enqueue(tx_db, events::InspectorScanEvent(
                                                   bus, r.image.repository, r.image.digest,
                                                   r.image.tags, counts)));
        RETURN_IF_ERROR(events::Enqueue(tx_db, events::EcrImageScanEvent(
                                                   bus, r.image.repository, r.image.digest,
                                                   r.image.tags, counts)));
      }
      return Status::Ok();
    };
    // Changed findings are built for the hook only while some enabled rule could match a finding
    // event by its source and detail-type.
    scan_options.wants_changes = [](store::Database& tx_db) {
      auto any = events::AnyRuleCouldMatch(tx_db, events::kInspectorSource,
                                            events::kFindingDetailType);
      return !any.ok() || *any;
    };
    scanner = std::make_unique<scan::Service>(db, blobs, registry, SystemClock::Default(),
                                              scan_options);
    registry.AddTransactionObserver(scanner.get());
  }
  // Events: registry pushes and deletions go to the outbox inside the registry's transaction;
  // the dispatcher delivers them.
  events::BusIdentity bus{config.account_id, config.region, &SystemClock::Default()};
  events::RegistryEventObserver event_observer(bus);
  registry.AddTransactionObserver(&event_observer);
  events::DispatcherOptions dispatch_options;
  dispatch_options.max_attempts = static_cast<int>(std::max<uint64_t>(1, config.events_max_attempts));
  dispatch_options.base_backoff = std::chrono::milliseconds(config.events_base_backoff_ms);
  dispatch_options.max_backoff = std::chrono::milliseconds(config.events_max_backoff_ms);
  dispatch_options.senders.timeout = std::chrono::milliseconds(config.events_target_timeout_ms);
  dispatch_options.senders.commands = config.events_command_targets;
  dispatch_options.senders.files = config.events_file_targets;
  events::Dispatcher dispatcher(db, bus, dispatch_options);

  http::Metrics metrics;
  metrics.AddCounter("surveyor_events_delivered_total", "Event deliveries that succeeded.",
                     [&] { return static_cast<double>(dispatcher.TotalDelivered()); });
  metrics.AddCounter("surveyor_events_failed_total", "Event delivery attempts that failed.",
                     [&] { return static_cast<double>(dispatcher.TotalFailed()); });
  metrics.AddCounter("surveyor_events_dead_lettered_total", "Event deliveries given up on.",
                     [&] { return static_cast<double>(dispatcher.TotalDeadLettered()); });
  metrics.AddGauge("surveyor_events_retrying", "Target queues waiting to retry their head.",
                   [&] { return static_cast<double>(dispatcher.Retrying()); });
  metrics.AddGauge("surveyor_registry_active_uploads", "Blob uploads in progress.",
                   [&] { return static_cast<double>(registry.ActiveUploads()); });
  metrics.AddGauge("surveyor_registry_storage_bytes", "Bytes of committed blobs.", [&] {
    auto bytes = registry.StorageBytes();
    return bytes.ok() ? static_cast<double>(*bytes) : -1.0;
  });

  std::atomic<uint64_t> gc_reclaimed{0};
  metrics.AddCounter("surveyor_gc_reclaimed_bytes_total",
                     "Bytes of blobs deleted by garbage collection.",
                     [&] { return static_cast<double>(gc_reclaimed.load()); });

  // Lifecycle policies: applied every lifecycle.interval by the housekeeping thread, through the
  // registry and so its observers (DELETE events, findings closing).
  lifecycle::Executor lifecycle_executor(db, registry, SystemClock::Default());
  std::atomic<uint64_t> lifecycle_expired{0};
  metrics.AddCounter("surveyor_lifecycle_expired_images_total",
                     "Images deleted by lifecycle policies.",
                     [&] { return static_cast<double>(lifecycle_expired.load()); });

  http::Router router;
  router.AddExact("healthz", http::Method::kGet, "/healthz",
                  [](http::Request&) { return http::Response::Text(200, "ok\n"); });
  router.AddExact("metrics", http::Method::kGet, "/metrics", [&](http::Request&) {
    return http::Response::Text(200, metrics.Render(), "text/plain; version=0.0.4");
  });
  // Identity: access keys (secrets sealed under a key file), the first-start key, SigV4 and
  // registry tokens for `aws ecr get-login-password`.
  auto keys = auth::SqliteKeyStore::Open(auth::KeyStoreOptionsForDataDir(config.data_dir));
  if (!keys.ok()) {
    std::cerr << "surveyor serve: " << keys.status().message() << "\n";
    return 1;
  }
  auto boot = auth::EnsureBootstrapKey(config.data_dir, **keys);
  if (!boot.ok()) {
    std::cerr << "surveyor serve: " << boot.status().message() << "\n";
    return 1;
  }
  if (boot->created) {
    std::cerr << "surveyor serve: created access key " << boot->access_key_id
              << "; credentials written to " << boot->path << "\n";
  }
  auth::SigV4Verifier sigv4(**keys, SystemClock::Default(), {.region = config.region});
  auto token_key = auth::LoadOrCreateKeyFile(auth::RegistryTokenKeyPath(config.data_dir));
  if (!token_key.ok()) {
    std::cerr << "surveyor serve: " << token_key.status().message() << "\n";
    return 1;
  }
  auth::RegistryTokens tokens(*token_key, **keys, SystemClock::Default());
  api::aws::AwsContext aws_context{config.account_id, config.region};

  api::ecr::EcrService ecr(
      {db, registry, sigv4, tokens, SystemClock::Default(), aws_context, scanner.get()});
  api::ecr::AddRoutes(router, ecr);
  api::inspector::InspectorService inspector(
      {db, sigv4, SystemClock::Default(), aws_context, scanner.get(),
       config.inspector_export_dir.empty() ? JoinPath(config.data_dir, "exports")
                                           : config.inspector_export_dir});
  api::inspector::AddRoutes(router, inspector);

  http::Router oci_router;
  api::oci::AddRoutes(oci_router, registry);
  api::aws::RegistryGate gate(
      tokens, sigv4, aws_context, {*anonymous, config.anonymous_pull_repositories},
      [&db, &aws_context](std::string_view repo) -> Result<std::optional<std::string>> {
        auto r = registry::GetRepository(db, repo, aws_context.account_id);
        if (!r.ok()) {
          if (r.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
          return r.status();
        }
        return r->settings.policy_text;
      });
  router.AddPrefix("v2", "/v2", [&](http::Request& r) { return gate.Handle(r, oci_router); });
  // EventBridge and SNS calls are SigV4-verified like the other AWS APIs.
  api::events::Context events_context{db, bus, &dispatcher,
                                      std::chrono::milliseconds(config.events_target_timeout_ms),
                                      &sigv4};
  api::events::AddRoutes(router, events_context);
  // Per-target series (labels rule and target); the totals are on /metrics.
  router.AddExact("events_metrics", http::Method::kGet, "/metrics/events", [&](http::Request&) {
    return http::Response::Text(200, dispatcher.RenderTargetMetrics(), "text/plain; version=0.0.4");
  });

  // Signals are taken synchronously by this thread; every other thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  http::Server server(router, metrics, server_options);
  auto port = server.Start();
  if (!port.ok()) {
    std::cerr << "surveyor serve: " << port.status().message() << "\n";
    return 1;
  }
  if (scanner) {
    if (Status s = scanner->Start(); !s.ok()) {
      std::cerr << "surveyor serve: cannot start scanning: " << s.message() << "\n";
      return 1;
    }
  }
  dispatcher.Start();
  std::printf("surveyor listening on http://%s:%u (data in %s)\n", server_options.host.c_str(),
              *port, config.data_dir.c_str());
  std::fflush(stdout);
  log::Info("listening", {{"address", server_options.host + ":" + std::to_string(*port)},
                          {"data", config.data_dir}});
  // Housekeeping: abandoned upload sessions go after their expiry; pull times reach the database.
  std::mutex housekeeping_mu;
  std::condition_variable housekeeping_cv;
  bool stopping = false;
  std::thread housekeeping([&] {
    std::unique_lock lock(housekeeping_mu);
    const auto expiry = std::chrono::seconds(config.upload_expiry_seconds);
    const auto gc_interval = std::chrono::seconds(config.gc_interval_seconds);
    auto next_gc = std::chrono::steady_clock::now() + gc_interval;
    const auto lifecycle_interval = std::chrono::seconds(config.lifecycle_interval_seconds);
    auto next_lifecycle = std::chrono::steady_clock::now() + lifecycle_interval;
    do {
      auto purged = registry.PurgeStaleUploads(expiry);
      if (purged.ok() && *purged > 0) log::Info("purged stale uploads", {{"count", *purged}});
      (void)registry.FlushPullTimes();
      if (config.lifecycle_interval_seconds > 0 &&
          std::chrono::steady_clock::now() >= next_lifecycle) {
        next_lifecycle = std::chrono::steady_clock::now() + lifecycle_interval;
        auto outcomes = lifecycle_executor.RunAll({});
        if (!outcomes.ok()) {
          log::Error("lifecycle evaluation failed", {{"error", outcomes.status().ToString()}});
        } else {
          for (const auto& o : *outcomes) {
            lifecycle_expired += o.expired.size();
            if (!o.error.ok()) {
              log::Error("lifecycle evaluation failed",
                         {{"repository", o.repository}, {"error", o.error.ToString()}});
            } else if (!o.expired.empty()) {
              log::Info("lifecycle expired images",
                        {{"repository", o.repository}, {"count", o.expired.size()}});
            }
          }
        }
      }
      if (config.gc_interval_seconds > 0 && std::chrono::steady_clock::now() >= next_gc) {
        next_gc = std::chrono::steady_clock::now() + gc_interval;
        registry::GcOptions gc;
        gc.grace = std::chrono::seconds(config.gc_grace_seconds);
        auto report = registry::CollectGarbage(db, blobs, SystemClock::Default(), gc);
        if (report.ok()) {
          gc_reclaimed += report->bytes_reclaimed;
          log::Info("garbage collection", {{"blobs_deleted", report->blobs_deleted},
                                           {"bytes_reclaimed", report->bytes_reclaimed}});
        } else {
          log::Error("garbage collection failed", {{"error", report.status().ToString()}});
        }
      }
    } while (!housekeeping_cv.wait_for(lock, std::chrono::seconds(config.housekeeping_seconds),
                                       [&] { return stopping; }));
  });
  int sig = 0;
  sigwait(&signals, &sig);
  {
    std::lock_guard lock(housekeeping_mu);
    stopping = true;
  }
  housekeeping_cv.notify_all();
  housekeeping.join();
  log::Info("shutting down", {{"signal", sig}});
  server.Stop();
  if (scanner) scanner->Stop();
  dispatcher.Stop();
  (void)registry.FlushPullTimes();
  log::Info("stopped");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand("serve", "Run the registry server");
  cmd->add_option("--config", flags->config_file, "YAML configuration file");
  cmd->add_option("--listen", flags->listen, "host:port to listen on (default 127.0.0.1:5000)");
  cmd->add_option("--data", flags->data_dir, "data directory (default ./data)");
  cmd->add_option("--log-level", flags->log_level, "debug, info, warn, error or off");
  cmd->add_option("--anonymous", flags->anonymous,
                  "anonymous /v2 access: none (default), pull or push (auth.anonymous)");
  cmd->callback([flags, &ctx] { ctx.exit_code = RunServe(*flags); });
}

}  // namespace surveyor::cli
