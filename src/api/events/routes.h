// The EventBridge API (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>` on POST /) for rules
// and targets, and the SNS-compatible topic API (AWS query protocol: form-encoded POST / with
// Action=..., XML responses; plus GET /?Action=ConfirmSubscription for SubscribeURL links).
// Every call is SigV4-verified (credential scope "events" resp. "sns"), with each protocol's error
// shape: awsJson1_1 {"__type","message"} (400) for EventBridge, an XML ErrorResponse (403) for
// SNS. One exception: SNS ConfirmSubscription without an Authorization header is accepted, as in
// AWS, because a SubscribeURL is an unsigned GET whose Token is the credential; a signed one is
// verified like any other call. Stateless apart from the Context.
#pragma once

#include <chrono>

#include "auth/sigv4.h"
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
  // Verifies signatures; without one every call that needs a signature is refused.
  const auth::SigV4Verifier* verifier = nullptr;
};

// The signing names and error protocols of the two APIs.
inline constexpr auth::ServiceSpec kEventsService{"events", auth::ErrorProtocol::kAwsJson};
inline constexpr auth::ServiceSpec kSnsService{"sns", auth::ErrorProtocol::kQuery};

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
