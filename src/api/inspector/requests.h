// Pure request parsing for the Inspector2 findings, coverage and export operations (SPEC §7.2,
// §7.4, §7.5, §7.7, appendix C): page sizes, aggregation requests turned into FilterCriteria,
// CoverageFilterCriteria and ResourceFilterCriteria (validated, then matched against one
// resource), and S3 destinations mapped onto a relative path under the export directory.
// Errors are ValidationException (domain code) naming the member as AWS does. No I/O, no logging;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::api::inspector {

Status FieldError(const std::string& field, const std::string& value, const std::string& what);

// `maxResults` between min and max (default when absent).
Result<int> ParseMaxResults(const Json& in, int min, int max, int fallback);
// `nextToken`: "" when absent; at most 1,000,000 characters as the model says.
Result<std::string> ParseNextToken(const Json& in);

// ListFindingAggregations: the aggregationType, the request's own filters folded into one
// Inspector FilterCriteria (repositories → ecrImageRepositoryName, imageShas → ecrImageHash, …,
// accountIds → awsAccountId), and its sortBy/sortOrder.
struct AggregationQuery {
  std::string type;
  Json criteria = Json::object();
  std::string sort_by = "CRITICAL";  // CRITICAL, HIGH, ALL, AFFECTED_IMAGES
  bool descending = true;
  bool default_order() const { return sort_by == "CRITICAL" && descending; }
};
// The aggregation types the findings store groups by (the EC2/Lambda/AMI/code ones are valid
// requests with no findings in a registry: `supported` is false for them).
Result<AggregationQuery> ParseAggregationRequest(const Json& in, bool& supported);

// One row of ListCoverage, before rendering.
struct CoverageRecord {
  std::string resource_type;  // AWS_ECR_REPOSITORY | AWS_ECR_CONTAINER_IMAGE
  std::string resource_id;
  std::string account_id;
  std::string status_code;    // ACTIVE | INACTIVE
  std::string reason;         // a ScanStatusReason
  std::string repository;
  std::string scan_frequency;  // repositories only
  std::vector<std::string> tags;  // images only
  std::optional<double> last_scanned_at;  // epoch seconds
  std::optional<double> pushed_at;
};
Status ValidateCoverageCriteria(const Json& criteria, const std::string& field);
bool CoverageMatches(const Json& criteria, const CoverageRecord& r);
Json CoverageJson(const CoverageRecord& r);

// ResourceFilterCriteria of CreateSbomExport (EQUALS / NOT_EQUALS string filters, map filters).
Status ValidateResourceCriteria(const Json& criteria, const std::string& field);
bool ResourceMatches(const Json& criteria, const CoverageRecord& image);

// An S3 Destination {bucketName!, keyPrefix?, kmsKeyArn!}. The bucket must follow S3's naming
// rules and the prefix may not climb out ("..", leading "/"), so that the pair is a safe relative
// path under the configured export directory.
struct Destination {
  std::string bucket;
  std::string prefix;  // without leading or trailing '/'
  std::string kms_key_arn;
  std::string RelativeDir() const { return prefix.empty() ? bucket : bucket + "/" + prefix; }
  Json ToJson() const;
};
Result<Destination> ParseDestination(const Json& in, const std::string& field);

// The report id pattern (a UUID somewhere in the string).
bool LooksLikeReportId(const std::string& id);

}  // namespace surveyor::api::inspector
