// The Inspector2 operations that read findings and registry resources (SPEC §7.2-§7.7).
#include <algorithm>
#include <regex>

#include "api/inspector/filter_criteria.h"
#include "api/inspector/requests.h"
#include "api/inspector/service.h"
#include "findings/finding.h"
#include "findings/query.h"

namespace surveyor::api::inspector {
namespace {

constexpr int kMaxSortedGroups = 5000;

Status CheckEnumMember(const Json& in, const char* field, const std::vector<std::string>& values,
                       bool required, std::string& out) {
  if (!in.contains(field) || in[field].is_null()) {
    if (required) return FieldError(field, "null", "Member must not be null");
    return Status::Ok();
  }
  const Json& v = in[field];
  for (const auto& e : values) {
    if (v.is_string() && v.get<std::string>() == e) {
      out = e;
      return Status::Ok();
    }
  }
  std::string set;
  for (const auto& e : values) set += (set.empty() ? "" : ", ") + e;
  return FieldError(field, v.is_string() ? v.get<std::string>() : DumpJson(v),
                    "Member must satisfy enum value set: [" + set + "]");
}

// The API accepts every field of the newest model; the store knows those a registry's findings
// can have. A field it does not know (code scanning) is absent from every finding: EQUALS or
// PREFIX on it keeps nothing, NOT_EQUALS alone keeps everything.
Result<findings::FilterCriteria> EngineCriteria(const Json& criteria, bool& matches_nothing) {
  matches_nothing = false;
  if (criteria.is_null()) return findings::FilterCriteria{};
  Json kept = Json::object();
  for (const auto& [field, list] : criteria.items()) {
    Json one{{field, list}};
    if (findings::ParseFilterCriteria(one).ok()) {
      kept[field] = list;
      continue;
    }
    for (const Json& f : list) {
      if (GetString(f, "comparison").value_or("") != "NOT_EQUALS") matches_nothing = true;
    }
  }
  return findings::ParseFilterCriteria(kept);
}

Status CheckSortCriteria(const Json& in, findings::SortCriteria& out) {
  if (!in.contains("sortCriteria") || in["sortCriteria"].is_null()) return Status::Ok();
  const Json& s = in["sortCriteria"];
  if (!s.is_object()) return FieldError("sortCriteria", DumpJson(s), "Member must be a structure");
  static const std::vector<std::string> kFields = {
      "AWS_ACCOUNT_ID", "FINDING_TYPE", "SEVERITY", "FIRST_OBSERVED_AT", "LAST_OBSERVED_AT",
      "FINDING_STATUS", "RESOURCE_TYPE", "ECR_IMAGE_PUSHED_AT", "ECR_IMAGE_REPOSITORY_NAME",
      "ECR_IMAGE_REGISTRY", "NETWORK_PROTOCOL", "COMPONENT_TYPE", "VULNERABILITY_ID",
      "VULNERABILITY_SOURCE", "INSPECTOR_SCORE", "VENDOR_SEVERITY", "EPSS_SCORE"};
  Json wrapped{{"sortCriteria.field", s.value("field", Json())},
               {"sortCriteria.sortOrder", s.value("sortOrder", Json())}};
  std::string field, order;
  RETURN_IF_ERROR(CheckEnumMember(wrapped, "sortCriteria.field", kFields, true, field));
  RETURN_IF_ERROR(CheckEnumMember(wrapped, "sortCriteria.sortOrder", {"ASC", "DESC"}, true, order));
  ASSIGN_OR_RETURN(out, findings::ParseSortCriteria(s));
  return Status::Ok();
}

std::string ImageArn(const aws::AwsContext& ctx, const std::string& repo, const std::string& digest) {
  findings::ImageContext image;
  image.account_id = ctx.account_id;
  image.region = ctx.region;
  image.repository = repo;
  image.digest = digest;
  return findings::ImageResourceId(image);
}

}  // namespace

Result<Json> InspectorService::ListFindingAggregations(const Json& in) {
  bool supported = false;
  ASSIGN_OR_RETURN(AggregationQuery q, ParseAggregationRequest(in, supported));
  ASSIGN_OR_RETURN(int max, ParseMaxResults(in, 1, 100, 100));
  ASSIGN_OR_RETURN(std::string token, ParseNextToken(in));
  Json empty{{"aggregationType", q.type}, {"responses", Json::array()}};
  if (!supported) return empty;  // EC2, Lambda, AMI, code: no such resources in a registry
  bool nothing = false;
  ASSIGN_OR_RETURN(auto criteria, EngineCriteria(q.criteria, nothing));
  if (nothing) return empty;
  const std::string member = [&] {
    static const std::map<std::string, std::string> kMember = {
        {"REPOSITORY", "repositoryAggregation"}, {"AWS_ECR_CONTAINER", "awsEcrContainerAggregation"},
        {"PACKAGE", "packageAggregation"},       {"TITLE", "titleAggregation"},
        {"IMAGE_LAYER", "imageLayerAggregation"}, {"FINDING_TYPE", "findingTypeAggregation"},
        {"ACCOUNT", "accountAggregation"}};
    return kMember.at(q.type);
  }();
  // Distinct images with an ACTIVE finding in a repository, under the same filters.
  auto affected_images = [&](const std::string& repo) -> Result<int64_t> {
    Json c = criteria.raw;
    c["ecrImageRepositoryName"] = Json::array({{{"comparison", "EQUALS"}, {"value", repo}}});
    ASSIGN_OR_RETURN(auto f, findings::ParseFilterCriteria(c));
    int64_t n = 0;
    std::string t;
    for (;;) {
      ASSIGN_OR_RETURN(Json page, findings::Aggregate(d_.db, "AWS_ECR_CONTAINER", f, 100, t));
      n += static_cast<int64_t>(page["responses"].size());
      if (!page.contains("nextToken")) return n;
      t = page["nextToken"].get<std::string>();
    }
  };
  // The store's groups, reshaped as the model's AggregationResponse members.
  auto reshape = [&](Json& response) -> Status {
    Json& r = response[member];
    r["accountId"] = d_.context.account_id;
    if (q.type == "AWS_ECR_CONTAINER") {
      r["resourceId"] = ImageArn(d_.context, r.value("repository", ""), r.value("imageSha", ""));
    } else if (q.type == "IMAGE_LAYER") {
      r["resourceId"] = ImageArn(d_.context, r.value("repository", ""), r.value("resourceId", ""));
    } else if (q.type == "FINDING_TYPE") {
      r.erase("findingType");
    } else if (q.type == "REPOSITORY") {
      ASSIGN_OR_RETURN(r["affectedImages"], affected_images(r.value("repository", "")));
    }
    return Status::Ok();
  };
  if (q.default_order()) {
    // The store's own order (critical, then high, medium, all, most first) with its tokens.
    ASSIGN_OR_RETURN(Json out, findings::Aggregate(d_.db, q.type, criteria, max, token));
    for (Json& r : out["responses"]) RETURN_IF_ERROR(reshape(r));
    return out;
  }
  // Another sortBy/sortOrder: every group, sorted here, paged by offset.
  size_t offset = 0;
  if (!token.empty()) {
    ASSIGN_OR_RETURN(offset, aws::ParseOffsetToken(token, "ValidationException"));
  }
  std::vector<Json> all;
  std::string t;
  for (;;) {
    ASSIGN_OR_RETURN(Json page, findings::Aggregate(d_.db, q.type, criteria, 100, t));
    for (Json& r : page["responses"]) all.push_back(std::move(r));
    if (all.size() > static_cast<size_t>(kMaxSortedGroups)) {
      return FieldError("aggregationRequest." + member + ".sortBy", q.sort_by,
                        "sorting other than CRITICAL DESC is done for at most " +
                            std::to_string(kMaxSortedGroups) + " groups; narrow the filters");
    }
    if (!page.contains("nextToken")) break;
    t = page["nextToken"].get<std::string>();
  }
  for (Json& r : all) RETURN_IF_ERROR(reshape(r));
  auto key = [&](const Json& r) -> int64_t {
    const Json& body = r[member];
    if (q.sort_by == "AFFECTED_IMAGES") return body.value("affectedImages", int64_t{0});
    const Json& counts = body["severityCounts"];
    if (q.sort_by == "HIGH") return counts.value("high", int64_t{0});
    if (q.sort_by == "ALL") return counts.value("all", int64_t{0});
    return counts.value("critical", int64_t{0});
  };
  std::stable_sort(all.begin(), all.end(), [&](const Json& a, const Json& b) {
    return q.descending ? key(a) > key(b) : key(a) < key(b);
  });
  Json responses = Json::array();
  for (size_t i = offset; i < all.size() && i < offset + static_cast<size_t>(max); ++i) {
    responses.push_back(all[i]);
  }
  Json out{{"aggregationType", q.type}, {"responses", responses}};
  if (offset + max < all.size()) out["nextToken"] = aws::OffsetToken(offset + max);
  return out;
}

std::optional<Result<Json>> InspectorService::DispatchFindings(const std::string& op,
                                                               const Json& in) {
  if (op == "ListFindings") {
    return [&]() -> Result<Json> {
      if (in.contains("filterCriteria") && !in["filterCriteria"].is_null()) {
        RETURN_IF_ERROR(ValidateFilterCriteria(in["filterCriteria"], "filterCriteria"));
      }
      findings::SortCriteria sort;
      RETURN_IF_ERROR(CheckSortCriteria(in, sort));
      ASSIGN_OR_RETURN(int max, ParseMaxResults(in, 1, 100, 25));
      ASSIGN_OR_RETURN(std::string token, ParseNextToken(in));
      bool nothing = false;
      ASSIGN_OR_RETURN(auto criteria, EngineCriteria(in.value("filterCriteria", Json()), nothing));
      if (nothing) return Json{{"findings", Json::array()}};
      ASSIGN_OR_RETURN(auto page, findings::ListFindings(d_.db, criteria, sort, max, token));
      Json out{{"findings", std::move(page.findings)}};
      if (page.next_token) out["nextToken"] = *page.next_token;
      return out;
    }();
  }
  if (op == "ListFindingAggregations") return ListFindingAggregations(in);
  if (op == "BatchGetFindingDetails") {
    return [&]() -> Result<Json> {
      const Json* arns = GetArray(in, "findingArns");
      if (!arns) return FieldError("findingArns", "null", "Member must not be null");
      if (arns->empty() || arns->size() > 10) {
        return FieldError("findingArns", std::to_string(arns->size()) + " items",
                          "Member must have length between 1 and 10");
      }
      static const std::regex kArn(
          "arn:(aws[a-zA-Z-]*)?:inspector2:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}:finding/[a-f0-9]{32}");
      Json details = Json::array(), errors = Json::array();
      for (size_t i = 0; i < arns->size(); ++i) {
        const Json& a = (*arns)[i];
        const std::string field = "findingArns." + std::to_string(i + 1) + ".member";
        if (!a.is_string() || !std::regex_match(a.get<std::string>(), kArn)) {
          return FieldError(field, a.is_string() ? a.get<std::string>() : DumpJson(a),
                            "Member must satisfy regular expression pattern: "
                            "arn:(aws[a-zA-Z-]*)?:inspector2:[a-z]{2}(-gov)?-[a-z]+-\\d{1}:\\d{12}"
                            ":finding/[a-f0-9]{32}");
        }
        const std::string arn = a.get<std::string>();
        ASSIGN_OR_RETURN(auto criteria, findings::ParseFilterCriteria(
                                            {{"findingArn", {{{"comparison", "EQUALS"}, {"value", arn}}}}}));
        ASSIGN_OR_RETURN(auto page, findings::ListFindings(d_.db, criteria, {}, 1, ""));
        if (page.findings.empty()) {
          errors.push_back({{"findingArn", arn},
                            {"errorCode", "FINDING_DETAILS_NOT_FOUND"},
                            {"errorMessage", "no finding with this ARN"}});
          continue;
        }
        const Json& f = page.findings.front();
        const Json pvd = f.value("packageVulnerabilityDetails", Json::object());
        Json d{{"findingArn", arn},
               {"referenceUrls", pvd.value("referenceUrls", Json::array())},
               {"cwes", Json::array()},
               {"evidences", Json::array()},
               {"ttps", Json::array()},
               {"tools", Json::array()}};
        if (f.contains("epss") && f["epss"].contains("score")) d["epssScore"] = f["epss"]["score"];
        details.push_back(std::move(d));
      }
      return Json{{"findingDetails", details}, {"errors", errors}};
    }();
  }
  if (op == "ListCoverage" || op == "ListCoverageStatistics") {
    return [&]() -> Result<Json> {
      const Json criteria = in.value("filterCriteria", Json());
      RETURN_IF_ERROR(ValidateCoverageCriteria(criteria, "filterCriteria"));
      ASSIGN_OR_RETURN(auto records, CollectCoverage(d_.db, d_.scanner, d_.context));
      std::vector<CoverageRecord> kept;
      for (auto& r : records) {
        if (CoverageMatches(criteria, r)) kept.push_back(std::move(r));
      }
      ASSIGN_OR_RETURN(std::string token, ParseNextToken(in));
      size_t offset = 0;
      if (!token.empty()) {
        ASSIGN_OR_RETURN(offset, aws::ParseOffsetToken(token, "ValidationException"));
      }
      if (op == "ListCoverageStatistics") {
        std::string group;
        RETURN_IF_ERROR(CheckEnumMember(in, "groupBy",
                                        {"SCAN_STATUS_CODE", "SCAN_STATUS_REASON", "ACCOUNT_ID",
                                         "RESOURCE_TYPE", "ECR_REPOSITORY_NAME"},
                                        false, group));
        Json out{{"totalCounts", kept.size()}};
        if (group.empty()) return out;
        std::map<std::string, int64_t> counts;
        for (const auto& r : kept) {
          const std::string& k = group == "SCAN_STATUS_CODE"     ? r.status_code
                                 : group == "SCAN_STATUS_REASON" ? r.reason
                                 : group == "ACCOUNT_ID"         ? r.account_id
                                 : group == "RESOURCE_TYPE"      ? r.resource_type
                                                                 : r.repository;
          ++counts[k];
        }
        // Groups by count, most first, then by key; pages of 100.
        std::vector<std::pair<std::string, int64_t>> sorted(counts.begin(), counts.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        Json groups = Json::array();
        for (size_t i = offset; i < sorted.size() && i < offset + 100; ++i) {
          groups.push_back({{"groupKey", sorted[i].first}, {"count", sorted[i].second}});
        }
        out["countsByGroup"] = groups;
        if (offset + 100 < sorted.size()) out["nextToken"] = aws::OffsetToken(offset + 100);
        return out;
      }
      ASSIGN_OR_RETURN(int max, ParseMaxResults(in, 1, 200, 100));
      Json rows = Json::array();
      for (size_t i = offset; i < kept.size() && i < offset + max; ++i) rows.push_back(CoverageJson(kept[i]));
      Json out{{"coveredResources", rows}};
      if (offset + max < kept.size()) out["nextToken"] = aws::OffsetToken(offset + max);
      return out;
    }();
  }
  if (op == "CreateFindingsReport" || op == "CreateSbomExport") {
    return [&]() -> Result<Json> {
      ExportRequest request;
      const bool sbom = op == "CreateSbomExport";
      request.kind = sbom ? ExportKind::kSbom : ExportKind::kFindingsReport;
      RETURN_IF_ERROR(CheckEnumMember(
          in, "reportFormat",
          sbom ? std::vector<std::string>{"CYCLONEDX_1_4", "SPDX_2_3"} : std::vector<std::string>{"CSV", "JSON"},
          true, request.format));
      ASSIGN_OR_RETURN(request.destination, ParseDestination(in, "s3Destination"));
      const char* criteria_field = sbom ? "resourceFilterCriteria" : "filterCriteria";
      if (in.contains(criteria_field) && !in[criteria_field].is_null()) {
        if (sbom) {
          RETURN_IF_ERROR(ValidateResourceCriteria(in[criteria_field], criteria_field));
        } else {
          RETURN_IF_ERROR(ValidateFilterCriteria(in[criteria_field], criteria_field));
          bool nothing = false;
          RETURN_IF_ERROR(EngineCriteria(in[criteria_field], nothing).status());
        }
        request.criteria = in[criteria_field];
      }
      ASSIGN_OR_RETURN(std::string id, exports_->Submit(std::move(request)));
      return Json{{"reportId", id}};
    }();
  }
  if (op == "GetFindingsReportStatus" || op == "GetSbomExport" || op == "CancelFindingsReport" ||
      op == "CancelSbomExport") {
    return [&]() -> Result<Json> {
      const bool sbom = op.find("Sbom") != std::string::npos;
      const ExportKind kind = sbom ? ExportKind::kSbom : ExportKind::kFindingsReport;
      std::string id;
      if (in.contains("reportId") && !in["reportId"].is_null()) {
        if (!in["reportId"].is_string() || !LooksLikeReportId(in["reportId"].get<std::string>())) {
          return FieldError("reportId", in["reportId"].is_string() ? in["reportId"].get<std::string>()
                                                                   : DumpJson(in["reportId"]),
                            "Member must satisfy regular expression pattern: "
                            ".*\\b[a-f0-9]{8}\\b-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-\\b[a-f0-9]{12}\\b.*");
        }
        id = in["reportId"].get<std::string>();
      } else if (op != "GetFindingsReportStatus") {
        return FieldError("reportId", "null", "Member must not be null");
      }
      if (op.starts_with("Cancel")) {
        RETURN_IF_ERROR(exports_->Cancel(kind, id));
        return Json{{"reportId", id}};
      }
      ASSIGN_OR_RETURN(Json state, exports_->Get(kind, id));
      Json out{{"reportId", state["reportId"]}, {"status", state["status"]}};
      if (state.contains("errorCode")) out["errorCode"] = state["errorCode"];
      if (state.contains("errorMessage")) out["errorMessage"] = state["errorMessage"];
      if (sbom) {
        out["format"] = state["format"];
        out["s3Destination"] = state["destination"];
        if (!state["filterCriteria"].empty()) out["filterCriteria"] = state["filterCriteria"];
      } else {
        out["destination"] = state["destination"];
        if (!state["filterCriteria"].empty()) out["filterCriteria"] = state["filterCriteria"];
      }
      return out;
    }();
  }
  return std::nullopt;
}

}  // namespace surveyor::api::inspector
