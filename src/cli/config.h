// Server configuration: defaults, then a YAML file, then command-line flags, in that order.
// Every option is documented here with its default; README.md lists the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace surveyor::cli {

struct ServeConfig {
  std::string listen = "127.0.0.1:5000";  // host:port; port 0 picks a free one
  std::string data_dir = "data";          // metadata.db, blobs/, uploads/
  std::string log_level = "info";         // debug, info, warn, error, off
  bool log_json = false;                  // JSON lines instead of key=value text

  // registry
  bool create_repository_on_push = true;
  uint64_t max_manifest_bytes = 4 << 20;
  uint64_t max_blob_bytes = uint64_t{64} << 30;
  uint64_t upload_expiry_seconds = 24 * 3600;  // an upload idle this long is discarded

  // garbage collection and housekeeping
  uint64_t gc_interval_seconds = 3600;  // 0 turns automatic collection off
  uint64_t gc_grace_seconds = 3600;     // blobs younger than this are never collected
  uint64_t housekeeping_seconds = 60;   // how often uploads expire and pull times are written

  // lifecycle policies: how often every repository's policy is applied (`lifecycle.interval`, a
  // duration such as 90s, 30m, 1h or 2d, or plain seconds); 0 turns scheduled evaluation off
  // (`surveyor lifecycle run` still works). The first run is one interval after start.
  uint64_t lifecycle_interval_seconds = 3600;

  // scanning
  bool scan_enabled = true;            // scan every pushed image and keep findings current
  std::string scan_vulndb_dir;         // default <data>/vulndb, filled by `surveyor db import`
  uint64_t scan_workers = 2;
  uint64_t scan_poll_seconds = 2;      // how often new advisory imports are looked for

  // AWS APIs (ECR, Inspector2) and authentication
  std::string account_id = "123456789012";  // 12 digits; in ARNs and registryId
  std::string region = "us-east-1";         // clients must sign for this region
  // Who may use /v2 without a registry token or signature: "none" (default: every request
  // authenticates), "pull" (anonymous pull from every repository) or "push" (an open registry).
  std::string auth_anonymous = "none";
  // Repositories (anchored `*` globs) that allow anonymous pull even with auth.anonymous: none.
  std::vector<std::string> anonymous_pull_repositories;

  // Inspector2 exports: CreateFindingsReport and CreateSbomExport write under this directory
  // (default <data>/exports) as <bucketName>/<keyPrefix>/..., in place of S3.
  std::string inspector_export_dir;

  // http
  uint64_t max_connections = 512;
  uint64_t max_header_bytes = 64 * 1024;
  uint64_t idle_timeout_seconds = 60;
  uint64_t io_timeout_seconds = 60;
  uint64_t shutdown_grace_seconds = 20;

  // events (EventBridge-style rules and their targets)
  uint64_t events_max_attempts = 8;                // then a delivery becomes a dead letter
  uint64_t events_base_backoff_ms = 500;           // first retry delay, doubled per attempt
  uint64_t events_max_backoff_ms = 300000;         // retry delay cap (jitter: 50-100%)
  uint64_t events_target_timeout_ms = 5000;        // per delivery attempt (HTTP, command)
  // Local targets, named so that API callers cannot choose what runs or where it writes:
  // arn:surveyor:events:local:command/<name> runs `/bin/sh -c <value>` with the event on stdin;
  // arn:surveyor:events:local:file/<name> appends one JSON line per event to the file <value>.
  std::map<std::string, std::string> events_command_targets;
  std::map<std::string, std::string> events_file_targets;
};

// Reads a YAML file over `config`; unknown keys are errors, so typos do not pass silently.
Status LoadConfigFile(const std::string& path, ServeConfig& config);
// "90s", "30m", "1h", "2d" or "3600" (seconds) → seconds; "0" is 0. Errors name `key`.
Result<uint64_t> ParseDurationSeconds(const std::string& text, const std::string& key);
// "host:port" → parts, with a clear error.
Status SplitListen(const std::string& listen, std::string& host, uint16_t& port);

}  // namespace surveyor::cli
