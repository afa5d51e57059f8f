#include "findings/store.h"

#include <map>
#include <set>

#include "findings/maybe_transaction.h"
#include "findings/suppression.h"

namespace surveyor::findings {
namespace {

struct Existing {
  int64_t id;
  std::string arn;
  std::string status;
  std::string fingerprint;
  int64_t first_observed;
  int64_t last_observed;
};

Status RewriteFinding(store::Database& db, int64_t id, const Json& finding, const std::string& status,
                      int64_t last_observed, int64_t updated) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE findings SET status = ?, last_observed = ?, "
                                         "updated = ?, finding = ? WHERE id = ?"));
  stmt.Bind(1, status).Bind(2, last_observed).Bind(3, updated).Bind(4, DumpJson(finding)).Bind(5, id);
  return stmt.Run();
}

}  // namespace

const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "findings", R"sql(
CREATE TABLE findings (
  id INTEGER PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  repository TEXT NOT NULL,
  image_digest TEXT NOT NULL,
  finding_key TEXT NOT NULL,
  vulnerability_id TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  inspector_score REAL,
  epss REAL,
  fix_available TEXT NOT NULL,
  exploit_available TEXT NOT NULL,
  package_manager TEXT,
  package_name TEXT,
  first_observed INTEGER NOT NULL,
  last_observed INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  fingerprint TEXT NOT NULL,
  finding TEXT NOT NULL,
  UNIQUE (repository, image_digest, finding_key)
);
CREATE INDEX findings_status_severity ON findings(status, severity_rank, arn);
CREATE INDEX findings_repository ON findings(repository, status, severity_rank, arn);
CREATE INDEX findings_image ON findings(repository, image_digest, status);
CREATE INDEX findings_score ON findings(coalesce(inspector_score, -1), arn);
CREATE INDEX findings_last_observed ON findings(last_observed, arn);
CREATE INDEX findings_first_observed ON findings(first_observed, arn);
CREATE INDEX findings_vulnerability ON findings(vulnerability_id, status);
)sql"},
      {2, "findings: suppression rules", R"sql(
CREATE TABLE finding_suppression_rules (
  arn TEXT PRIMARY KEY,
  criteria TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
  };
  return kMigrations;
}

Status Migrate(store::Database& db) { return db.Migrate("findings", Migrations()); }

std::string_view ChangeName(Change c) {
  switch (c) {
    case Change::kCreated: return "CREATED";
    case Change::kUpdated: return "UPDATED";
    case Change::kClosed: return "CLOSED";
    case Change::kReopened: return "REOPENED";
  }
  return "UPDATED";
}

int SeverityRank(std::string_view s) {
  if (s == "CRITICAL") return 5;
  if (s == "HIGH") return 4;
  if (s == "MEDIUM") return 3;
  if (s == "LOW") return 2;
  if (s == "INFORMATIONAL") return 1;
  return 0;
}

Result<ReconcileResult> Reconcile(store::Database& db, const ImageContext& image,
                                  const std::vector<FindingFacts>& facts, TimePoint now,
                                  std::chrono::milliseconds observed_granularity) {
  MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  const int64_t now_ms = ToUnixMillis(now);
  std::map<std::string, Existing> existing;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT id, arn, status, fingerprint, first_observed, "
                                           "finding_key, last_observed FROM findings WHERE repository = ? AND "
                                           "image_digest = ?"));
    stmt.Bind(1, image.repository).Bind(2, image.digest);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      existing[stmt.ColumnText(5)] = {stmt.ColumnInt(0), stmt.ColumnText(1), stmt.ColumnText(2),
                                      stmt.ColumnText(3), stmt.ColumnInt(4), stmt.ColumnInt(6)};
    }
  }
  ReconcileResult result;
  std::set<std::string> present;
  for (const FindingFacts& f : facts) {
    present.insert(f.key);
    auto it = existing.find(f.key);
    if (it == existing.end()) {
      const std::string arn = FindingArn(image, f.key);
      Json finding = FindingJson(f, image, arn, "ACTIVE", now, now, now);
      ASSIGN_OR_RETURN(auto stmt, db.Prepare(
          "INSERT INTO findings(arn, repository, image_digest, finding_key, vulnerability_id, "
          "title, status, severity, severity_rank, inspector_score, epss, fix_available, "
          "exploit_available, package_manager, package_name, first_observed, last_observed, "
          "updated, fingerprint, finding) VALUES (?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, "
          "?, ?, ?, ?, ?, ?)"));
      stmt.Bind(1, arn).Bind(2, image.repository).Bind(3, image.digest).Bind(4, f.key)
          .Bind(5, f.vulnerability_id).Bind(6, f.title).Bind(7, f.severity)
          .Bind(8, static_cast<int64_t>(SeverityRank(f.severity)));
      if (f.inspector_score >= 0) stmt.BindDouble(9, f.inspector_score); else stmt.BindNull(9);
      if (f.epss >= 0) stmt.BindDouble(10, f.epss); else stmt.BindNull(10);
      stmt.Bind(11, f.fix_available).Bind(12, f.exploit_available).Bind(13, f.package_manager)
          .Bind(14, f.package_name).Bind(15, now_ms).Bind(16, now_ms).Bind(17, now_ms)
          .Bind(18, f.fingerprint).Bind(19, DumpJson(finding));
      RETURN_IF_ERROR(stmt.Run());
      result.changes.push_back({Change::kCreated, std::move(finding)});
      ++result.active;
      continue;
    }
    const Existing& e = it->second;
    const bool reopened = e.status == "CLOSED";
    const bool changed = e.fingerprint != f.fingerprint;
    const std::string status = reopened ? "ACTIVE" : e.status;
    ++result.active;
    if (!reopened && !changed) {
      if (now_ms - e.last_observed < observed_granularity.count()) continue;
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE findings SET last_observed = ? WHERE id = ?"));
      stmt.Bind(1, now_ms).Bind(2, e.id);
      RETURN_IF_ERROR(stmt.Run());
      continue;
    }
    Json finding = FindingJson(f, image, e.arn, status, FromEpochSeconds(e.first_observed / 1000.0),
                               now, now);
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        "UPDATE findings SET status = ?, title = ?, severity = ?, severity_rank = ?, "
        "inspector_score = ?, epss = ?, fix_available = ?, exploit_available = ?, "
        "package_manager = ?, package_name = ?, last_observed = ?, updated = ?, fingerprint = ?, "
        "finding = ? WHERE id = ?"));
    stmt.Bind(1, status).Bind(2, f.title).Bind(3, f.severity)
        .Bind(4, static_cast<int64_t>(SeverityRank(f.severity)));
    if (f.inspector_score >= 0) stmt.BindDouble(5, f.inspector_score); else stmt.BindNull(5);
    if (f.epss >= 0) stmt.BindDouble(6, f.epss); else stmt.BindNull(6);
    stmt.Bind(7, f.fix_available).Bind(8, f.exploit_available).Bind(9, f.package_manager)
        .Bind(10, f.package_name).Bind(11, now_ms).Bind(12, now_ms).Bind(13, f.fingerprint)
        .Bind(14, DumpJson(finding)).Bind(15, e.id);
    RETURN_IF_ERROR(stmt.Run());
    result.changes.push_back({reopened ? Change::kReopened : Change::kUpdated, std::move(finding)});
  }
  for (const auto& [key, e] : existing) {
    if (present.count(key) || e.status == "CLOSED") continue;
    ASSIGN_OR_RETURN(auto read, db.Prepare("SELECT finding FROM findings WHERE id = ?"));
    read.Bind(1, e.id);
    ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) continue;
    auto finding = ParseJson(read.ColumnText(0));
    if (!finding.ok()) return DataLoss("stored finding " + e.arn + " is not JSON");
    (*finding)["status"] = "CLOSED";
    (*finding)["updatedAt"] = ToEpochSeconds(now);
    RETURN_IF_ERROR(RewriteFinding(db, e.id, *finding, "CLOSED", now_ms, now_ms));
    result.changes.push_back({Change::kClosed, std::move(*finding)});
  }
  // Suppression rules decide the status of what was just created, reopened or changed (and of
  // what no longer matches after a change); the reported change carries the final status.
  ASSIGN_OR_RETURN(auto moved, ApplyStoredSuppression(db, image.repository, image.digest, now));
  for (auto& m : moved) {
    bool merged = false;
    for (auto& c : result.changes) {
      if (c.finding["findingArn"] == m.finding["findingArn"]) {
        c.finding = m.finding;
        merged = true;
      }
    }
    if (!merged) result.changes.push_back(std::move(m));
  }
  RETURN_IF_ERROR(tx.Commit());
  return result;
}

Result<ReconcileResult> CloseImage(store::Database& db, const ImageContext& image, TimePoint now) {
  return Reconcile(db, image, {}, now);
}

Result<SeveritySummary> SummarizeImage(store::Database& db, std::string_view repository,
                                       std::string_view digest) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT severity, count(*) FROM findings WHERE "
                                         "repository = ? AND image_digest = ? AND status = "
                                         "'ACTIVE' GROUP BY severity"));
  stmt.Bind(1, repository).Bind(2, digest);
  SeveritySummary s;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    const std::string sev = stmt.ColumnText(0);
    const int n = static_cast<int>(stmt.ColumnInt(1));
    if (sev == "CRITICAL") s.critical = n;
    else if (sev == "HIGH") s.high = n;
    else if (sev == "MEDIUM") s.medium = n;
    else if (sev == "LOW") s.low = n;
    else if (sev == "INFORMATIONAL") s.informational = n;
    else s.untriaged += n;
  }
  return s;
}

Result<std::vector<Json>> ImageFindings(store::Database& db, std::string_view repository,
                                        std::string_view digest, bool include_closed) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(
      include_closed
          ? "SELECT finding FROM findings WHERE repository = ? AND image_digest = ? ORDER BY "
            "severity_rank DESC, vulnerability_id, id"
          : "SELECT finding FROM findings WHERE repository = ? AND image_digest = ? AND status != "
            "'CLOSED' ORDER BY severity_rank DESC, vulnerability_id, id"));
  stmt.Bind(1, repository).Bind(2, digest);
  std::vector<Json> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    auto j = ParseJson(stmt.ColumnText(0));
    if (j.ok()) out.push_back(std::move(*j));
  }
  return out;
}

}  // namespace surveyor::findings
