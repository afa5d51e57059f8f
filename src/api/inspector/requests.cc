#include "api/inspector/requests.h"

#include <map>
#include <regex>
#include <set>

namespace surveyor::api::inspector {
namespace {

std::string Shown(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : DumpJson(v);
  return s.size() > 64 ? s.substr(0, 64) + "..." : s;
}

std::string Member(const std::string& list_field, size_t i) {
  return list_field + "." + std::to_string(i + 1) + ".member";
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

Status CheckEnum(const Json& v, const std::string& field, const std::vector<std::string>& values) {
  if (v.is_string()) {
    for (const auto& e : values) {
      if (v.get<std::string>() == e) return Status::Ok();
    }
  }
  return FieldError(field, Shown(v), "Member must satisfy enum value set: [" + Joined(values) + "]");
}

// A list of 1..10 filters under `field`.
Result<const Json*> FilterList(const Json& parent, const std::string& key, const std::string& field) {
  const Json& list = parent[key];
  if (!list.is_array()) return FieldError(field, Shown(list), "Member must be a list");
  if (list.empty() || list.size() > 10) {
    return FieldError(field, std::to_string(list.size()) + " items",
                      "Member must have length between 1 and 10");
  }
  return &list;
}

Status CheckStringFilters(const Json& list, const std::string& field,
                          const std::vector<std::string>& comparisons, size_t max_len) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string m = Member(field, i);
    const Json& f = list[i];
    if (!f.is_object()) return FieldError(m, Shown(f), "Member must be a structure");
    if (!f.contains("comparison")) return FieldError(m + ".comparison", "null", "Member must not be null");
    RETURN_IF_ERROR(CheckEnum(f["comparison"], m + ".comparison", comparisons));
    if (!f.contains("value") || !f["value"].is_string()) {
      return FieldError(m + ".value", f.contains("value") ? Shown(f["value"]) : "null",
                        "Member must not be null");
    }
    const size_t n = f["value"].get<std::string>().size();
    if (n < 1 || n > max_len) {
      return FieldError(m + ".value", Shown(f["value"]),
                        "Member must have length between 1 and " + std::to_string(max_len));
    }
    for (const auto& [k, v] : f.items()) {
      if (k != "comparison" && k != "value") return FieldError(m + "." + k, Shown(v), "Unknown member");
    }
  }
  return Status::Ok();
}

Status CheckMapFilters(const Json& list, const std::string& field) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string m = Member(field, i);
    const Json& f = list[i];
    if (!f.is_object()) return FieldError(m, Shown(f), "Member must be a structure");
    if (!f.contains("comparison")) return FieldError(m + ".comparison", "null", "Member must not be null");
    RETURN_IF_ERROR(CheckEnum(f["comparison"], m + ".comparison", {"EQUALS"}));
    if (!f.contains("key") || !f["key"].is_string() || f["key"].get<std::string>().empty()) {
      return FieldError(m + ".key", f.contains("key") ? Shown(f["key"]) : "null",
                        "Member must have length greater than or equal to 1");
    }
    if (f.contains("value") && !f["value"].is_string()) {
      return FieldError(m + ".value", Shown(f["value"]), "Member must be a string");
    }
  }
  return Status::Ok();
}

Status CheckRangeFilters(const Json& list, const std::string& field, const char* lo, const char* hi) {
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string m = Member(field, i);
    const Json& f = list[i];
    if (!f.is_object()) return FieldError(m, Shown(f), "Member must be a structure");
    for (const auto& [k, v] : f.items()) {
      if (k != lo && k != hi) return FieldError(m + "." + k, Shown(v), "Unknown member");
      if (!v.is_number()) return FieldError(m + "." + k, Shown(v), "Member must be a number");
    }
  }
  return Status::Ok();
}

// EQUALS/PREFIX entries are ORed, NOT_EQUALS entries ANDed (SPEC §7.2).
bool StringListMatches(const Json& list, const std::vector<std::string>& values) {
  bool any_positive = false, positive_hit = false;
  for (const Json& f : list) {
    const std::string c = f["comparison"];
    const std::string want = f["value"];
    if (c == "NOT_EQUALS") {
      for (const auto& v : values) {
        if (v == want) return false;
      }
      continue;
    }
    any_positive = true;
    for (const auto& v : values) {
      if (c == "EQUALS" ? v == want : v.starts_with(want)) positive_hit = true;
    }
  }
  return !any_positive || positive_hit;
}

bool RangeListMatches(const Json& list, std::optional<double> value, const char* lo, const char* hi) {
  if (!value) return false;
  for (const Json& f : list) {
    if (f.contains(lo) && *value < f[lo].get<double>()) continue;
    if (f.contains(hi) && *value > f[hi].get<double>()) continue;
    return true;
  }
  return false;
}

enum class CoverageKind { kString, kMap, kDate, kNumber };

const std::map<std::string, CoverageKind, std::less<>>& CoverageFields() {
  static const auto* kFields = new std::map<std::string, CoverageKind, std::less<>>{
      {"scanStatusCode", CoverageKind::kString}, {"scanStatusReason", CoverageKind::kString},
      {"accountId", CoverageKind::kString}, {"resourceId", CoverageKind::kString},
      {"resourceType", CoverageKind::kString}, {"scanType", CoverageKind::kString},
      {"ecrRepositoryName", CoverageKind::kString}, {"ecrImageTags", CoverageKind::kString},
      {"ec2InstanceTags", CoverageKind::kMap}, {"lambdaFunctionName", CoverageKind::kString},
      {"lambdaFunctionTags", CoverageKind::kMap}, {"lambdaFunctionRuntime", CoverageKind::kString},
      {"lastScannedAt", CoverageKind::kDate}, {"scanMode", CoverageKind::kString},
      {"imagePulledAt", CoverageKind::kDate}, {"ecrImageLastInUseAt", CoverageKind::kDate},
      {"ecrImageInUseCount", CoverageKind::kNumber},
      {"codeRepositoryProjectName", CoverageKind::kString},
      {"codeRepositoryProviderType", CoverageKind::kString},
      {"codeRepositoryProviderTypeVisibility", CoverageKind::kString},
      {"lastScannedCommitId", CoverageKind::kString},
  };
  return *kFields;
}

}  // namespace

Status FieldError(const std::string& field, const std::string& value, const std::string& what) {
  return InvalidArgument("1 validation error detected: Value '" + value + "' at '" + field +
                             "' failed to satisfy constraint: " + what,
                         "ValidationException");
}

Result<int> ParseMaxResults(const Json& in, int min, int max, int fallback) {
  if (!in.contains("maxResults") || in["maxResults"].is_null()) return fallback;
  const Json& m = in["maxResults"];
  if (!m.is_number_integer() || m.get<int64_t>() < min || m.get<int64_t>() > max) {
    return FieldError("maxResults", Shown(m),
                      "Member must have value between " + std::to_string(min) + " and " +
                          std::to_string(max));
  }
  return static_cast<int>(m.get<int64_t>());
}

Result<std::string> ParseNextToken(const Json& in) {
  if (!in.contains("nextToken") || in["nextToken"].is_null()) return std::string();
  if (!in["nextToken"].is_string()) return FieldError("nextToken", Shown(in["nextToken"]), "Member must be a string");
  std::string t = in["nextToken"].get<std::string>();
  if (t.size() > 1000000) return FieldError("nextToken", Shown(in["nextToken"]), "Member must have length less than or equal to 1000000");
  return t;
}

Result<AggregationQuery> ParseAggregationRequest(const Json& in, bool& supported) {
  static const std::vector<std::string> kTypes = {
      "FINDING_TYPE", "PACKAGE", "TITLE", "REPOSITORY", "AMI", "AWS_EC2_INSTANCE",
      "AWS_ECR_CONTAINER", "IMAGE_LAYER", "ACCOUNT", "AWS_LAMBDA_FUNCTION", "LAMBDA_LAYER",
      "CODE_REPOSITORY"};
  // aggregationType → (request member, {request list → FilterCriteria field}, sortBy values).
  struct Shape {
    const char* member;
    std::vector<std::pair<std::string, std::string>> lists;
    std::vector<std::string> sort_by;
  };
  static const std::map<std::string, Shape> kShapes = {
      {"REPOSITORY", {"repositoryAggregation", {{"repositories", "ecrImageRepositoryName"}},
                      {"CRITICAL", "HIGH", "ALL", "AFFECTED_IMAGES"}}},
      {"AWS_ECR_CONTAINER",
       {"awsEcrContainerAggregation",
        {{"resourceIds", "resourceId"}, {"imageShas", "ecrImageHash"},
         {"repositories", "ecrImageRepositoryName"}, {"architectures", "ecrImageArchitecture"},
         {"imageTags", "ecrImageTags"}},
        {"CRITICAL", "HIGH", "ALL"}}},
      {"PACKAGE", {"packageAggregation", {{"packageNames", "#packageName"}}, {"CRITICAL", "HIGH", "ALL"}}},
      {"TITLE", {"titleAggregation", {{"titles", "title"}, {"vulnerabilityIds", "vulnerabilityId"}},
                 {"CRITICAL", "HIGH", "ALL"}}},
      {"IMAGE_LAYER",
       {"imageLayerAggregation",
        {{"repositories", "ecrImageRepositoryName"}, {"resourceIds", "resourceId"},
         {"layerHashes", "#layerHash"}},
        {"CRITICAL", "HIGH", "ALL"}}},
      {"FINDING_TYPE", {"findingTypeAggregation", {}, {"CRITICAL", "HIGH", "ALL"}}},
      {"ACCOUNT", {"accountAggregation", {}, {"CRITICAL", "HIGH", "ALL"}}},
  };
  AggregationQuery q;
  if (!in.contains("aggregationType")) return FieldError("aggregationType", "null", "Member must not be null");
  RETURN_IF_ERROR(CheckEnum(in["aggregationType"], "aggregationType", kTypes));
  q.type = in["aggregationType"].get<std::string>();
  auto shape = kShapes.find(q.type);
  supported = shape != kShapes.end();

  if (in.contains("accountIds")) {
    ASSIGN_OR_RETURN(const Json* list, FilterList(in, "accountIds", "accountIds"));
    RETURN_IF_ERROR(CheckStringFilters(*list, "accountIds", {"EQUALS", "PREFIX", "NOT_EQUALS"}, 1024));
    q.criteria["awsAccountId"] = *list;
  }
  if (!in.contains("aggregationRequest") || in["aggregationRequest"].is_null()) return q;
  const Json& request = in["aggregationRequest"];
  if (!request.is_object() || request.size() != 1) {
    return FieldError("aggregationRequest", Shown(request),
                      "Member must be a union with exactly one member set");
  }
  const std::string given = request.begin().key();
  if (!supported) {
    return q;  // valid for AWS, empty here: the caller answers with no responses
  }
  if (given != shape->second.member) {
    return FieldError("aggregationRequest", given,
                      "Member must be " + std::string(shape->second.member) + " for aggregationType " +
                          q.type);
  }
  const Json& body = request.begin().value();
  const std::string base = "aggregationRequest." + given;
  if (!body.is_object()) return FieldError(base, Shown(body), "Member must be a structure");
  for (const auto& [key, value] : body.items()) {
    const std::string field = base + "." + key;
    if (key == "sortOrder") {
      RETURN_IF_ERROR(CheckEnum(value, field, {"ASC", "DESC"}));
      q.descending = value.get<std::string>() == "DESC";
      continue;
    }
    if (key == "sortBy") {
      RETURN_IF_ERROR(CheckEnum(value, field, shape->second.sort_by));
      q.sort_by = value.get<std::string>();
      continue;
    }
    if (key == "resourceType") {
      RETURN_IF_ERROR(CheckEnum(value, field, {"AWS_EC2_INSTANCE", "AWS_ECR_CONTAINER_IMAGE",
                                               "AWS_LAMBDA_FUNCTION", "CODE_REPOSITORY"}));
      q.criteria["resourceType"] = Json::array({{{"comparison", "EQUALS"}, {"value", value}}});
      continue;
    }
    if (key == "findingType") {
      RETURN_IF_ERROR(CheckEnum(value, field, {"NETWORK_REACHABILITY", "PACKAGE_VULNERABILITY",
                                               "CODE_VULNERABILITY"}));
      q.criteria["findingType"] = Json::array({{{"comparison", "EQUALS"}, {"value", value}}});
      continue;
    }
    const std::string* target = nullptr;
    for (const auto& [list, criteria_field] : shape->second.lists) {
      if (list == key) target = &criteria_field;
    }
    if (!target) {
      // lastInUseAt / inUseCount: valid in the newest model, never true of our images.
      if (q.type == "AWS_ECR_CONTAINER" && (key == "lastInUseAt" || key == "inUseCount")) {
        ASSIGN_OR_RETURN(const Json* list, FilterList(body, key, field));
        RETURN_IF_ERROR(key == "lastInUseAt"
                            ? CheckRangeFilters(*list, field, "startInclusive", "endInclusive")
                            : CheckRangeFilters(*list, field, "lowerInclusive", "upperInclusive"));
        q.criteria[key == "lastInUseAt" ? "ecrImageLastInUseAt" : "ecrImageInUseCount"] = *list;
        continue;
      }
      return FieldError(field, Shown(value), "Unknown member");
    }
    ASSIGN_OR_RETURN(const Json* list, FilterList(body, key, field));
    RETURN_IF_ERROR(CheckStringFilters(*list, field, {"EQUALS", "PREFIX", "NOT_EQUALS"}, 1024));
    if (*target == "#packageName") {
      Json packages = Json::array();
      for (const Json& f : *list) packages.push_back({{"name", f}});
      // One package filter per name: ORed, as the name list's EQUALS entries are. A NOT_EQUALS
      // name keeps findings with some other vulnerable package, which is the same thing for the
      // one-package findings Surveyor makes.
      q.criteria["vulnerablePackages"] = packages;
    } else if (*target == "#layerHash") {
      Json packages = Json::array();
      for (const Json& f : *list) packages.push_back({{"sourceLayerHash", f}});
      q.criteria["vulnerablePackages"] = packages;
    } else {
      q.criteria[*target] = *list;
    }
  }
  return q;
}

Status ValidateCoverageCriteria(const Json& criteria, const std::string& field) {
  if (criteria.is_null()) return Status::Ok();
  if (!criteria.is_object()) return FieldError(field, Shown(criteria), "Member must be a structure");
  for (const auto& [key, value] : criteria.items()) {
    const std::string f = field + "." + key;
    auto it = CoverageFields().find(key);
    if (it == CoverageFields().end()) return FieldError(f, Shown(value), "Unknown member");
    ASSIGN_OR_RETURN(const Json* list, FilterList(criteria, key, f));
    switch (it->second) {
      case CoverageKind::kString:
        RETURN_IF_ERROR(CheckStringFilters(*list, f, {"EQUALS", "NOT_EQUALS"}, 1024));
        break;
      case CoverageKind::kMap: RETURN_IF_ERROR(CheckMapFilters(*list, f)); break;
      case CoverageKind::kDate:
        RETURN_IF_ERROR(CheckRangeFilters(*list, f, "startInclusive", "endInclusive"));
        break;
      case CoverageKind::kNumber:
        RETURN_IF_ERROR(CheckRangeFilters(*list, f, "lowerInclusive", "upperInclusive"));
        break;
    }
  }
  return Status::Ok();
}

bool CoverageMatches(const Json& criteria, const CoverageRecord& r) {
  if (!criteria.is_object()) return true;
  for (const auto& [key, list] : criteria.items()) {
    std::vector<std::string> values;
    std::optional<double> number;
    bool range = false;
    if (key == "scanStatusCode") values = {r.status_code};
    else if (key == "scanStatusReason") values = {r.reason};
    else if (key == "accountId") values = {r.account_id};
    else if (key == "resourceId") values = {r.resource_id};
    else if (key == "resourceType") values = {r.resource_type};
    else if (key == "scanType") values = {"PACKAGE"};
    else if (key == "ecrRepositoryName") values = {r.repository};
    else if (key == "ecrImageTags") values = r.tags;
    else if (key == "lastScannedAt") {
      range = true;
      number = r.last_scanned_at;
    } else {
      // EC2, Lambda and code-repository fields, pull and in-use dates: no registry resource has
      // them, so a filter on them keeps nothing.
      return false;
    }
    if (range) {
      if (!RangeListMatches(list, number, "startInclusive", "endInclusive")) return false;
      continue;
    }
    if (key == "ecrImageTags" && r.resource_type != "AWS_ECR_CONTAINER_IMAGE") return false;
    if (!StringListMatches(list, values)) return false;
  }
  return true;
}

Json CoverageJson(const CoverageRecord& r) {
  Json j{{"resourceType", r.resource_type},
         {"resourceId", r.resource_id},
         {"accountId", r.account_id},
         {"scanType", "PACKAGE"},
         {"scanStatus", {{"statusCode", r.status_code}, {"reason", r.reason}}}};
  if (r.resource_type == "AWS_ECR_REPOSITORY") {
    Json repo{{"name", r.repository}};
    if (!r.scan_frequency.empty()) repo["scanFrequency"] = r.scan_frequency;
    j["resourceMetadata"] = {{"ecrRepository", repo}};
  } else {
    j["resourceMetadata"] = {{"ecrRepository", {{"name", r.repository}}},
                             {"ecrImage", {{"tags", r.tags}}}};
  }
  if (r.last_scanned_at) j["lastScannedAt"] = *r.last_scanned_at;
  return j;
}

Status ValidateResourceCriteria(const Json& criteria, const std::string& field) {
  if (criteria.is_null()) return Status::Ok();
  if (!criteria.is_object()) return FieldError(field, Shown(criteria), "Member must be a structure");
  static const std::set<std::string> kString = {"accountId", "resourceId", "resourceType",
                                                "ecrRepositoryName", "lambdaFunctionName",
                                                "ecrImageTags"};
  static const std::set<std::string> kMap = {"ec2InstanceTags", "lambdaFunctionTags"};
  for (const auto& [key, value] : criteria.items()) {
    const std::string f = field + "." + key;
    if (!kString.contains(key) && !kMap.contains(key)) return FieldError(f, Shown(value), "Unknown member");
    ASSIGN_OR_RETURN(const Json* list, FilterList(criteria, key, f));
    if (kString.contains(key)) {
      RETURN_IF_ERROR(CheckStringFilters(*list, f, {"EQUALS", "NOT_EQUALS"}, 1024));
    } else {
      RETURN_IF_ERROR(CheckMapFilters(*list, f));
    }
  }
  return Status::Ok();
}

bool ResourceMatches(const Json& criteria, const CoverageRecord& image) {
  if (!criteria.is_object()) return true;
  for (const auto& [key, list] : criteria.items()) {
    std::vector<std::string> values;
    if (key == "accountId") values = {image.account_id};
    else if (key == "resourceId") values = {image.resource_id};
    else if (key == "resourceType") values = {image.resource_type};
    else if (key == "ecrRepositoryName") values = {image.repository};
    else if (key == "ecrImageTags") values = image.tags;
    else return false;  // Lambda names, EC2 and Lambda tags: not registry resources
    if (!StringListMatches(list, values)) return false;
  }
  return true;
}

Json Destination::ToJson() const {
  Json j{{"bucketName", bucket}, {"kmsKeyArn", kms_key_arn}};
  if (!prefix.empty()) j["keyPrefix"] = prefix;
  return j;
}

Result<Destination> ParseDestination(const Json& in, const std::string& field) {
  if (!in.contains(field) || in[field].is_null()) return FieldError(field, "null", "Member must not be null");
  const Json& d = in[field];
  if (!d.is_object()) return FieldError(field, Shown(d), "Member must be a structure");
  Destination out;
  auto str = [&](const char* key, bool required, std::string& into) -> Status {
    if (!d.contains(key) || d[key].is_null()) {
      return required ? FieldError(field + "." + key, "null", "Member must not be null") : Status::Ok();
    }
    if (!d[key].is_string()) return FieldError(field + "." + key, Shown(d[key]), "Member must be a string");
    into = d[key].get<std::string>();
    return Status::Ok();
  };
  RETURN_IF_ERROR(str("bucketName", true, out.bucket));
  RETURN_IF_ERROR(str("keyPrefix", false, out.prefix));
  RETURN_IF_ERROR(str("kmsKeyArn", true, out.kms_key_arn));
  // S3 bucket naming: 3-63 of [a-z0-9.-], starting and ending with a letter or digit, no "..".
  static const std::regex kBucket("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  if (!std::regex_match(out.bucket, kBucket) || out.bucket.find("..") != std::string::npos) {
    return FieldError(field + ".bucketName", Shown(d["bucketName"]),
                      "Member must be an S3 bucket name: 3 to 63 characters of [a-z0-9.-], "
                      "starting and ending with a letter or digit");
  }
  if (out.prefix.size() > 1024) {
    return FieldError(field + ".keyPrefix", Shown(d["keyPrefix"]),
                      "Member must have length less than or equal to 1024");
  }
  static const std::regex kPrefixChars("[A-Za-z0-9!_.*'()/-]*");
  if (!std::regex_match(out.prefix, kPrefixChars)) {
    return FieldError(field + ".keyPrefix", Shown(d["keyPrefix"]),
                      "Member must use only the characters A-Z a-z 0-9 ! _ . * ' ( ) / -");
  }
  while (out.prefix.ends_with('/')) out.prefix.pop_back();
  if (out.prefix.starts_with('/')) {
    return FieldError(field + ".keyPrefix", Shown(d["keyPrefix"]), "Member must not start with '/'");
  }
  // No empty, "." or ".." segment: the prefix stays below the bucket's directory.
  size_t start = 0;
  while (!out.prefix.empty() && start <= out.prefix.size()) {
    const size_t slash = out.prefix.find('/', start);
    const std::string segment = out.prefix.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return FieldError(field + ".keyPrefix", Shown(d["keyPrefix"]),
                        "Member must not contain empty, '.' or '..' path segments");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (out.kms_key_arn.empty()) {
    return FieldError(field + ".kmsKeyArn", "", "Member must have length greater than or equal to 1");
  }
  return out;
}

bool LooksLikeReportId(const std::string& id) {
  static const std::regex kId(".*\\b[a-f0-9]{8}\\b-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-\\b[a-f0-9]{12}\\b.*");
  return id.size() <= 256 && std::regex_match(id, kId);
}

}  // namespace surveyor::api::inspector
