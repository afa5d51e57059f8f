// The Inspector2 API (restJson1 paths, SPEC §2.2, §7, appendix B): account enablement,
// configuration (ECR rescan durations), filters (suppression rules; criteria validated, stored),
// resource tags, and the findings side (findings_api.cc): ListFindings, ListFindingAggregations,
// ListCoverage(+Statistics), BatchGetFindingDetails, findings reports and SBOM exports written to
// a local directory (exports.h). Every call is SigV4-verified for "inspector2"; errors carry
// x-amzn-ErrorType and {"message","__type"}. Settings are JSON documents in registry_settings,
// read-modify-write under a mutex; finding queries run without it. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "api/aws/protocol.h"
#include "api/inspector/exports.h"
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
  scan::Service* scanner = nullptr;  // null when scanning is off: coverage shows INACTIVE
  std::string export_dir;            // reports and SBOM exports; "" turns them off
};

class InspectorService {
 public:
  explicit InspectorService(InspectorDeps deps);
  ~InspectorService();
  // The operation a request names, or "" when it is not an Inspector2 request we serve.
  static std::string OperationFor(const http::Request& request);
  http::Response Handle(http::Request& request);
  // Blocks until queued reports and exports are written (tests).
  void WaitForExportsForTest() { exports_->WaitIdle(); }

 private:
  Result<Json> Dispatch(const std::string& op, const Json& in, const http::Request& request);
  // findings_api.cc: the operations that read findings and resources; nullopt when `op` is not one.
  std::optional<Result<Json>> DispatchFindings(const std::string& op, const Json& in);
  Result<Json> ListFindingAggregations(const Json& in);
  Result<Json> Load(const char* name, Json fallback);
  Status Save(const char* name, const Json& value);

  InspectorDeps d_;
  std::mutex mu_;
  std::unique_ptr<ExportRunner> exports_;
};

void AddRoutes(http::Router& router, InspectorService& service);

}  // namespace surveyor::api::inspector
