// The EventBridge API (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>` on POST /) for rules
// and targets, and the SNS-compatible topic API (AWS query protocol: form-encoded POST / with
// Action=..., XML responses; plus GET /?Action=ConfirmSubscription for SubscribeURL links).
// Handlers are plain functions over a Context so that a signature-verifying wrapper can be put
// around them; they ignore the Authorization header. Stateless apart from the Context.
#pragma once

#include <chrono>

#include "events/dispatcher.h"
#include "events/outbox.h"
#include "http/message.h"
#include "http/router.h"
#include "store/sqlite.h"

namespace surveyor::api::events {

inline constexpr size_t kMaxRequestBytes = 1 << 20;

struct Context {
  store::Database& db;
  surveyor::events::BusIdentity bus;
  surveyor::events::Dispatcher* dispatcher = nullptr;  // woken on rule changes; may be null
  std::chrono::milliseconds http_timeout{5000};       // SNS subscription confirmations
};

// Route predicates: EventBridge claims only `X-Amz-Target: AWSEvents.*`; SNS claims form-encoded
// POST / without X-Amz-Target whose credential scope (if signed) names the sns service, and
// GET /?Action=ConfirmSubscription.
bool IsEventBridgeRequest(const http::Request& request);
bool IsSnsRequest(const http::Request& request);

http::Response HandleEventBridge(const http::Request& request, Context& ctx);
http::Response HandleSns(const http::Request& request, Context& ctx);

// Registers both APIs; `ctx` must outlive the router.
void AddRoutes(http::Router& router, Context& ctx);

// Form decoding for the query protocol ('+' is a space); exposed for tests and the fuzzer.
std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view body);

}  // namespace surveyor::api::events
