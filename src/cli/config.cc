#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>

namespace surveyor::cli {
namespace {

Status ReadUint(const YAML::Node& node, const std::string& key, uint64_t& out) {
  try {
    out = node.as<uint64_t>();
    return Status::Ok();
  } catch (const YAML::Exception&) {
    return InvalidArgument("config key '" + key + "' must be a non-negative integer");
  }
}

Status ReadDuration(const YAML::Node& node, const std::string& key, uint64_t& out) {
  if (!node.IsScalar()) return InvalidArgument("config key '" + key + "' must be a duration");
  ASSIGN_OR_RETURN(out, ParseDurationSeconds(node.Scalar(), key));
  return Status::Ok();
}

Status ReadBool(const YAML::Node& node, const std::string& key, bool& out) {
  try {
    out = node.as<bool>();
    return Status::Ok();
  } catch (const YAML::Exception&) {
    return InvalidArgument("config key '" + key + "' must be true or false");
  }
}

Status ReadString(const YAML::Node& node, const std::string& key, std::string& out) {
  if (!node.IsScalar()) return InvalidArgument("config key '" + key + "' must be a string");
  out = node.Scalar();
  return Status::Ok();
}

Status ReadStringMap(const YAML::Node& node, const std::string& key,
                     std::map<std::string, std::string>& out) {
  if (!node.IsMap()) return InvalidArgument("config key '" + key + "' must be a mapping");
  for (const auto& item : node) {
    if (!item.first.IsScalar() || !item.second.IsScalar()) {
      return InvalidArgument("config key '" + key + "' must map names to strings");
    }
    out[item.first.Scalar()] = item.second.Scalar();
  }
  return Status::Ok();
}

Status ApplySection(const YAML::Node& section, const std::string& prefix, ServeConfig& c) {
  if (!section.IsMap()) return InvalidArgument("config section '" + prefix + "' must be a mapping");
  for (const auto& item : section) {
    const std::string key = item.first.as<std::string>();
    const std::string full = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& v = item.second;
    if (full == "listen") RETURN_IF_ERROR(ReadString(v, full, c.listen));
    else if (full == "data") RETURN_IF_ERROR(ReadString(v, full, c.data_dir));
    else if (full == "log.level") RETURN_IF_ERROR(ReadString(v, full, c.log_level));
    else if (full == "log.json") RETURN_IF_ERROR(ReadBool(v, full, c.log_json));
    else if (full == "registry.create_repository_on_push")
      RETURN_IF_ERROR(ReadBool(v, full, c.create_repository_on_push));
    else if (full == "registry.max_manifest_bytes")
      RETURN_IF_ERROR(ReadUint(v, full, c.max_manifest_bytes));
    else if (full == "registry.max_blob_bytes") RETURN_IF_ERROR(ReadUint(v, full, c.max_blob_bytes));
    else if (full == "registry.upload_expiry_seconds")
      RETURN_IF_ERROR(ReadUint(v, full, c.upload_expiry_seconds));
    else if (full == "scan.enabled") RETURN_IF_ERROR(ReadBool(v, full, c.scan_enabled));
    else if (full == "scan.vulndb") RETURN_IF_ERROR(ReadString(v, full, c.scan_vulndb_dir));
    else if (full == "scan.workers") RETURN_IF_ERROR(ReadUint(v, full, c.scan_workers));
    else if (full == "scan.poll_seconds") RETURN_IF_ERROR(ReadUint(v, full, c.scan_poll_seconds));
    else if (full == "gc.interval_seconds") RETURN_IF_ERROR(ReadUint(v, full, c.gc_interval_seconds));
    else if (full == "gc.grace_seconds") RETURN_IF_ERROR(ReadUint(v, full, c.gc_grace_seconds));
    else if (full == "lifecycle.interval")
      RETURN_IF_ERROR(ReadDuration(v, full, c.lifecycle_interval_seconds));
    else if (full == "housekeeping_seconds")
      RETURN_IF_ERROR(ReadUint(v, full, c.housekeeping_seconds));
    else if (full == "http.max_connections") RETURN_IF_ERROR(ReadUint(v, full, c.max_connections));
    else if (full == "http.max_header_bytes") RETURN_IF_ERROR(ReadUint(v, full, c.max_header_bytes));
    else if (full == "http.idle_timeout_seconds")
      RETURN_IF_ERROR(ReadUint(v, full, c.idle_timeout_seconds));
    else if (full == "http.io_timeout_seconds") RETURN_IF_ERROR(ReadUint(v, full, c.io_timeout_seconds));
    else if (full == "http.shutdown_grace_seconds")
      RETURN_IF_ERROR(ReadUint(v, full, c.shutdown_grace_seconds));
    else if (full == "events.max_attempts") RETURN_IF_ERROR(ReadUint(v, full, c.events_max_attempts));
    else if (full == "events.base_backoff_ms")
      RETURN_IF_ERROR(ReadUint(v, full, c.events_base_backoff_ms));
    else if (full == "events.max_backoff_ms")
      RETURN_IF_ERROR(ReadUint(v, full, c.events_max_backoff_ms));
    else if (full == "events.target_timeout_ms")
      RETURN_IF_ERROR(ReadUint(v, full, c.events_target_timeout_ms));
    else if (full == "events.command_targets")
      RETURN_IF_ERROR(ReadStringMap(v, full, c.events_command_targets));
    else if (full == "events.file_targets")
      RETURN_IF_ERROR(ReadStringMap(v, full, c.events_file_targets));
    else if (full == "aws.account_id") RETURN_IF_ERROR(ReadString(v, full, c.account_id));
    else if (full == "aws.region") RETURN_IF_ERROR(ReadString(v, full, c.region));
    else if (full == "auth.anonymous") RETURN_IF_ERROR(ReadString(v, full, c.auth_anonymous));
    else if (full == "inspector.export_dir")
      RETURN_IF_ERROR(ReadString(v, full, c.inspector_export_dir));
    else if (full == "auth.anonymous_pull_repositories") {
      if (!v.IsSequence()) return InvalidArgument("config key '" + full + "' must be a list");
      c.anonymous_pull_repositories.clear();
      for (const auto& item : v) {
        std::string glob;
        RETURN_IF_ERROR(ReadString(item, full, glob));
        c.anonymous_pull_repositories.push_back(glob);
      }
    }
    else if (prefix.empty() && (key == "log" || key == "registry" || key == "http" || key == "gc" ||
                                key == "lifecycle" || key == "scan" || key == "events" ||
                                key == "aws" || key == "auth" || key == "inspector"))
      RETURN_IF_ERROR(ApplySection(v, key, c));
    else return InvalidArgument("unknown config key '" + full + "'");
  }
  return Status::Ok();
}

}  // namespace

Status LoadConfigFile(const std::string& path, ServeConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFound("cannot read config file " + path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config file " + path + ": " + e.what());
  }
  if (root.IsNull()) return Status::Ok();
  return ApplySection(root, "", config).WithContext("config file " + path);
}

Result<uint64_t> ParseDurationSeconds(const std::string& text, const std::string& key) {
  const Status bad = InvalidArgument("config key '" + key + "' must be a duration such as 90s, " +
                                     "30m, 1h or 2d (or seconds), not '" + text + "'");
  if (text.empty()) return bad;
  uint64_t unit = 1;
  std::string digits = text;
  switch (text.back()) {
    case 's': unit = 1; digits.pop_back(); break;
    case 'm': unit = 60; digits.pop_back(); break;
    case 'h': unit = 3600; digits.pop_back(); break;
    case 'd': unit = 86400; digits.pop_back(); break;
    default: break;
  }
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || ptr != digits.data() + digits.size()) return bad;
  // Ten years is plenty; beyond that a typo is likelier than an intent (and no overflow).
  constexpr uint64_t kMax = uint64_t{10} * 365 * 86400;
  if (value > kMax / unit) return bad;
  return value * unit;
}

Status SplitListen(const std::string& listen, std::string& host, uint16_t& port) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("--listen must be host:port, for example 127.0.0.1:5000");
  }
  host = listen.substr(0, colon);
  const std::string p = listen.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || ptr != p.data() + p.size() || value > 65535) {
    return InvalidArgument("--listen port must be a number from 0 to 65535");
  }
  port = static_cast<uint16_t>(value);
  return Status::Ok();
}

}  // namespace surveyor::cli
