#include "findings/query.h"

#include <map>
#include <set>

#include "findings/row.h"
#include "findings/store.h"

namespace surveyor::findings {
namespace {

// A member of the finding's own JSON (row.h), as an SQL expression over a `findings` row.
std::string Body(const char* path) {
  return "json_extract(" + std::string(kFindingBody) + ", '" + path + "')";
}
// The elements of an array of it, as a table.
std::string BodyEach(const std::string& path) {
  return "json_each(" + std::string(kFindingBody) + ", '" + path + "')";
}

Status Invalid(std::string message) {
  return InvalidArgument(std::move(message), "ValidationException");
}

enum class FilterKind { kString, kDate, kNumber, kMap, kPackage, kPort };

// How a filter field reads a finding: a column, a JSON path, or a JSON array to search.
struct FieldSpec {
  FilterKind kind;
  std::string expr;        // SQL expression for scalar fields
  std::string array_path;  // JSON path of an array for multi-valued fields
  bool date_ms = false;    // the column holds milliseconds (API dates are epoch seconds)
};

// Fields held in the finding's score row (row.h): a column of the join where the statement has
// one, a sub-select where it has not (UPDATE).
std::string ScoreExpr(std::string_view field, bool joined) {
  auto column = [&](const char* name) {
    return joined ? std::string("finding_scores.") + name : ScoreColumn(name);
  };
  if (field == "severity") return column("severity");
  if (field == "inspectorScore") return column("inspector_score");
  if (field == "updatedAt") return "max(findings.updated, " + column("updated") + ")";
  return "";
}

const std::map<std::string, FieldSpec, std::less<>>& Fields() {
  static const std::map<std::string, FieldSpec, std::less<>> kFields = {
      {"findingArn", {FilterKind::kString, "arn", ""}},
      {"awsAccountId", {FilterKind::kString, Body("$.awsAccountId"), ""}},
      {"findingType", {FilterKind::kString, "'PACKAGE_VULNERABILITY'", ""}},
      {"severity", {FilterKind::kString, "", ""}},  // ScoreExpr
      {"firstObservedAt", {FilterKind::kDate, "first_observed", "", true}},
      {"lastObservedAt", {FilterKind::kDate, "last_observed", "", true}},
      {"updatedAt", {FilterKind::kDate, "", "", true}},  // ScoreExpr
      {"findingStatus", {FilterKind::kString, "status", ""}},
      {"title", {FilterKind::kString, "title", ""}},
      {"inspectorScore", {FilterKind::kNumber, "", ""}},  // ScoreExpr
      {"epssScore", {FilterKind::kNumber, "epss", ""}},
      {"resourceType", {FilterKind::kString, "'AWS_ECR_CONTAINER_IMAGE'", ""}},
      {"resourceId", {FilterKind::kString, Body("$.resources[0].id"), ""}},
      {"resourceTags", {FilterKind::kMap, "", "$.resources[0].tags"}},
      {"ecrImagePushedAt",
       {FilterKind::kDate,
        Body("$.resources[0].details.awsEcrContainerImage.pushedAt"), ""}},
      {"ecrImageArchitecture",
       {FilterKind::kString,
        Body("$.resources[0].details.awsEcrContainerImage.architecture"), ""}},
      {"ecrImageRegistry",
       {FilterKind::kString,
        Body("$.resources[0].details.awsEcrContainerImage.registry"), ""}},
      {"ecrImageRepositoryName", {FilterKind::kString, "repository", ""}},
      {"ecrImageTags",
       {FilterKind::kString, "", "$.resources[0].details.awsEcrContainerImage.imageTags"}},
      {"ecrImageHash", {FilterKind::kString, "image_digest", ""}},
      {"vulnerabilityId", {FilterKind::kString, "vulnerability_id", ""}},
      {"vulnerabilitySource",
       {FilterKind::kString, Body("$.packageVulnerabilityDetails.source"), ""}},
      {"vendorSeverity",
       {FilterKind::kString,
        Body("$.packageVulnerabilityDetails.vendorSeverity"), ""}},
      {"relatedVulnerabilities",
       {FilterKind::kString, "", "$.packageVulnerabilityDetails.relatedVulnerabilities"}},
      {"vulnerablePackages",
       {FilterKind::kPackage, "", "$.packageVulnerabilityDetails.vulnerablePackages"}},
      {"fixAvailable", {FilterKind::kString, "fix_available", ""}},
      {"exploitAvailable", {FilterKind::kString, "exploit_available", ""}},
      // Filters for resources this registry never has: valid, and they match nothing.
      {"ec2InstanceImageId", {FilterKind::kString, "NULL", ""}},
      {"ec2InstanceVpcId", {FilterKind::kString, "NULL", ""}},
      {"ec2InstanceSubnetId", {FilterKind::kString, "NULL", ""}},
      {"portRange", {FilterKind::kPort, "NULL", ""}},
      {"networkProtocol", {FilterKind::kString, "NULL", ""}},
      {"componentId", {FilterKind::kString, "NULL", ""}},
      {"componentType", {FilterKind::kString, "NULL", ""}},
      {"lambdaFunctionName", {FilterKind::kString, "NULL", ""}},
      {"lambdaFunctionLayers", {FilterKind::kString, "NULL", ""}},
      {"lambdaFunctionRuntime", {FilterKind::kString, "NULL", ""}},
      {"lambdaFunctionLastModifiedAt", {FilterKind::kDate, "NULL", ""}},
      {"lambdaFunctionExecutionRoleArn", {FilterKind::kString, "NULL", ""}},
      {"ecrImageLastInUseAt", {FilterKind::kDate, "NULL", ""}},
      {"ecrImageInUseCount", {FilterKind::kNumber, "NULL", ""}},
  };
  return kFields;
}

using Sql = SqlCondition;

Status CheckString(const Json& f, const std::string& where, bool allow_prefix = true) {
  if (!f.is_object()) return Invalid(where + " must be an object");
  auto comparison = GetString(f, "comparison");
  if (!comparison) return Invalid(where + ".comparison is required");
  if (*comparison != "EQUALS" && *comparison != "NOT_EQUALS" &&
      !(allow_prefix && *comparison == "PREFIX")) {
    return Invalid("Value '" + *comparison + "' at '" + where +
                   ".comparison' failed to satisfy constraint: Member must satisfy enum value set: "
                   "[EQUALS, PREFIX, NOT_EQUALS]");
  }
  auto value = GetString(f, "value");
  if (!value) return Invalid(where + ".value is required");
  if (value->empty() || value->size() > 1024) {
    return Invalid(where + ".value must be 1 to 1024 characters");
  }
  return Status::Ok();
}

Status CheckRange(const Json& f, const std::string& where, const char* lo, const char* hi) {
  if (!f.is_object()) return Invalid(where + " must be an object");
  for (const auto& [k, v] : f.items()) {
    if (k != lo && k != hi) return Invalid(where + " has an unknown member '" + k + "'");
    if (!v.is_number()) return Invalid(where + "." + k + " must be a number");
  }
  return Status::Ok();
}

std::string StringPredicate(Sql& sql, const std::string& expr, const Json& f) {
  const std::string c = f["comparison"];
  const std::string v = f["value"];
  if (c == "EQUALS") return expr + " = " + sql.Param(v);
  if (c == "NOT_EQUALS") return "(" + expr + " IS NULL OR " + expr + " != " + sql.Param(v) + ")";
  // PREFIX: a range on the column keeps indexes usable and is exact for any byte string.
  return "substr(" + expr + ", 1, " + std::to_string(v.size()) + ") = " + sql.Param(v);
}

// Within one field: EQUALS/PREFIX entries are ORed, NOT_EQUALS entries ANDed (SPEC §7.2).
std::string StringListPredicate(Sql& sql, const std::string& expr, const Json& list) {
  std::vector<std::string> any, all;
  for (const Json& f : list) {
    (f["comparison"] == "NOT_EQUALS" ? all : any).push_back(StringPredicate(sql, expr, f));
  }
  std::string out;
  if (!any.empty()) {
    out = "(";
    for (size_t i = 0; i < any.size(); ++i) out += (i ? " OR " : "") + any[i];
    out += ")";
  }
  for (const auto& p : all) out += (out.empty() ? "" : " AND ") + p;
  return out;
}

std::string RangePredicate(Sql& sql, const std::string& expr, const Json& f, const char* lo,
                           const char* hi, double scale) {
  std::string out = "(" + expr + " IS NOT NULL";
  if (f.contains(lo)) out += " AND " + expr + " >= " + sql.Param(f[lo].get<double>() * scale);
  if (f.contains(hi)) out += " AND " + expr + " <= " + sql.Param(f[hi].get<double>() * scale);
  return out + ")";
}

// `joined`: the statement joins finding_scores (kFindingFrom, kFindingScoreJoin).
Result<std::string> CompileWhere(const FilterCriteria& c, Sql& sql, bool joined,
                                 bool status_as_active = false) {
  std::vector<std::string> clauses;
  for (const auto& [field, list] : c.raw.items()) {
    FieldSpec spec = Fields().find(field)->second;
    if (std::string score = ScoreExpr(field, joined); !score.empty()) spec.expr = std::move(score);
    if (status_as_active && field == "findingStatus") spec.expr = "'ACTIVE'";
    std::vector<std::string> parts;
    switch (spec.kind) {
      case FilterKind::kString:
        if (!spec.array_path.empty()) {
          // Multi-valued: some element satisfies the field's combined predicate.
          parts.push_back("EXISTS (SELECT 1 FROM " + BodyEach(spec.array_path) + " WHERE " +
                          StringListPredicate(sql, "value", list) + ")");
        } else {
          parts.push_back(StringListPredicate(sql, spec.expr, list));
        }
        break;
      case FilterKind::kDate:
        for (const Json& f : list) {
          parts.push_back(RangePredicate(sql, spec.expr, f, "startInclusive", "endInclusive",
                                         spec.date_ms ? 1000.0 : 1.0));
        }
        break;
      case FilterKind::kNumber:
        for (const Json& f : list) {
          parts.push_back(RangePredicate(sql, spec.expr, f, "lowerInclusive", "upperInclusive", 1));
        }
        break;
      case FilterKind::kPort:
        parts.push_back("0");
        break;
      case FilterKind::kMap:
        for (const Json& f : list) {
          std::string p = "EXISTS (SELECT 1 FROM " + BodyEach(spec.array_path) +
                          " WHERE key = " + sql.Param(f["key"].get<std::string>());
          if (f.contains("value")) p += " AND value = " + sql.Param(f["value"].get<std::string>());
          parts.push_back(p + ")");
        }
        break;
      case FilterKind::kPackage: {
        std::vector<std::string> any;
        for (const Json& f : list) {
          // All given sub-filters must hold for one vulnerable package.
          std::string p = "EXISTS (SELECT 1 FROM " + BodyEach(spec.array_path) + " AS pkg WHERE 1";
          for (const auto& [k, v] : f.items()) {
            const std::string member = "json_extract(pkg.value, '$." +
                                       std::string(k == "architecture" ? "arch" : k) + "')";
            if (k == "epoch") {
              p += " AND " + RangePredicate(sql, member, v, "lowerInclusive", "upperInclusive", 1);
            } else {
              p += " AND " + StringPredicate(sql, member, v);
            }
          }
          any.push_back(p + ")");
        }
        std::string joined = "(";
        for (size_t i = 0; i < any.size(); ++i) joined += (i ? " OR " : "") + any[i];
        parts.push_back(joined + ")");
        break;
      }
    }
    // Several date or number filters of one field are ORed ranges.
    if (spec.kind == FilterKind::kDate || spec.kind == FilterKind::kNumber ||
        spec.kind == FilterKind::kMap) {
      std::string joined = "(";
      for (size_t i = 0; i < parts.size(); ++i) joined += (i ? " OR " : "") + parts[i];
      clauses.push_back(joined + ")");
    } else {
      for (auto& p : parts) clauses.push_back(std::move(p));
    }
  }
  std::string where;
  for (size_t i = 0; i < clauses.size(); ++i) where += (i ? " AND " : "") + clauses[i];
  return where.empty() ? std::string("1") : where;
}

}  // namespace

std::string SqlCondition::Param(Json v) {
  params.push_back(std::move(v));
  return "?" + std::to_string(params.size());
}

Result<SqlCondition> CompileAnyOf(const std::vector<FilterCriteria>& criteria,
                                  bool status_as_active) {
  SqlCondition sql;
  if (criteria.empty()) {
    sql.text = "0";
    return sql;
  }
  for (size_t i = 0; i < criteria.size(); ++i) {
    ASSIGN_OR_RETURN(std::string where,
                     CompileWhere(criteria[i], sql, /*joined=*/false, status_as_active));
    sql.text += (i ? " OR (" : "(") + where + ")";
  }
  return sql;
}

void BindParams(store::Statement& stmt, const std::vector<Json>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    if (params[i].is_string()) stmt.Bind(index, params[i].get<std::string>());
    else if (params[i].is_number_integer()) stmt.Bind(index, params[i].get<int64_t>());
    else stmt.BindDouble(index, params[i].get<double>());
  }
}

namespace {

std::string SortExpr(const std::string& field) {
  static const std::map<std::string, std::string> kSort = {
      {"AWS_ACCOUNT_ID", Body("$.awsAccountId")},
      {"FINDING_TYPE", "'PACKAGE_VULNERABILITY'"},
      {"SEVERITY", "finding_scores.severity_rank"},
      {"FIRST_OBSERVED_AT", "first_observed"},
      {"LAST_OBSERVED_AT", "last_observed"},
      {"FINDING_STATUS", "status"},
      {"RESOURCE_TYPE", "'AWS_ECR_CONTAINER_IMAGE'"},
      {"ECR_IMAGE_PUSHED_AT",
       Body("$.resources[0].details.awsEcrContainerImage.pushedAt")},
      {"ECR_IMAGE_REPOSITORY_NAME", "repository"},
      {"ECR_IMAGE_REGISTRY",
       Body("$.resources[0].details.awsEcrContainerImage.registry")},
      {"NETWORK_PROTOCOL", "''"},
      {"COMPONENT_TYPE", "''"},
      {"VULNERABILITY_ID", "vulnerability_id"},
      {"VULNERABILITY_SOURCE", Body("$.packageVulnerabilityDetails.source")},
      {"INSPECTOR_SCORE", "coalesce(finding_scores.inspector_score, -1)"},
      {"VENDOR_SEVERITY",
       "coalesce(" + Body("$.packageVulnerabilityDetails.vendorSeverity") + ", '')"},
      {"EPSS_SCORE", "coalesce(epss, -1)"},
  };
  auto it = kSort.find(field);
  return it == kSort.end() ? "" : it->second;
}

// Tokens: the query's fingerprint plus the last row's sort value and id, hex-encoded JSON.
std::string EncodeToken(const Json& t) { return HexEncode(DumpJson(t)); }
Result<Json> DecodeToken(const std::string& token) {
  if (token.size() % 2 != 0 || token.size() > 8192) return Invalid("nextToken is not valid");
  std::string raw;
  for (size_t i = 0; i < token.size(); i += 2) {
    auto hex = [](char c) -> int {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    const int hi = hex(token[i]), lo = hex(token[i + 1]);
    if (hi < 0 || lo < 0) return Invalid("nextToken is not valid");
    raw += static_cast<char>(hi * 16 + lo);
  }
  auto j = ParseJson(raw);
  if (!j.ok() || !j->is_object()) return Invalid("nextToken is not valid");
  return *j;
}

}  // namespace

Result<FilterCriteria> ParseFilterCriteria(const Json& criteria) {
  FilterCriteria out;
  if (criteria.is_null()) return out;
  if (!criteria.is_object()) return Invalid("filterCriteria must be an object");
  for (const auto& [field, list] : criteria.items()) {
    const std::string where = "filterCriteria." + field;
    auto it = Fields().find(field);
    if (it == Fields().end()) return Invalid("Unknown member " + where);
    if (!list.is_array() || list.empty() || list.size() > 10) {
      return Invalid(where + " must be a list of 1 to 10 filters");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string w = where + "[" + std::to_string(i) + "]";
      const Json& f = list[i];
      switch (it->second.kind) {
        case FilterKind::kString: RETURN_IF_ERROR(CheckString(f, w)); break;
        case FilterKind::kDate:
          RETURN_IF_ERROR(CheckRange(f, w, "startInclusive", "endInclusive"));
          break;
        case FilterKind::kNumber:
          RETURN_IF_ERROR(CheckRange(f, w, "lowerInclusive", "upperInclusive"));
          break;
        case FilterKind::kPort: RETURN_IF_ERROR(CheckRange(f, w, "beginInclusive", "endInclusive")); break;
        case FilterKind::kMap: {
          if (!f.is_object() || GetString(f, "comparison") != "EQUALS") {
            return Invalid(w + ".comparison must be EQUALS");
          }
          auto key = GetString(f, "key");
          if (!key || key->empty() || key->size() > 128) return Invalid(w + ".key must be 1 to 128 characters");
          if (f.contains("value") && !f["value"].is_string()) return Invalid(w + ".value must be a string");
          break;
        }
        case FilterKind::kPackage: {
          if (!f.is_object()) return Invalid(w + " must be an object");
          static const std::set<std::string> kMembers = {
              "name", "version", "epoch", "release", "architecture", "sourceLayerHash",
              "sourceLambdaLayerArn", "filePath"};
          for (const auto& [k, v] : f.items()) {
            if (!kMembers.count(k)) return Invalid(w + " has an unknown member '" + k + "'");
            if (k == "epoch") {
              RETURN_IF_ERROR(CheckRange(v, w + ".epoch", "lowerInclusive", "upperInclusive"));
            } else {
              RETURN_IF_ERROR(CheckString(v, w + "." + k));
            }
          }
          break;
        }
      }
    }
  }
  out.raw = criteria;
  return out;
}

Result<SortCriteria> ParseSortCriteria(const Json& sort) {
  SortCriteria out;
  if (sort.is_null()) return out;
  auto field = GetString(sort, "field");
  auto order = GetString(sort, "sortOrder");
  if (!field || SortExpr(*field).empty()) return Invalid("sortCriteria.field is not a SortField");
  if (!order || (*order != "ASC" && *order != "DESC")) {
    return Invalid("sortCriteria.sortOrder must be ASC or DESC");
  }
  out.field = *field;
  out.descending = *order == "DESC";
  return out;
}

Result<Page> ListFindings(store::Database& db, const FilterCriteria& filter,
                          const SortCriteria& sort, int max_results, const std::string& token) {
  if (max_results < 1 || max_results > 100) return Invalid("maxResults must be 1 to 100");
  Sql sql;
  ASSIGN_OR_RETURN(std::string where, CompileWhere(filter, sql, /*joined=*/true));
  const std::string expr = SortExpr(sort.field);
  // A sort on a score row's column is ordered by score row first (its findings together) and
  // by finding within it: the score rows' index and findings(score_id, ...) deliver that order
  // without sorting all findings (row.h).
  const bool by_score_row = sort.field == "SEVERITY" || sort.field == "INSPECTOR_SCORE";
  const std::string fingerprint =
      ComputeDigest(DumpJson(filter.raw) + "|" + sort.field + (sort.descending ? "D" : "A")).hex().substr(0, 16);
  const char* cmp = sort.descending ? "<" : ">";
  if (!token.empty()) {
    ASSIGN_OR_RETURN(Json t, DecodeToken(token));
    if (GetString(t, "q").value_or("") != fingerprint) {
      return Invalid("nextToken does not belong to this query (filters or sort changed)");
    }
    // Keyset continuation: rows strictly after (value[, score row], row id) in the sort order.
    if (!t.contains("i") || !t["i"].is_number_integer() ||
        (by_score_row && (!t.contains("s") || !t["s"].is_number_integer()))) {
      return Invalid("nextToken is not valid");
    }
    const std::string v = sql.Param(t["v"]);
    const std::string i = sql.Param(t["i"].get<int64_t>());
    if (by_score_row) {
      const std::string sid = sql.Param(t["s"].get<int64_t>());
      where += " AND ((" + expr + "), finding_scores.id, findings.id) " + cmp + " (" + v + ", " +
               sid + ", " + i + ")";
    } else {
      where += " AND ((" + expr + ") " + cmp + " " + v + " OR ((" + expr + ") = " + v +
               " AND findings.id " + cmp + " " + i + "))";
    }
  }
  const std::string order = sort.descending ? "DESC" : "ASC";
  // Ties are broken by row id: stable, and the indexes end with it, so that one image's findings
  // sit together in them (re-evaluation rewrites them together).
  sql.text = std::string("SELECT ") + kFindingColumns + ", (" + expr +
             "), findings.id, finding_scores.id FROM " +
             (by_score_row ? kFindingFrom : kFindingFromFindingsFirst) + " WHERE " + where +
             " ORDER BY (" + expr + ") " + order +
             (by_score_row ? ", finding_scores.id " + order : std::string()) + ", findings.id " +
             order + " LIMIT " + std::to_string(max_results + 1);
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql.text));
  BindParams(stmt, sql.params);
  Page page;
  Json last_value;
  int64_t last_id = 0, last_score_row = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(page.findings.size()) == max_results) {
      Json t = {{"q", fingerprint}, {"v", last_value}, {"i", last_id}};
      if (by_score_row) t["s"] = last_score_row;
      page.next_token = EncodeToken(t);
      break;
    }
    ASSIGN_OR_RETURN(Json j, ReadFinding(stmt));
    page.findings.push_back(std::move(j));
    constexpr int kValue = kFindingColumnCount, kId = kFindingColumnCount + 1,
                  kScoreRow = kFindingColumnCount + 2;
    last_score_row = stmt.ColumnInt(kScoreRow);
    last_value = stmt.ColumnIsNull(kValue) ? Json("") : [&]() -> Json {
      auto text = stmt.ColumnText(kValue);
      char* end = nullptr;
      const double d = std::strtod(text.c_str(), &end);
      if (end != text.c_str() && *end == '\0') return d;
      return text;
    }();
    last_id = stmt.ColumnInt(kId);
  }
  return page;
}

Result<Json> Aggregate(store::Database& db, std::string_view type, const FilterCriteria& filter,
                       int max_results, const std::string& token) {
  struct Group {
    std::string key_sql;
    std::vector<std::string> members;  // response member names, one per key column
    const char* response;
  };
  static const std::map<std::string, Group, std::less<>> kGroups = {
      {"REPOSITORY", {"repository", {"repository"}, "repositoryAggregation"}},
      {"AWS_ECR_CONTAINER",
       {"repository || char(31) || image_digest", {"repository", "imageSha"},
        "awsEcrContainerAggregation"}},
      {"PACKAGE", {"package_name", {"packageName"}, "packageAggregation"}},
      {"TITLE", {"title || char(31) || vulnerability_id", {"title", "vulnerabilityId"},
                 "titleAggregation"}},
      {"IMAGE_LAYER",
       {"repository || char(31) || image_digest || char(31) || coalesce(" +
            Body("$.packageVulnerabilityDetails.vulnerablePackages[0].sourceLayerHash") + ", '')",
        {"repository", "resourceId", "layerHash"}, "imageLayerAggregation"}},
      {"FINDING_TYPE", {"'PACKAGE_VULNERABILITY'", {"findingType"}, "findingTypeAggregation"}},
      {"ACCOUNT", {Body("$.awsAccountId"), {"accountId"}, "accountAggregation"}},
  };
  auto g = kGroups.find(type);
  if (g == kGroups.end()) return Invalid("aggregationType '" + std::string(type) + "' is not supported");
  if (max_results < 1 || max_results > 100) return Invalid("maxResults must be 1 to 100");
  int64_t offset = 0;
  if (!token.empty()) {
    ASSIGN_OR_RETURN(Json t, DecodeToken(token));
    if (GetString(t, "t").value_or("") != type || !t.contains("o") || !t["o"].is_number_integer()) {
      return Invalid("nextToken does not belong to this aggregation");
    }
    offset = t["o"].get<int64_t>();
  }
  Sql sql;
  ASSIGN_OR_RETURN(std::string where, CompileWhere(filter, sql, /*joined=*/true));
  sql.text = std::string("SELECT ") + g->second.key_sql +
             " AS k, count(*), sum(finding_scores.severity = 'CRITICAL'), "
             "sum(finding_scores.severity = 'HIGH'), sum(finding_scores.severity = 'MEDIUM') "
             "FROM " + kFindingScoreJoin + " WHERE " +
             (filter.raw.contains("findingStatus") ? std::string() : "status = 'ACTIVE' AND ") + where +
             " GROUP BY k ORDER BY 3 DESC, 4 DESC, 5 DESC, 2 DESC, k LIMIT " +
             std::to_string(max_results + 1) + " OFFSET " + std::to_string(offset);
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql.text));
  BindParams(stmt, sql.params);
  Json responses = Json::array();
  bool more = false;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (static_cast<int>(responses.size()) == max_results) {
      more = true;
      break;
    }
    Json entry = Json::object();
    const std::string key = stmt.ColumnText(0);
    size_t start = 0;
    for (size_t i = 0; i < g->second.members.size(); ++i) {
      const size_t sep = key.find('\x1f', start);
      entry[g->second.members[i]] = key.substr(start, sep == std::string::npos ? std::string::npos
                                                                             : sep - start);
      start = sep == std::string::npos ? key.size() : sep + 1;
    }
    entry["severityCounts"] = {{"all", stmt.ColumnInt(1)}, {"critical", stmt.ColumnInt(2)},
                               {"high", stmt.ColumnInt(3)}, {"medium", stmt.ColumnInt(4)}};
    responses.push_back({{g->second.response, entry}});
  }
  Json out = {{"aggregationType", std::string(type)}, {"responses", responses}};
  if (more) out["nextToken"] = EncodeToken({{"t", std::string(type)}, {"o", offset + max_results}});
  return out;
}

}  // namespace surveyor::findings
