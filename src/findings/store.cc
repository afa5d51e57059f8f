#include "findings/store.h"

#include <map>
#include <optional>
#include <set>

#include "findings/row.h"
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
  // The columns a match sets, to compare with new facts.
  std::string title, fix_available, exploit_available;
  double epss;  // -1: none
  int64_t score_id;
};

bool SameScalars(const Existing& e, const FindingFacts& f) {
  return e.title == f.title && e.fix_available == f.fix_available &&
         e.exploit_available == f.exploit_available && e.epss == f.epss;
}

constexpr std::string_view kLive = "live|", kFrozen = "frozen|";

std::string ScoreText(double score) { return score < 0 ? "" : std::to_string(score); }

// A score row by key, created with these values when missing; a live row found with other values
// is re-scored (`rescored` says so) and `now_ms` becomes its update time. Frozen keys name their
// values, so they never change, and their rows' update time is 0: frozen rows are shared by
// findings of different histories, whose own update times tell them apart.
struct ScoreRow {
  int64_t id = 0;
  bool rescored = false;
};
// `create`: false leaves a missing row missing (id 0).
Result<ScoreRow> PutScore(store::Database& db, const std::string& key, const std::string& severity,
                          double score, int64_t now_ms, bool create = true) {
  ScoreRow row;
  {
    ASSIGN_OR_RETURN(auto get, db.Prepare("SELECT id, severity, inspector_score FROM "
                                          "finding_scores WHERE key = ?"));
    get.Bind(1, key);
    ASSIGN_OR_RETURN(bool found, get.Step());
    if (found) {
      row.id = get.ColumnInt(0);
      const double stored = get.ColumnIsNull(2) ? -1 : get.ColumnDouble(2);
      if (get.ColumnView(1) == severity && stored == score) return row;
      row.rescored = true;
    } else if (!create) {
      return row;
    }
  }
  ASSIGN_OR_RETURN(auto put, db.Prepare(
      row.rescored ? "UPDATE finding_scores SET severity = ?2, severity_rank = ?3, "
                     "inspector_score = ?4, updated = ?5 WHERE key = ?1"
                   : "INSERT INTO finding_scores(key, severity, severity_rank, inspector_score, "
                     "updated) VALUES (?1, ?2, ?3, ?4, ?5)"));
  put.Bind(1, key).Bind(2, severity).Bind(3, static_cast<int64_t>(SeverityRank(severity)));
  if (score >= 0) put.BindDouble(4, score);
  else put.BindNull(4);
  put.Bind(5, key.starts_with(kFrozen) ? 0 : now_ms);
  RETURN_IF_ERROR(put.Run());
  if (!row.rescored) row.id = db.LastInsertId();
  return row;
}

// Findings the suppression rules moved: a reported change takes the final status, the others
// are reported as they are.
void MergeMoved(std::vector<FindingChange>& changes, std::vector<FindingChange> moved) {
  for (auto& m : moved) {
    bool merged = false;
    for (auto& c : changes) {
      if (!c.finding.is_null() && c.finding["findingArn"] == m.finding["findingArn"]) {
        c.finding = m.finding;
        merged = true;
      }
    }
    if (!merged) changes.push_back(std::move(m));
  }
}

// The latest text of a vulnerability, for every finding of it.
Status PutText(store::Database& db, const SharedText& text) {
  ASSIGN_OR_RETURN(auto put, db.Prepare(
      "INSERT INTO finding_texts(key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
      "body = excluded.body WHERE body != excluded.body"));
  put.Bind(1, text.key).Bind(2, text.body);
  return put.Run();
}

// The key of the frozen row holding these scores for findings of `base` (score_key).
std::string FrozenKey(std::string_view base, const std::string& severity, double score) {
  return std::string(kFrozen) + std::string(base) + "|" + severity + "|" + ScoreText(score);
}

// The frozen row holding what score row `id` holds now (itself when it is frozen).
Result<int64_t> FrozenScore(store::Database& db, int64_t id) {
  std::string key, severity;
  double score = -1;
  {
    ASSIGN_OR_RETURN(auto get, db.Prepare("SELECT key, severity, inspector_score FROM "
                                          "finding_scores WHERE id = ?"));
    get.Bind(1, id);
    ASSIGN_OR_RETURN(bool found, get.Step());
    if (!found) return DataLoss("finding score row " + std::to_string(id) + " is missing");
    key = get.ColumnText(0);
    if (!key.starts_with(kLive)) return id;
    severity = get.ColumnText(1);
    if (!get.ColumnIsNull(2)) score = get.ColumnDouble(2);
  }
  const std::string_view base = std::string_view(key).substr(kLive.size());
  ASSIGN_OR_RETURN(ScoreRow frozen, PutScore(db, FrozenKey(base, severity, score), severity, score,
                                             /*now_ms=*/0));
  return frozen.id;
}

// The open findings of a re-scored live row, as updated findings (the re-score changed them all,
// row.h), except those in `handled` (the caller reports them).
Status ReportRescored(store::Database& db, int64_t score_id, const std::set<int64_t>& handled,
                      std::vector<FindingChange>& out) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(
      std::string("SELECT ") + kFindingColumns + ", findings.id FROM " + kFindingFrom +
      " WHERE findings.score_id = ? AND findings.status != 'CLOSED'"));
  stmt.Bind(1, score_id);
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    if (handled.count(stmt.ColumnInt(kFindingColumnCount))) continue;
    ASSIGN_OR_RETURN(Json finding, ReadFinding(stmt));
    out.push_back({Change::kUpdated, std::move(finding)});
  }
  return Status::Ok();
}

// Whether a finding key "id|ecosystem|package key" names a package of the scope.
bool InScope(const PackageScope& scope, std::string_view key) {
  const size_t a = key.find('|');
  if (a == std::string_view::npos) return false;
  const size_t b = key.find('|', a + 1);
  if (b == std::string_view::npos) return false;
  const std::string_view ecosystem = key.substr(a + 1, b - a - 1), name = key.substr(b + 1);
  for (auto it = scope.lower_bound({std::string(ecosystem), std::string()});
       it != scope.end() && it->first == ecosystem; ++it) {
    if (it->second == name) return true;
  }
  return false;
}

void BindText(store::Statement& stmt, int index, const FindingFacts& f) {
  if (f.text) stmt.Bind(index, f.text->key);
  else stmt.BindNull(index);
}

// Writes a finding's own JSON (row.h: finding_bodies holds it apart from the columns).
Status PutBody(store::Database& db, int64_t id, const Json& body) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO finding_bodies(id, finding) VALUES (?, ?) "
                                         "ON CONFLICT(id) DO UPDATE SET finding = excluded.finding"));
  stmt.Bind(1, id).Bind(2, DumpJson(body));
  return stmt.Run();
}

void BindOptionalNumber(store::Statement& stmt, int index, double value) {
  if (value >= 0) stmt.BindDouble(index, value);
  else stmt.BindNull(index);
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
      {3, "findings: each vulnerability's text stored once (row.h)", R"sql(
ALTER TABLE findings ADD COLUMN text_key TEXT;
CREATE TABLE finding_texts (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX findings_text ON findings(text_key);
)sql"},
      {4, "findings: sort indexes end with the row id, not the ARN (an image's findings together)",
       R"sql(
DROP INDEX findings_status_severity;
DROP INDEX findings_repository;
DROP INDEX findings_score;
DROP INDEX findings_last_observed;
DROP INDEX findings_first_observed;
CREATE INDEX findings_status_severity ON findings(status, severity_rank, id);
CREATE INDEX findings_repository ON findings(repository, status, severity_rank, id);
CREATE INDEX findings_score ON findings(coalesce(inspector_score, -1), id);
CREATE INDEX findings_last_observed ON findings(last_observed, id);
CREATE INDEX findings_first_observed ON findings(first_observed, id);
)sql"},
      {5, "findings: the finding's own JSON in a table of its own, so the rows a re-match updates "
          "are narrow (row.h)",
       R"sql(
CREATE TABLE finding_bodies (
  id INTEGER PRIMARY KEY,
  finding TEXT NOT NULL
);
INSERT INTO finding_bodies(id, finding) SELECT id, finding FROM findings;
ALTER TABLE findings DROP COLUMN finding;
)sql"},
      {6, "findings: severity and score in shared score rows, so a re-scored vulnerability is one "
          "row write (row.h); existing findings keep theirs in frozen rows",
       R"sql(
CREATE TABLE finding_scores (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  inspector_score REAL,
  updated INTEGER NOT NULL
);
INSERT OR IGNORE INTO finding_scores(key, severity, severity_rank, inspector_score, updated)
  SELECT 'frozen|migrated|' || vulnerability_id || '|' || severity || '|' ||
         coalesce(inspector_score, ''), severity, severity_rank, inspector_score, 0
  FROM findings;
ALTER TABLE findings ADD COLUMN score_id INTEGER NOT NULL DEFAULT 0;
UPDATE findings SET score_id = (SELECT id FROM finding_scores WHERE key = 'frozen|migrated|' ||
  findings.vulnerability_id || '|' || findings.severity || '|' ||
  coalesce(findings.inspector_score, ''));
DROP INDEX findings_status_severity;
DROP INDEX findings_repository;
DROP INDEX findings_score;
ALTER TABLE findings DROP COLUMN severity;
ALTER TABLE findings DROP COLUMN severity_rank;
ALTER TABLE findings DROP COLUMN inspector_score;
CREATE INDEX findings_scored ON findings(score_id, status, id);
CREATE INDEX findings_repository ON findings(repository, status, id);
CREATE INDEX finding_scores_rank ON finding_scores(severity_rank, id);
CREATE INDEX finding_scores_score ON finding_scores(coalesce(inspector_score, -1), id);
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
                                  const ReconcileOptions& options) {
  store::MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  const int64_t now_ms = ToUnixMillis(now);
  std::map<std::string, Existing> existing;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        "SELECT id, arn, status, fingerprint, first_observed, finding_key, last_observed, title, "
        "fix_available, exploit_available, epss, score_id FROM findings WHERE repository = ? AND "
        "image_digest = ?"));
    stmt.Bind(1, image.repository).Bind(2, image.digest);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      const std::string_view key = stmt.ColumnView(5);
      if (options.scope != nullptr && !InScope(*options.scope, key)) continue;
      existing[std::string(key)] = {
          stmt.ColumnInt(0),  stmt.ColumnText(1),  stmt.ColumnText(2), stmt.ColumnText(3),
          stmt.ColumnInt(4),  stmt.ColumnInt(6),   stmt.ColumnText(7), stmt.ColumnText(8),
          stmt.ColumnText(9), stmt.ColumnIsNull(10) ? -1 : stmt.ColumnDouble(10),
          stmt.ColumnInt(11)};
    }
  }
  ReconcileResult result;
  std::set<std::string> present;
  std::set<std::string> texts_here;
  std::set<std::string>& texts = options.texts_stored ? *options.texts_stored : texts_here;
  std::map<std::string, int64_t> scores_here;
  std::map<std::string, int64_t>& scores = options.scores_stored ? *options.scores_stored
                                                                 : scores_here;
  // The live rows this call re-scored, and the image's findings it compares or closes (built
  // when a re-score is first reported: the call reports those findings itself).
  std::set<int64_t> rescored_here;
  std::optional<std::set<int64_t>> handled;
  // The score row a fact names, brought up to date.
  auto score_for = [&](const FindingFacts& f) -> Result<int64_t> {
    const std::string& base = f.score_key.empty() ? f.vulnerability_id : f.score_key;
    const std::string key = options.live_scores ? std::string(kLive) + base
                                                : FrozenKey(base, f.severity, f.inspector_score);
    if (auto it = scores.find(key); it != scores.end()) return it->second;
    ASSIGN_OR_RETURN(ScoreRow row, PutScore(db, key, f.severity, f.inspector_score, now_ms));
    scores.emplace(key, row.id);
    if (row.rescored) {
      rescored_here.insert(row.id);
      if (options.describe_changes) {
        if (!handled) {
          handled.emplace();
          for (const auto& [key, e] : existing) handled->insert(e.id);
        }
        RETURN_IF_ERROR(ReportRescored(db, row.id, *handled, result.changes));
      }
    }
    return row.id;
  };
  auto report = [&](Change change, const FindingFacts& f, const std::string& arn,
                    const std::string& status, TimePoint first, TimePoint last_observed) {
    Json finding;
    if (options.describe_changes) {
      finding = FindingJson(f, image, arn, status, first, last_observed, now);
    }
    result.changes.push_back({change, std::move(finding)});
  };
  for (const FindingFacts& f : facts) {
    present.insert(f.key);
    if (f.text && texts.insert(f.text->key).second) RETURN_IF_ERROR(PutText(db, *f.text));
    ASSIGN_OR_RETURN(const int64_t score_id, score_for(f));
    const bool rescored = rescored_here.count(score_id) > 0;
    auto it = existing.find(f.key);
    if (it == existing.end()) {
      const FindingFacts full = WithDetail(f);
      const std::string arn = FindingArn(image, f.key);
      ASSIGN_OR_RETURN(auto stmt, db.Prepare(
          "INSERT INTO findings(arn, repository, image_digest, finding_key, vulnerability_id, "
          "title, status, score_id, epss, fix_available, exploit_available, package_manager, "
          "package_name, first_observed, last_observed, updated, fingerprint, text_key) VALUES "
          "(?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      stmt.Bind(1, arn).Bind(2, image.repository).Bind(3, image.digest).Bind(4, f.key)
          .Bind(5, f.vulnerability_id).Bind(6, f.title).Bind(7, score_id);
      BindOptionalNumber(stmt, 8, f.epss);
      stmt.Bind(9, f.fix_available).Bind(10, f.exploit_available).Bind(11, f.package_manager)
          .Bind(12, f.package_name).Bind(13, now_ms).Bind(14, now_ms).Bind(15, now_ms)
          .Bind(16, f.fingerprint);
      BindText(stmt, 17, f);
      RETURN_IF_ERROR(stmt.Run());
      RETURN_IF_ERROR(PutBody(db, db.LastInsertId(), StoredFindingJson(full, image, arn)));
      report(Change::kCreated, full, arn, "ACTIVE", now, now);
      ++result.active;
      continue;
    }
    const Existing& e = it->second;
    const bool reopened = e.status == "CLOSED";
    const bool detail_changed = e.fingerprint != f.fingerprint;
    const bool scalars_changed = !SameScalars(e, f) || e.score_id != score_id;
    const std::string status = reopened ? "ACTIVE" : e.status;
    ++result.active;
    if (!reopened && !detail_changed && !scalars_changed) {
      const bool observe = now_ms - e.last_observed >= options.observed_granularity.count();
      if (rescored) {
        // The re-scored live row changed this finding without a write to its own row.
        report(Change::kUpdated, options.describe_changes ? WithDetail(f) : f, e.arn, status,
               FromEpochSeconds(e.first_observed / 1000.0),
               observe ? now : FromEpochSeconds(e.last_observed / 1000.0));
      }
      if (!observe) continue;
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE findings SET last_observed = ? WHERE id = ?"));
      stmt.Bind(1, now_ms).Bind(2, e.id);
      RETURN_IF_ERROR(stmt.Run());
      continue;
    }
    // What a match sets; the finding's own JSON only when it changed (a re-scored advisory
    // changes a score row, not the finding).
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        detail_changed
            ? "UPDATE findings SET status = ?1, title = ?2, score_id = ?3, epss = ?6, "
              "fix_available = ?7, exploit_available = ?8, last_observed = ?9, updated = ?9, "
              "package_manager = ?10, package_name = ?11, fingerprint = ?12, text_key = ?13 "
              "WHERE id = ?14"
            : "UPDATE findings SET status = ?1, title = ?2, score_id = ?3, epss = ?6, "
              "fix_available = ?7, exploit_available = ?8, last_observed = ?9, updated = ?9 "
              "WHERE id = ?14"));
    stmt.Bind(1, status).Bind(2, f.title).Bind(3, score_id);
    BindOptionalNumber(stmt, 6, f.epss);
    stmt.Bind(7, f.fix_available).Bind(8, f.exploit_available).Bind(9, now_ms);
    const bool need_detail = detail_changed || options.describe_changes;
    const FindingFacts full = need_detail ? WithDetail(f) : FindingFacts();
    if (detail_changed) {
      stmt.Bind(10, f.package_manager).Bind(11, f.package_name).Bind(12, f.fingerprint);
      BindText(stmt, 13, f);
    }
    stmt.Bind(14, e.id);
    RETURN_IF_ERROR(stmt.Run());
    if (detail_changed) RETURN_IF_ERROR(PutBody(db, e.id, StoredFindingJson(full, image, e.arn)));
    report(reopened ? Change::kReopened : Change::kUpdated, need_detail ? full : f, e.arn, status,
           FromEpochSeconds(e.first_observed / 1000.0), now);
  }
  for (const auto& [key, e] : existing) {
    if (present.count(key) || e.status == "CLOSED") continue;
    // A closed finding shows the scores it had: it no longer follows the advisory.
    ASSIGN_OR_RETURN(const int64_t frozen, FrozenScore(db, e.score_id));
    ASSIGN_OR_RETURN(auto close, db.Prepare("UPDATE findings SET status = 'CLOSED', "
                                            "last_observed = ?, updated = ?, score_id = ? "
                                            "WHERE id = ?"));
    close.Bind(1, now_ms).Bind(2, now_ms).Bind(3, frozen).Bind(4, e.id);
    RETURN_IF_ERROR(close.Run());
    Json finding;
    if (options.describe_changes) {
      ASSIGN_OR_RETURN(finding, ReadFindingById(db, e.id));
    }
    result.changes.push_back({Change::kClosed, std::move(finding)});
  }
  // Suppression rules decide the status of what was just created, reopened or changed (and of
  // what no longer matches after a change); the reported change carries the final status.
  ASSIGN_OR_RETURN(auto moved, ApplyStoredSuppression(db, image.repository, image.digest, now));
  MergeMoved(result.changes, std::move(moved));
  RETURN_IF_ERROR(tx.Commit());
  return result;
}

Result<int64_t> DeleteUnusedSharedRows(store::Database& db) {
  auto lock = db.Lock();
  RETURN_IF_ERROR(db.Exec("DELETE FROM finding_texts WHERE NOT EXISTS (SELECT 1 FROM findings "
                          "WHERE findings.text_key = finding_texts.key)"));
  int64_t deleted = static_cast<int64_t>(db.Changes());
  RETURN_IF_ERROR(db.Exec("DELETE FROM finding_scores WHERE NOT EXISTS (SELECT 1 FROM findings "
                          "WHERE findings.score_id = finding_scores.id)"));
  return deleted + static_cast<int64_t>(db.Changes());
}

Result<std::vector<std::string>> VulnerabilitySources(store::Database& db,
                                                      const std::string& vulnerability_id) {
  auto lock = db.Lock();
  // Keys "live|<id>|<source>" and "<id>|<source>": ranges of the unique indexes ('}' follows '|').
  const std::string live = std::string(kLive) + vulnerability_id;
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(
      "SELECT substr(key, ?3) FROM finding_scores WHERE key > ?1 || '|' AND key < ?1 || '}' "
      "UNION SELECT substr(key, ?4) FROM finding_texts WHERE key > ?2 || '|' AND key < ?2 || '}'"));
  stmt.Bind(1, live).Bind(2, vulnerability_id)
      .Bind(3, static_cast<int64_t>(live.size() + 2))
      .Bind(4, static_cast<int64_t>(vulnerability_id.size() + 2));
  std::vector<std::string> sources;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    sources.push_back(stmt.ColumnText(0));
  }
  return sources;
}

Result<bool> AnyLiveScores(store::Database& db) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM finding_scores WHERE key >= 'live|' AND "
                                         "key < 'live}' LIMIT 1"));
  return stmt.Step();
}

Status FreezeScores(store::Database& db, std::string_view repository) {
  store::MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  std::vector<int64_t> live;
  {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        "SELECT DISTINCT score_id FROM findings WHERE repository = ? AND score_id IN (SELECT id "
        "FROM finding_scores WHERE key >= 'live|' AND key < 'live}')"));
    stmt.Bind(1, repository);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      live.push_back(stmt.ColumnInt(0));
    }
  }
  for (int64_t id : live) {
    ASSIGN_OR_RETURN(const int64_t frozen, FrozenScore(db, id));
    // The findings' updatedAt stays what the live row made it (frozen rows carry none).
    ASSIGN_OR_RETURN(auto repoint, db.Prepare(
        "UPDATE findings SET updated = max(updated, (SELECT updated FROM finding_scores WHERE "
        "id = ?2)), score_id = ?3 WHERE repository = ?1 AND score_id = ?2"));
    repoint.Bind(1, repository).Bind(2, id).Bind(3, frozen);
    RETURN_IF_ERROR(repoint.Run());
  }
  return tx.Commit();
}

Result<ReconcileResult> Rescore(store::Database& db, const VulnerabilityScore& score,
                                TimePoint now, bool describe_changes) {
  store::MaybeTransaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  ReconcileResult result;
  if (score.text) {
    // Every finding shows the latest text (row.h); a text no finding shows is not stored.
    ASSIGN_OR_RETURN(auto revise, db.Prepare("UPDATE finding_texts SET body = ?2 WHERE key = ?1 "
                                             "AND body != ?2"));
    revise.Bind(1, score.text->key).Bind(2, score.text->body);
    RETURN_IF_ERROR(revise.Run());
  }
  // Only findings that follow their advisory have a live row; the others keep their scores.
  ASSIGN_OR_RETURN(ScoreRow row, PutScore(db, std::string(kLive) + score.score_key, score.severity,
                                          score.inspector_score, ToUnixMillis(now),
                                          /*create=*/false));
  if (row.rescored) {
    if (describe_changes) RETURN_IF_ERROR(ReportRescored(db, row.id, {}, result.changes));
    // A rule may suppress by severity or score: their findings are judged again.
    ASSIGN_OR_RETURN(auto moved, ApplyStoredSuppressionToScore(db, row.id, now));
    MergeMoved(result.changes, std::move(moved));
  }
  RETURN_IF_ERROR(tx.Commit());
  return result;
}

Result<ReconcileResult> CloseImage(store::Database& db, const ImageContext& image, TimePoint now) {
  return Reconcile(db, image, {}, now, {});
}

Result<SeveritySummary> SummarizeImage(store::Database& db, std::string_view repository,
                                       std::string_view digest) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(std::string("SELECT finding_scores.severity, count(*) "
                                                     "FROM ") + kFindingScoreJoin +
                                         " WHERE repository = ? AND image_digest = ? AND status "
                                         "= 'ACTIVE' GROUP BY finding_scores.severity"));
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
      std::string("SELECT ") + kFindingColumns + " FROM " + kFindingFrom +
      " WHERE repository = ? AND image_digest = ?" +
      (include_closed ? "" : " AND status != 'CLOSED'") +
      " ORDER BY finding_scores.severity_rank DESC, vulnerability_id, findings.id"));
  stmt.Bind(1, repository).Bind(2, digest);
  std::vector<Json> out;
  for (;;) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Json j, ReadFinding(stmt));
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace surveyor::findings
