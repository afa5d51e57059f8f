#include "findings/row.h"

namespace surveyor::findings {

Result<Json> ReadFinding(store::Statement& stmt, int first) {
  auto finding = ParseJson(stmt.ColumnText(first));
  if (!finding.ok() || !finding->is_object()) return DataLoss("a stored finding is not JSON");
  Json& j = *finding;
  if (!stmt.ColumnIsNull(first + 1)) {
    auto text = ParseJson(stmt.ColumnText(first + 1));
    if (!text.ok()) return DataLoss("a stored finding text is not JSON");
    j.merge_patch(*text);
  }
  j["status"] = stmt.ColumnText(first + 2);
  j["title"] = stmt.ColumnText(first + 3);
  j["severity"] = stmt.ColumnText(first + 4);
  if (stmt.ColumnIsNull(first + 5)) j.erase("inspectorScore");
  else j["inspectorScore"] = stmt.ColumnDouble(first + 5);
  if (stmt.ColumnIsNull(first + 6)) j.erase("epss");
  else j["epss"] = {{"score", stmt.ColumnDouble(first + 6)}};
  j["fixAvailable"] = stmt.ColumnText(first + 7);
  j["exploitAvailable"] = stmt.ColumnText(first + 8);
  j["firstObservedAt"] = static_cast<double>(stmt.ColumnInt(first + 9)) / 1000.0;
  j["lastObservedAt"] = static_cast<double>(stmt.ColumnInt(first + 10)) / 1000.0;
  j["updatedAt"] = static_cast<double>(stmt.ColumnInt(first + 11)) / 1000.0;
  return finding;
}

Result<Json> ReadFindingById(store::Database& db, int64_t id) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(std::string("SELECT ") + kFindingColumns + " FROM " +
                                         kFindingFrom + " WHERE findings.id = ?"));
  stmt.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return NotFound("finding " + std::to_string(id) + " is gone");
  return ReadFinding(stmt);
}

Json StoredFindingJson(const FindingFacts& facts, const ImageContext& image,
                       const std::string& arn) {
  FindingFacts own = facts;
  own.text.reset();
  Json j = FindingJson(own, image, arn, "", TimePoint{}, TimePoint{}, TimePoint{});
  for (const char* member : {"status", "title", "severity", "inspectorScore", "epss",
                             "fixAvailable", "exploitAvailable", "firstObservedAt",
                             "lastObservedAt", "updatedAt"}) {
    j.erase(member);
  }
  return j;
}

}  // namespace surveyor::findings
