// Hostile request bodies for the Inspector2 findings/coverage/export parsers (api/inspector/
// requests.h): the first byte picks the parser, the rest is the JSON body.
// 0: ListFindingAggregations request; 1: CoverageFilterCriteria, then matched against a
// repository and an image row; 2: ResourceFilterCriteria, then matched; 3: S3 destination and
// report ids; 4: maxResults / nextToken.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/inspector/requests.h"

using namespace surveyor;
using namespace surveyor::api::inspector;

namespace {

CoverageRecord Row(const char* type) {
  CoverageRecord r;
  r.resource_type = type;
  r.resource_id = "arn:aws:ecr:us-east-1:123456789012:repository/prod-my-app";
  r.account_id = "123456789012";
  r.status_code = "ACTIVE";
  r.reason = "SUCCESSFUL";
  r.repository = "prod-my-app";
  r.tags = {"v1", "latest"};
  r.last_scanned_at = 1700000000.0;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto j = ParseJson(input, 64);
  if (!j.ok()) return 0;
  static const CoverageRecord kRepo = Row("AWS_ECR_REPOSITORY");
  static const CoverageRecord kImage = Row("AWS_ECR_CONTAINER_IMAGE");
  switch (data[0] % 5) {
    case 0: {
      bool supported = false;
      auto q = ParseAggregationRequest(*j, supported);
      if (q.ok()) (void)q->default_order();
      break;
    }
    case 1:
      if (ValidateCoverageCriteria(*j, "filterCriteria").ok()) {
        (void)CoverageMatches(*j, kRepo);
        (void)CoverageMatches(*j, kImage);
        (void)CoverageJson(kImage);
      }
      break;
    case 2:
      if (ValidateResourceCriteria(*j, "resourceFilterCriteria").ok()) {
        (void)ResourceMatches(*j, kImage);
      }
      break;
    case 3: {
      if (j->is_object()) {
        auto d = ParseDestination(*j, "s3Destination");
        if (d.ok()) (void)d->ToJson();
      }
      if (j->is_string()) (void)LooksLikeReportId(j->get<std::string>());
      break;
    }
    case 4:
      if (j->is_object()) {
        (void)ParseMaxResults(*j, 1, 100, 25);
        (void)ParseNextToken(*j);
      }
      break;
  }
  return 0;
}
