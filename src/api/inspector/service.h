// The Inspector2 API (restJson1 paths, SPEC §2.2, §7, appendix B): account enablement,
// configuration (ECR rescan durations), filters (suppression rules; criteria validated, stored)
// and resource tags. Findings, aggregations, coverage, exports and reports need src/findings
// queries that do not exist yet and answer 404-free "not available" errors via the router's
// fall-through. Every call is SigV4-verified for "inspector2"; errors carry x-amzn-ErrorType
// and {"message","__type"}. State is kept as JSON documents in the registry's registry_settings
// table, read-modify-write under a mutex; thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "api/aws/protocol.h"
#include "auth/sigv4.h"
#include "common/clock.h"
#include "http/router.h"
#include "store/sqlite.h"

namespace surveyor::api::inspector {

inline constexpr size_t kMaxFilters = 500;

struct InspectorDeps {
  store::Database& db;
  const auth::SigV4Verifier& verifier;
  const Clock& clock;
  aws::AwsContext context;
};

class InspectorService {
 public:
  explicit InspectorService(InspectorDeps deps) : d_(std::move(deps)) {}
  // The operation a request names, or "" when it is not an Inspector2 request we serve.
  static std::string OperationFor(const http::Request& request);
  http::Response Handle(http::Request& request);

 private:
  Result<Json> Dispatch(const std::string& op, const Json& in, const http::Request& request);
  Result<Json> Load(const char* name, Json fallback);
  Status Save(const char* name, const Json& value);

  InspectorDeps d_;
  std::mutex mu_;
};

void AddRoutes(http::Router& router, InspectorService& service);

}  // namespace surveyor::api::inspector
