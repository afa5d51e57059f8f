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
