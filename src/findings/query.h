// Finding queries as Inspector2 defines them (SPEC §7.2, §7.4): FilterCriteria parsed and
// validated (errors name the field, for ValidationException), compiled to SQL over the findings
// table (JSON fields through SQLite's JSON1), every SortField, keyset pagination tokens that
// replay (the same token returns the same page while the data is unchanged), and aggregations
// with severity counts. Thread-safe through the Database lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "store/sqlite.h"

namespace surveyor::findings {

struct FilterCriteria {
  Json raw = Json::object();  // validated filterCriteria document
};

// Validates `criteria` (the API's filterCriteria object). InvalidArgument with domain code
// ValidationException and a message naming the member ("filterCriteria.severity[0].comparison").
Result<FilterCriteria> ParseFilterCriteria(const Json& criteria);

// The SQL condition a set of criteria compiles to, over the `findings` table, with positional
// parameters (?1, ?2, ...) to bind in order; Param() appends one more. For the findings component
// itself (suppression rules reuse the ListFindings compiler).
struct SqlCondition {
  std::string text;
  std::vector<Json> params;  // strings and numbers
  std::string Param(Json v);
};
// ORs the criteria ("0" for none; "1" for an empty criteria object). With `status_as_active`,
// findingStatus filters are evaluated as if every finding were ACTIVE: a suppression rule that
// names findingStatus must not stop matching the findings it has just suppressed.
Result<SqlCondition> CompileAnyOf(const std::vector<FilterCriteria>& criteria,
                                  bool status_as_active);
void BindParams(store::Statement& stmt, const std::vector<Json>& params);

struct SortCriteria {
  std::string field = "SEVERITY";  // a SortField
  bool descending = true;
};
Result<SortCriteria> ParseSortCriteria(const Json& sort);

struct Page {
  std::vector<Json> findings;
  std::optional<std::string> next_token;
};

// One page of findings. `token` continues a previous page of the same query; a token from a
// different query is rejected (ValidationException).
Result<Page> ListFindings(store::Database& db, const FilterCriteria& filter,
                          const SortCriteria& sort, int max_results, const std::string& token);

// ListFindingAggregations: REPOSITORY, AWS_ECR_CONTAINER, PACKAGE, TITLE, IMAGE_LAYER,
// FINDING_TYPE, ACCOUNT. Each response holds the group's key members and severityCounts
// {all, critical, high, medium}, most critical first; ACTIVE findings unless the filter says
// which statuses.
Result<Json> Aggregate(store::Database& db, std::string_view type, const FilterCriteria& filter,
                       int max_results, const std::string& token);

}  // namespace surveyor::findings
