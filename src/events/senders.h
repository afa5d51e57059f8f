// Target senders: one delivery attempt of a rendered payload to a webhook (libcurl), an SNS-style
// topic's confirmed HTTP subscriptions, a config-declared local command (payload on stdin) or a
// config-declared JSON-lines file. Each call is bounded by its timeout; nothing here retries (the
// Dispatcher does). Thread-safe: each call uses its own handles.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "events/rules.h"
#include "store/sqlite.h"

namespace surveyor::events {

// The HeaderParameters entry that holds a webhook's HMAC secret; it is never sent.
inline constexpr char kSigningSecretHeader[] = "X-Surveyor-Signing-Secret";
// The header carrying "sha256=<hex HMAC-SHA256 of the body>".
inline constexpr char kSignatureHeader[] = "X-Surveyor-Signature";
inline constexpr size_t kMaxResponseBytes = 64 * 1024;  // read from a target, then discarded

struct SenderConfig {
  std::chrono::milliseconds timeout{5000};
  std::map<std::string, std::string> commands;  // name -> /bin/sh -c command line
  std::map<std::string, std::string> files;     // name -> JSON-lines file path
};

struct HttpResult {
  long status = 0;
  std::string body;  // at most kMaxResponseBytes
};

// POSTs `body`; Unavailable on transport errors and timeouts.
Result<HttpResult> HttpPost(const std::string& url,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            const std::string& body, std::chrono::milliseconds timeout);
// Lower-case hex HMAC-SHA256.
std::string HmacSha256Hex(const std::string& key, const std::string& data);

// One attempt to deliver `payload` to `target`. OK only when the target accepted it (2xx, exit 0,
// written and flushed).
Status SendToTarget(store::Database& db, const Target& target, const std::string& payload,
                    const SenderConfig& config);

// Publishes `message` to every confirmed HTTP(S) subscription of `topic_arn` (SNS Notification
// JSON). Fails if any subscriber fails (the whole publish is retried: at least once).
Status PublishToTopic(store::Database& db, const std::string& topic_arn, const std::string& message,
                      std::chrono::milliseconds timeout);

}  // namespace surveyor::events
