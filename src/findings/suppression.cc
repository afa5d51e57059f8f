#include "findings/suppression.h"

#include <optional>
#include <utility>

#include "findings/row.h"

namespace surveyor::findings {
namespace {

// One image's findings, or those of one score row.
struct Scope {
  std::string repository;
  std::string digest;
  std::optional<int64_t> score_id;
};

// Moves one status to the other where the rule condition says so, returning the new findings.
Status MoveStatus(store::Database& db, const std::vector<FilterCriteria>& rules,
                  const std::optional<Scope>& scope, bool to_suppressed, TimePoint now,
                  std::vector<FindingChange>& out) {
  ASSIGN_OR_RETURN(SqlCondition sql, CompileAnyOf(rules, /*status_as_active=*/true));
  // A condition that is NULL (a JSON member missing) is "does not match".
  const std::string matches = "coalesce((" + sql.text + "), 0)";
  const char* from = to_suppressed ? "ACTIVE" : "SUPPRESSED";
  const char* to = to_suppressed ? "SUPPRESSED" : "ACTIVE";
  std::string where = std::string("status = '") + from + "' AND " +
                      (to_suppressed ? matches : "NOT " + matches);
  if (scope && scope->score_id) {
    where += " AND score_id = " + sql.Param(*scope->score_id);
  } else if (scope) {
    where += " AND repository = " + sql.Param(scope->repository) +
             " AND image_digest = " + sql.Param(scope->digest);
  }
  const std::string now_ms = sql.Param(ToUnixMillis(now));
  const std::string text = std::string("UPDATE findings SET status = '") + to +
                           "', updated = " + now_ms + " WHERE " + where + " RETURNING id";
  std::vector<int64_t> moved;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(text));
    BindParams(stmt, sql.params);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      moved.push_back(stmt.ColumnInt(0));
    }
  }
  for (int64_t id : moved) {
    ASSIGN_OR_RETURN(Json finding, ReadFindingById(db, id));
    out.push_back({Change::kUpdated, std::move(finding)});
  }
  return Status::Ok();
}

Result<std::vector<FindingChange>> Reevaluate(store::Database& db,
                                              const std::vector<FilterCriteria>& rules,
                                              const std::optional<Scope>& scope, TimePoint now) {
  std::vector<FindingChange> changes;
  RETURN_IF_ERROR(MoveStatus(db, rules, scope, true, now, changes));
  RETURN_IF_ERROR(MoveStatus(db, rules, scope, false, now, changes));
  return changes;
}

// The stored rule set: (arn, criteria JSON) in ARN order.
Result<std::vector<std::pair<std::string, std::string>>> StoredRules(store::Database& db) {
  std::vector<std::pair<std::string, std::string>> out;
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT arn, criteria FROM finding_suppression_rules "
                                         "ORDER BY arn"));
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.emplace_back(stmt.ColumnText(0), stmt.ColumnText(1));
  }
  return out;
}

Result<std::vector<FindingChange>> ApplyStored(store::Database& db, const Scope& scope,
                                               TimePoint now) {
  store::MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(auto stored, StoredRules(db));
  if (stored.empty()) return std::vector<FindingChange>();
  std::vector<FilterCriteria> criteria;
  for (const auto& [arn, text] : stored) {
    auto json = ParseJson(text);
    if (!json.ok()) return DataLoss("suppression rule " + arn + " is not JSON");
    auto parsed = ParseFilterCriteria(*json);
    if (!parsed.ok()) return DataLoss("suppression rule " + arn + ": " + parsed.status().message());
    criteria.push_back(std::move(*parsed));
  }
  ASSIGN_OR_RETURN(auto changes, Reevaluate(db, criteria, scope, now));
  RETURN_IF_ERROR(tx.Commit());
  return changes;
}

}  // namespace

Result<std::vector<SuppressionRule>> SuppressionRulesFromFilters(const Json& filters) {
  std::vector<SuppressionRule> rules;
  if (filters.is_null()) return rules;
  if (!filters.is_array()) {
    return InvalidArgument("the filter list is not an array", "ValidationException");
  }
  for (const Json& f : filters) {
    if (!f.is_object() || GetString(f, "action").value_or("") != "SUPPRESS") continue;
    const std::string arn = GetString(f, "arn").value_or("");
    if (arn.empty()) return InvalidArgument("a SUPPRESS filter has no arn", "ValidationException");
    auto criteria = ParseFilterCriteria(f.contains("criteria") ? f["criteria"] : Json::object());
    if (!criteria.ok()) {
      return InvalidArgument("filter " + arn + ": " + criteria.status().message(),
                             "ValidationException");
    }
    rules.push_back({arn, std::move(*criteria)});
  }
  return rules;
}

Result<std::vector<FindingChange>> ApplySuppressionRules(store::Database& db,
                                                         const std::vector<SuppressionRule>& rules,
                                                         TimePoint now) {
  store::MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  std::vector<std::pair<std::string, std::string>> wanted;
  for (const auto& r : rules) wanted.emplace_back(r.arn, DumpJson(r.criteria.raw));
  std::sort(wanted.begin(), wanted.end());
  ASSIGN_OR_RETURN(auto stored, StoredRules(db));
  if (stored == wanted) return std::vector<FindingChange>();  // e.g. a NONE filter changed
  RETURN_IF_ERROR(db.Exec("DELETE FROM finding_suppression_rules"));
  for (const auto& [arn, criteria] : wanted) {
    ASSIGN_OR_RETURN(auto add, db.Prepare("INSERT INTO finding_suppression_rules(arn, criteria) "
                                          "VALUES (?, ?)"));
    add.Bind(1, arn).Bind(2, criteria);
    RETURN_IF_ERROR(add.Run());
  }
  std::vector<FilterCriteria> criteria;
  for (const auto& r : rules) criteria.push_back(r.criteria);
  ASSIGN_OR_RETURN(auto changes, Reevaluate(db, criteria, std::nullopt, now));
  RETURN_IF_ERROR(tx.Commit());
  return changes;
}

Result<std::vector<FindingChange>> ApplyStoredSuppression(store::Database& db,
                                                          std::string_view repository,
                                                          std::string_view digest, TimePoint now) {
  return ApplyStored(db, Scope{std::string(repository), std::string(digest), std::nullopt}, now);
}

Result<std::vector<FindingChange>> ApplyStoredSuppressionToScore(store::Database& db,
                                                                 int64_t score_id, TimePoint now) {
  return ApplyStored(db, Scope{"", "", score_id}, now);
}


}  // namespace surveyor::findings
