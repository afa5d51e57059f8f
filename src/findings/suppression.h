// Suppression rules: Inspector2 filters whose action is SUPPRESS, over the same FilterCriteria as
// ListFindings. A finding that is ACTIVE and matches any rule becomes SUPPRESSED; a SUPPRESSED one
// that matches none becomes ACTIVE again; CLOSED findings are never touched (a CLOSED finding that
// reopens is then judged like a new one). The rule set is stored in the findings track
// (`finding_suppression_rules`) so that Reconcile can give new and reopened findings their status
// at birth. Thread-safe through the Database lock; joins the caller's transaction if one is open.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "findings/query.h"
#include "findings/store.h"
#include "store/sqlite.h"

namespace surveyor::findings {

struct SuppressionRule {
  std::string arn;
  FilterCriteria criteria;
};

// The SUPPRESS rules of a filter list as the Inspector2 API stores it
// ([{"arn", "action", "criteria", ...}]); filters with action NONE are not rules. Criteria that
// do not validate give InvalidArgument (ValidationException) naming the filter and the field.
Result<std::vector<SuppressionRule>> SuppressionRulesFromFilters(const Json& filters);

// Makes `rules` the rule set and moves every open finding to the status it implies. Returns the
// findings whose status changed (as kUpdated, with their new JSON), for events. When the rule
// set is the stored one already, nothing is re-evaluated.
Result<std::vector<FindingChange>> ApplySuppressionRules(store::Database& db,
                                                         const std::vector<SuppressionRule>& rules,
                                                         TimePoint now);

// Re-evaluates one image's open findings against the stored rule set (Reconcile calls this
// before it commits). Empty when no rule is stored.
Result<std::vector<FindingChange>> ApplyStoredSuppression(store::Database& db,
                                                          std::string_view repository,
                                                          std::string_view digest, TimePoint now);
// The same for the open findings of one score row (a re-scored vulnerability, row.h).
Result<std::vector<FindingChange>> ApplyStoredSuppressionToScore(store::Database& db,
                                                                 int64_t score_id, TimePoint now);

}  // namespace surveyor::findings
