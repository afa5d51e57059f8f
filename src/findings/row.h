// How a finding is stored and read back. A `findings` row holds columns for what is the
// finding's own and changes or is filtered on (status, fix, exploit, EPSS, title, timestamps), the
// key of its vulnerability's shared text (finding_texts) and the id of its score row
// (finding_scores: severity and Inspector score). The finding's own JSON (identity, resource,
// packages, remediation) sits in finding_bodies under the same id. Reading overlays the columns
// and merges the text, so a changed status or description never rewrites the finding's JSON.
// Score rows are shared. A "live" row (findings of images under continuous scanning) follows the
// advisory: a re-scored vulnerability is one row write, however many findings show it. A
// "frozen" row (findings of images scanned on push or manually, and closed findings) never
// changes. A finding's updatedAt is the later of its own update and its score row's.
// Readers outside src/findings select with these too.
#pragma once

#include <string>

#include "common/json.h"
#include "findings/finding.h"
#include "store/sqlite.h"

namespace surveyor::findings {

// The columns ReadFinding reads, in order, and the FROM clause they need (findings joined with
// their text). Column names of `findings` stay unambiguous in conditions built on top.
inline constexpr const char* kFindingColumns =
    "finding_bodies.finding, finding_texts.body, findings.status, findings.title, "
    "finding_scores.severity, finding_scores.inspector_score, findings.epss, "
    "findings.fix_available, findings.exploit_available, findings.first_observed, "
    "findings.last_observed, max(findings.updated, finding_scores.updated)";
inline constexpr int kFindingColumnCount = 12;
inline constexpr const char* kFindingFrom =
    "findings JOIN finding_scores ON finding_scores.id = findings.score_id "
    "LEFT JOIN finding_bodies ON finding_bodies.id = findings.id "
    "LEFT JOIN finding_texts ON finding_texts.key = findings.text_key";
// The same with `findings` as the outer loop (SQLite's CROSS JOIN fixes the order): for pages
// sorted by a column of `findings`, whose index then gives the order, where the planner would
// rather walk the score rows of a filtered severity and sort all their findings.
inline constexpr const char* kFindingFromFindingsFirst =
    "findings CROSS JOIN finding_scores ON finding_scores.id = findings.score_id "
    "LEFT JOIN finding_bodies ON finding_bodies.id = findings.id "
    "LEFT JOIN finding_texts ON finding_texts.key = findings.text_key";
// The same join for statements over `findings` alone (aggregations).
inline constexpr const char* kFindingScoreJoin =
    "findings JOIN finding_scores ON finding_scores.id = findings.score_id";
// The finding's own JSON as an expression over a `findings` row, for conditions that look
// inside it in any statement (UPDATE and aggregations have no join).
inline constexpr const char* kFindingBody =
    "(SELECT finding FROM finding_bodies WHERE finding_bodies.id = findings.id)";
// A column of the finding's score row as an expression over a `findings` row (UPDATE has no join).
inline std::string ScoreColumn(const char* column) {
  return std::string("(SELECT ") + column +
         " FROM finding_scores WHERE finding_scores.id = findings.score_id)";
}

// The wire-shape Finding from a row selected with kFindingColumns starting at `first`.
Result<Json> ReadFinding(store::Statement& stmt, int first = 0);

// One finding by row id (NotFound when it is gone). The caller holds the lock.
Result<Json> ReadFindingById(store::Database& db, int64_t id);

// The part of a finding JSON that is stored in the row: without the overlaid members and the
// shared text (which FindingJson merged in).
Json StoredFindingJson(const FindingFacts& facts, const ImageContext& image,
                       const std::string& arn);

}  // namespace surveyor::findings
