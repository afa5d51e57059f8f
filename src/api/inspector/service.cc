#include "api/inspector/service.h"

#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "api/inspector/filter_criteria.h"
#include "events/scan_resource_change.h"
#include "events/outbox.h"
#include "findings/suppression.h"
#include "registry/repository_settings.h"
#include "scan/eligibility.h"

namespace surveyor::api::inspector {
namespace {

constexpr char kAccountKey[] = "inspector.account";
constexpr char kConfigKey[] = "inspector.configuration";
constexpr char kFiltersKey[] = "inspector.filters";

const std::vector<std::string> kResourceTypes = {"EC2", "ECR", "LAMBDA", "LAMBDA_CODE",
                                                 "CODE_REPOSITORY"};
// ResourceStatus/ResourceState member for each resource type.
const std::map<std::string, std::string> kResourceMember = {
    {"EC2", "ec2"}, {"ECR", "ecr"}, {"LAMBDA", "lambda"}, {"LAMBDA_CODE", "lambdaCode"},
    {"CODE_REPOSITORY", "codeRepository"}};

struct Route {
  const char* method;
  const char* path;
  const char* op;
};
constexpr Route kRoutes[] = {
    {"POST", "/enable", "Enable"},
    {"POST", "/disable", "Disable"},
    {"POST", "/status/batch/get", "BatchGetAccountStatus"},
    {"POST", "/configuration/get", "GetConfiguration"},
    {"POST", "/configuration/update", "UpdateConfiguration"},
    {"POST", "/filters/create", "CreateFilter"},
    {"POST", "/filters/update", "UpdateFilter"},
    {"POST", "/filters/list", "ListFilters"},
    {"POST", "/filters/delete", "DeleteFilter"},
    {"POST", "/findings/list", "ListFindings"},
    {"POST", "/findings/aggregation/list", "ListFindingAggregations"},
    {"POST", "/findings/details/batch/get", "BatchGetFindingDetails"},
    {"POST", "/coverage/list", "ListCoverage"},
    {"POST", "/coverage/statistics/list", "ListCoverageStatistics"},
    {"POST", "/reporting/create", "CreateFindingsReport"},
    {"POST", "/reporting/status/get", "GetFindingsReportStatus"},
    {"POST", "/reporting/cancel", "CancelFindingsReport"},
    {"POST", "/sbomexport/create", "CreateSbomExport"},
    {"POST", "/sbomexport/get", "GetSbomExport"},
    {"POST", "/sbomexport/cancel", "CancelSbomExport"},
};

// Saves the filter list and applies its SUPPRESS rules to the findings in one transaction; each
// finding whose status moves is announced as an "Inspector2 Finding" event (AWS emits one for
// every change to a finding's state).
Status SaveFiltersAndSuppress(const InspectorDeps& d, const char* key, const Json& filters) {
  store::Transaction tx(d.db);
  RETURN_IF_ERROR(tx.begin_status());
  RETURN_IF_ERROR(registry::PutRegistrySetting(d.db, key, DumpJson(filters)));
  ASSIGN_OR_RETURN(auto rules, findings::SuppressionRulesFromFilters(filters));
  ASSIGN_OR_RETURN(auto changes, findings::ApplySuppressionRules(d.db, rules, d.clock.Now()));
  const events::BusIdentity bus{d.context.account_id, d.context.region, &d.clock};
  for (const auto& c : changes) RETURN_IF_ERROR(events::Enqueue(d.db, events::FindingEvent(bus, c.finding)));
  return tx.Commit();
}

// Operations that only read findings and resources (or queue exports): no settings mutex.
bool ReadsFindings(const std::string& op) {
  return op.starts_with("List") ? op != "ListFilters" && op != "ListTagsForResource"
                                : op.find("Report") != std::string::npos ||
                                      op.find("Sbom") != std::string::npos ||
                                      op == "BatchGetFindingDetails";
}

using aws::OptString;
using aws::ReqString;
using aws::Validation;

Result<std::string> Enum(const Json& in, const char* field, const std::vector<std::string>& values,
                         bool required) {
  if (!in.contains(field) || in[field].is_null()) {
    if (required) return Validation(field, "null", "Member must not be null");
    return std::string();
  }
  const Json& v = in[field];
  const std::string s = v.is_string() ? v.get<std::string>() : DumpJson(v);
  for (const auto& e : values) {
    if (e == s) return s;
  }
  std::string set;
  for (const auto& e : values) set += (set.empty() ? "" : ", ") + e;
  return Validation(field, s, "Member must satisfy enum value set: [" + set + "]");
}

Result<std::vector<std::string>> ResourceTypes(const Json& in, bool required) {
  std::vector<std::string> out;
  const Json* list = GetArray(in, "resourceTypes");
  if (!list) {
    if (required) return Validation("resourceTypes", "null", "Member must not be null");
    return out;
  }
  if ((required && list->empty()) || list->size() > 5) {
    return Validation("resourceTypes", std::to_string(list->size()) + " items",
                      "Member must have length between 1 and 5");
  }
  for (size_t i = 0; i < list->size(); ++i) {
    Json one{{"resourceTypes." + std::to_string(i + 1) + ".member", (*list)[i]}};
    ASSIGN_OR_RETURN(auto t, Enum(one, ("resourceTypes." + std::to_string(i + 1) + ".member").c_str(),
                                  kResourceTypes, true));
    out.push_back(t);
  }
  return out;
}

Status CheckAccountIds(const Json& in, const std::string& account) {
  const Json* ids = GetArray(in, "accountIds");
  if (!ids) return Status::Ok();
  if (ids->size() > 100) {
    return Validation("accountIds", std::to_string(ids->size()) + " items",
                      "Member must have length less than or equal to 100");
  }
  static const std::regex kPattern("\\d{12}");
  for (size_t i = 0; i < ids->size(); ++i) {
    const Json& id = (*ids)[i];
    if (!id.is_string() || !std::regex_match(id.get<std::string>(), kPattern)) {
      return Validation("accountIds." + std::to_string(i + 1) + ".member",
                        id.is_string() ? id.get<std::string>() : DumpJson(id),
                        "Member must satisfy regular expression pattern: \\d{12}");
    }
    if (id.get<std::string>() != account) {
      return InvalidArgument("account " + id.get<std::string>() + " is not this server's account " +
                                 account,
                             "AccessDeniedException");
    }
  }
  return Status::Ok();
}

Json ResourceStatus(const Json& account) {
  Json out = Json::object();
  for (const auto& [type, member] : kResourceMember) {
    out[member] = account.value(type, std::string("DISABLED"));
  }
  return out;
}

std::string OverallStatus(const Json& account) {
  for (const auto& [type, member] : kResourceMember) {
    if (account.value(type, std::string("DISABLED")) == "ENABLED") return "ENABLED";
  }
  return "DISABLED";
}

std::string RandomId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

// Inspector's ECR scanning is the registry's ENHANCED scan type (AWS: activating it switches the
// registry from basic to enhanced scanning; deactivating switches it back). A switch starts from
// no rules: ENHANCED then scans every repository continuously, BASIC leaves them all MANUAL.
// Nothing changes when the registry already scans that way.
Status SetRegistryScanType(store::Database& db, const std::string& scan_type) {
  ASSIGN_OR_RETURN(registry::ScanningConfiguration now, surveyor::events::ScanningInForce(db));
  if (now.scan_type == scan_type) return Status::Ok();
  registry::ScanningConfiguration next;
  next.scan_type = scan_type;
  return registry::SaveScanningConfiguration(db, next);
}

Status CheckTagsMap(const Json& tags, const std::string& field) {
  if (!tags.is_object()) return Validation(field, DumpJson(tags), "Member must be a map");
  if (tags.size() > 50) {
    return Validation(field, std::to_string(tags.size()) + " entries",
                      "Member must have length less than or equal to 50");
  }
  for (const auto& [k, v] : tags.items()) {
    if (k.empty() || k.size() > 128) return Validation(field, k, "Map keys must have length between 1 and 128");
    if (!v.is_string() || v.get<std::string>().size() > 256) {
      return Validation(field + "." + k, DumpJson(v), "Map values must be strings of at most 256 characters");
    }
  }
  return Status::Ok();
}

}  // namespace

InspectorService::InspectorService(InspectorDeps deps) : d_(std::move(deps)) {
  exports_ = std::make_unique<ExportRunner>(d_.db, d_.scanner, d_.export_dir, d_.context, d_.clock);
}

InspectorService::~InspectorService() = default;

std::string InspectorService::OperationFor(const http::Request& request) {
  if (request.headers.Get("X-Amz-Target")) return "";
  for (const auto& r : kRoutes) {
    if (request.method_name == r.method && request.path == r.path) return r.op;
  }
  if (request.path.starts_with("/tags/") && request.path.size() > 6) {
    if (request.method == http::Method::kGet) return "ListTagsForResource";
    if (request.method == http::Method::kPost) return "TagResource";
    if (request.method == http::Method::kDelete) return "UntagResource";
  }
  return "";
}

Result<Json> InspectorService::Load(const char* name, Json fallback) {
  ASSIGN_OR_RETURN(auto text, registry::GetRegistrySetting(d_.db, name));
  if (!text) return fallback;
  return ParseJson(*text);
}

Status InspectorService::Save(const char* name, const Json& value) {
  return registry::PutRegistrySetting(d_.db, name, DumpJson(value));
}

http::Response InspectorService::Handle(http::Request& request) {
  auto body = aws::ReadBody(request);
  if (!body.ok()) return aws::RestJsonError(request, "ValidationException", "request body too large");
  auto verified = aws::VerifyRequest(d_.verifier, request, *body, auth::kInspector2Service);
  if (!verified.ok()) {
    return aws::RestJsonError(request, verified.status().domain_code(),
                              verified.status().message());
  }
  auto in = aws::ParseObjectBody(*body, "ValidationException");
  if (!in.ok()) return aws::RestJsonErrorFrom(request, in.status());
  const std::string op = OperationFor(request);
  std::unique_lock lock(mu_, std::defer_lock);
  if (!ReadsFindings(op)) lock.lock();
  auto out = Dispatch(op, *in, request);
  if (!out.ok()) {
    const Status& s = out.status();
    if (s.domain_code() == "ValidationException") {
      // The field is the text between "at '" and the next "'".
      std::string field;
      const size_t at = s.message().find("at '");
      if (at != std::string::npos) {
        const size_t end = s.message().find('\'', at + 4);
        if (end != std::string::npos) field = s.message().substr(at + 4, end - at - 4);
      }
      Json extra{{"reason", "FIELD_VALIDATION_FAILED"}};
      if (!field.empty()) extra["fields"] = Json::array({{{"name", field}, {"message", s.message()}}});
      return aws::RestJsonError(request, "ValidationException", s.message(), extra);
    }
    return aws::RestJsonErrorFrom(request, s);
  }
  return aws::RestJsonOk(request, *out);
}

Result<Json> InspectorService::Dispatch(const std::string& op, const Json& in,
                                        const http::Request& request) {
  if (auto findings = DispatchFindings(op, in)) return std::move(*findings);
  const std::string& account = d_.context.account_id;
  const double now = aws::EpochSeconds(ToUnixMillis(d_.clock.Now()));
  if (op == "Enable" || op == "Disable") {
    ASSIGN_OR_RETURN(auto types, ResourceTypes(in, op == "Enable"));
    RETURN_IF_ERROR(CheckAccountIds(in, account));
    if (op == "Enable") RETURN_IF_ERROR(OptString(in, "clientToken", 1, 64).status());
    ASSIGN_OR_RETURN(Json state, Load(kAccountKey, Json::object()));
    if (op == "Disable" && types.empty()) types = kResourceTypes;
    for (const auto& t : types) state[t] = op == "Enable" ? "ENABLED" : "DISABLED";
    const bool ecr = std::find(types.begin(), types.end(), "ECR") != types.end();
    // Enablement and the registry's scan type change together, with their events.
    RETURN_IF_ERROR(surveyor::events::ChangeScanningWithEvents(
        d_.db, {account, d_.context.region, &d_.clock}, [&]() -> Status {
          RETURN_IF_ERROR(Save(kAccountKey, state));
          return ecr ? SetRegistryScanType(d_.db, op == "Enable" ? "ENHANCED" : "BASIC")
                     : Status::Ok();
        }));
    return Json{{"accounts", Json::array({{{"accountId", account},
                                           {"status", OverallStatus(state)},
                                           {"resourceStatus", ResourceStatus(state)}}})},
                {"failedAccounts", Json::array()}};
  }
  if (op == "BatchGetAccountStatus") {
    RETURN_IF_ERROR(CheckAccountIds(in, account));
    ASSIGN_OR_RETURN(Json state, Load(kAccountKey, Json::object()));
    Json resources = Json::object();
    for (const auto& [type, member] : kResourceMember) {
      resources[member] = {{"status", state.value(type, std::string("DISABLED"))},
                           {"errorCode", "RESOURCE_NOT_FOUND"},
                           {"errorMessage", "none"}};
      if (state.value(type, std::string("DISABLED")) == "ENABLED") {
        resources[member]["errorCode"] = "ALREADY_ENABLED";
        resources[member]["errorMessage"] = "enabled";
      }
    }
    return Json{{"accounts", Json::array({{{"accountId", account},
                                           {"state", {{"status", OverallStatus(state)},
                                                      {"errorCode", "ALREADY_ENABLED"},
                                                      {"errorMessage", "none"}}},
                                           {"resourceState", resources}}})},
                {"failedAccounts", Json::array()}};
  }
  if (op == "GetConfiguration") {
    ASSIGN_OR_RETURN(Json config, Load(kConfigKey, Json{{"rescanDuration", "LIFETIME"}}));
    Json state{{"rescanDuration", config.value("rescanDuration", std::string("LIFETIME"))},
               {"status", "SUCCESS"}};
    if (config.contains("updatedAt")) state["updatedAt"] = config["updatedAt"];
    if (config.contains("pullDateRescanDuration")) state["pullDateRescanDuration"] = config["pullDateRescanDuration"];
    if (config.contains("pullDateRescanMode")) state["pullDateRescanMode"] = config["pullDateRescanMode"];
    return Json{{"ecrConfiguration", {{"rescanDurationState", state}}}};
  }
  if (op == "UpdateConfiguration") {
    const Json* ecr = GetObject(in, "ecrConfiguration");
    if (!ecr) return Validation("ecrConfiguration", "null", "Member must not be null");
    Json wrapped{{"ecrConfiguration.rescanDuration", ecr->value("rescanDuration", Json())}};
    ASSIGN_OR_RETURN(auto duration,
                     Enum(wrapped, "ecrConfiguration.rescanDuration",
                          {"LIFETIME", "DAYS_30", "DAYS_180", "DAYS_14", "DAYS_60", "DAYS_90"}, true));
    Json config{{"rescanDuration", duration}, {"updatedAt", now}};
    if (ecr->contains("pullDateRescanDuration")) {
      Json w{{"ecrConfiguration.pullDateRescanDuration", (*ecr)["pullDateRescanDuration"]}};
      ASSIGN_OR_RETURN(auto v, Enum(w, "ecrConfiguration.pullDateRescanDuration",
                                    {"DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180"}, true));
      config["pullDateRescanDuration"] = v;
    }
    if (ecr->contains("pullDateRescanMode")) {
      Json w{{"ecrConfiguration.pullDateRescanMode", (*ecr)["pullDateRescanMode"]}};
      ASSIGN_OR_RETURN(auto v, Enum(w, "ecrConfiguration.pullDateRescanMode",
                                    {"LAST_PULL_DATE", "LAST_IN_USE_AT"}, true));
      config["pullDateRescanMode"] = v;
    }
    RETURN_IF_ERROR(Save(kConfigKey, config));
    // Images past their new eligibility expire (their findings close) now, not at the next pass.
    RETURN_IF_ERROR(scan::ApplyRescanEligibility(d_.db, d_.clock.Now(),
                                                 {d_.context.account_id, d_.context.region})
                        .status());
    return Json::object();
  }
  const std::string filter_prefix = "arn:aws:inspector2:" + d_.context.region + ":" + account +
                                    ":owner/" + account + "/filter/";
  if (op == "CreateFilter" || op == "UpdateFilter") {
    ASSIGN_OR_RETURN(Json filters, Load(kFiltersKey, Json::array()));
    const bool create = op == "CreateFilter";
    Json* target = nullptr;
    std::string arn;
    if (create) {
      if (filters.size() >= kMaxFilters) {
        return Status(StatusCode::kResourceExhausted, "at most 500 filters",
                      "ServiceQuotaExceededException");
      }
    } else {
      ASSIGN_OR_RETURN(arn, ReqString(in, "filterArn", 1, 128));
      for (auto& f : filters) {
        if (f["arn"] == arn) target = &f;
      }
      if (!target) return NotFound("filter " + arn + " not found", "ResourceNotFoundException");
    }
    ASSIGN_OR_RETURN(auto name, OptString(in, "name", 1, 128));
    if (create && !name) return Validation("name", "null", "Member must not be null");
    ASSIGN_OR_RETURN(auto action, Enum(in, "action", {"NONE", "SUPPRESS"}, create));
    ASSIGN_OR_RETURN(auto description, OptString(in, "description", 1, 512));
    ASSIGN_OR_RETURN(auto reason, OptString(in, "reason", 1, 512));
    const Json* criteria = GetObject(in, "filterCriteria");
    if (create && !in.contains("filterCriteria")) {
      return Validation("filterCriteria", "null", "Member must not be null");
    }
    if (in.contains("filterCriteria")) {
      RETURN_IF_ERROR(ValidateFilterCriteria(in["filterCriteria"], "filterCriteria"));
    }
    if (in.contains("tags")) RETURN_IF_ERROR(CheckTagsMap(in["tags"], "tags"));
    if (name) {
      for (const auto& f : filters) {
        if (f["name"] == *name && &f != target) {
          return InvalidArgument("a filter named '" + *name + "' already exists",
                                 "BadRequestException");
        }
      }
    }
    if (create) {
      arn = filter_prefix + RandomId();
      filters.push_back({{"arn", arn}, {"ownerId", account}, {"createdAt", now}, {"tags", Json::object()}});
      target = &filters.back();
      if (in.contains("tags")) (*target)["tags"] = in["tags"];
    }
    Json& f = *target;
    if (name) f["name"] = *name;
    if (!action.empty()) f["action"] = action;
    if (description) f["description"] = *description;
    if (reason) f["reason"] = *reason;
    if (criteria) f["criteria"] = *criteria;
    f["updatedAt"] = now;
    RETURN_IF_ERROR(SaveFiltersAndSuppress(d_, kFiltersKey, filters));
    return Json{{"arn", arn}};
  }
  if (op == "ListFilters") {
    ASSIGN_OR_RETURN(Json filters, Load(kFiltersKey, Json::array()));
    ASSIGN_OR_RETURN(auto action, Enum(in, "action", {"NONE", "SUPPRESS"}, false));
    std::set<std::string> arns;
    if (const Json* a = GetArray(in, "arns")) {
      for (const Json& x : *a) {
        if (x.is_string()) arns.insert(x.get<std::string>());
      }
    }
    size_t max = 100;
    if (in.contains("maxResults")) {
      const Json& m = in["maxResults"];
      if (!m.is_number_integer() || m.get<int64_t>() < 1 || m.get<int64_t>() > 100) {
        return Validation("maxResults", DumpJson(m), "Member must have value between 1 and 100");
      }
      max = m.get<size_t>();
    }
    size_t offset = 0;
    ASSIGN_OR_RETURN(auto token, OptString(in, "nextToken", 0, 1000000));
    if (token && !token->empty()) {
      ASSIGN_OR_RETURN(offset, aws::ParseOffsetToken(*token, "ValidationException"));
    }
    std::vector<Json> kept;
    for (const auto& f : filters) {
      if (!action.empty() && f.value("action", std::string()) != action) continue;
      if (!arns.empty() && !arns.contains(f["arn"].get<std::string>())) continue;
      kept.push_back(f);
    }
    Json out_list = Json::array();
    for (size_t i = offset; i < kept.size() && i < offset + max; ++i) out_list.push_back(kept[i]);
    Json out{{"filters", out_list}};
    if (offset + max < kept.size()) out["nextToken"] = aws::OffsetToken(offset + max);
    return out;
  }
  if (op == "DeleteFilter") {
    ASSIGN_OR_RETURN(std::string arn, ReqString(in, "arn", 1, 128));
    ASSIGN_OR_RETURN(Json filters, Load(kFiltersKey, Json::array()));
    Json kept = Json::array();
    for (auto& f : filters) {
      if (f["arn"] != arn) kept.push_back(f);
    }
    if (kept.size() == filters.size()) {
      return NotFound("filter not found", "ResourceNotFoundException");
    }
    RETURN_IF_ERROR(SaveFiltersAndSuppress(d_, kFiltersKey, kept));
    return Json{{"arn", arn}};
  }
  if (op == "TagResource" || op == "UntagResource" || op == "ListTagsForResource") {
    const std::string arn = http::PercentDecode(std::string_view(request.path).substr(6));
    ASSIGN_OR_RETURN(Json filters, Load(kFiltersKey, Json::array()));
    Json* target = nullptr;
    for (auto& f : filters) {
      if (f["arn"] == arn) target = &f;
    }
    if (!target) return NotFound("resource " + arn + " not found", "ResourceNotFoundException");
    Json& tags = (*target)["tags"];
    if (!tags.is_object()) tags = Json::object();
    if (op == "ListTagsForResource") return Json{{"tags", tags}};
    if (op == "TagResource") {
      if (!in.contains("tags")) return Validation("tags", "null", "Member must not be null");
      RETURN_IF_ERROR(CheckTagsMap(in["tags"], "tags"));
      for (const auto& [k, v] : in["tags"].items()) tags[k] = v;
      if (tags.size() > 50) return Validation("tags", std::to_string(tags.size()), "at most 50 tags");
    } else {
      // tagKeys=a&tagKeys=b in the query string.
      std::string_view q = request.query;
      bool any = false;
      while (!q.empty()) {
        const size_t amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
        const size_t eq = pair.find('=');
        if (eq == std::string_view::npos || pair.substr(0, eq) != "tagKeys") continue;
        tags.erase(http::PercentDecode(pair.substr(eq + 1)));
        any = true;
      }
      if (!any) return Validation("tagKeys", "null", "Member must not be null");
    }
    RETURN_IF_ERROR(Save(kFiltersKey, filters));
    return Json::object();
  }
  return NotFound("unknown operation", "ResourceNotFoundException");
}

void AddRoutes(http::Router& router, InspectorService& service) {
  router.Add(
      "inspector2", [](const http::Request& r) { return !InspectorService::OperationFor(r).empty(); },
      [&service](http::Request& r) { return service.Handle(r); });
}

}  // namespace surveyor::api::inspector
