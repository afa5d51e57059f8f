// The ECR control-plane API (awsJson1_1: POST / with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.<Op>, SPEC §2.1, §6, appendix A). Every call is verified
// with SigV4 for service "ecr", authorized against the repository policy for "ecr:<Op>", and
// translated into registry/ calls; scanning operations go to scan::Service and read
// findings/ (scan_findings.cc). Errors are {"__type","message"}. Thread-safe: state lives in
// the database, except lifecycle previews, kept in memory under a mutex.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "api/aws/protocol.h"
#include "auth/authorizer.h"
#include "auth/registry_token.h"
#include "auth/sigv4.h"
#include "common/clock.h"
#include "http/router.h"
#include "registry/registry.h"
#include "scan/service.h"
#include "store/sqlite.h"

namespace surveyor::api::ecr {

inline constexpr char kTargetPrefix[] = "AmazonEC2ContainerRegistry_V20150921.";

struct EcrDeps {
  store::Database& db;
  registry::Registry& registry;
  const auth::SigV4Verifier& verifier;
  const auth::RegistryTokens& tokens;
  const Clock& clock;
  aws::AwsContext context;
  // StartImageScan, DescribeImageScanFindings and DescribeImages' scan fields; null when
  // scanning is turned off (images then show no scan status).
  scan::Service* scanner = nullptr;
};

class EcrService {
 public:
  explicit EcrService(EcrDeps deps) : d_(std::move(deps)) {}
  // POST / with an X-Amz-Target naming this service.
  static bool Accepts(const http::Request& request);
  http::Response Handle(http::Request& request);

  struct Call;  // one verified request (service.cc)

 private:
  Result<Json> Dispatch(std::string_view op, Call& call);
  // scan_findings.cc
  Result<Json> ScanOperation(std::string_view op, const std::string& repository,
                             const std::string& digest, const std::string& media_type,
                             const Json& image_id, const Json& in);
  // imageScanStatus and imageScanFindingsSummary of DescribeImages ({} when never scanned).
  Json ScanSummaryFields(const std::string& repository, const std::string& digest);

  EcrDeps d_;
  std::mutex previews_mu_;
  std::map<std::string, Json, std::less<>> previews_;  // repository → stored preview state
};

// Adds the ECR route to `router` (before the OCI routes; it only takes POST / with the target).
void AddRoutes(http::Router& router, EcrService& service);

}  // namespace surveyor::api::ecr
