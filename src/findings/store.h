// The findings store: findings per image in the metadata database (migration track "findings"),
// their state machine, and the reads the APIs need. An image is identified by (repository,
// manifest digest). Reconcile turns a fresh set of facts for an image into created, updated,
// closed and reopened findings in one transaction; nothing else writes findings.
// Thread-safe through the Database lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "findings/finding.h"
#include "store/sqlite.h"

namespace surveyor::findings {

const std::vector<store::Migration>& Migrations();
Status Migrate(store::Database& db);

enum class Change { kCreated, kUpdated, kClosed, kReopened };
std::string_view ChangeName(Change c);

struct FindingChange {
  Change change;
  Json finding;  // the finding after the change
};

struct ReconcileResult {
  std::vector<FindingChange> changes;
  int active = 0;  // findings active (or suppressed) after the reconcile
};

// Replaces what is known of an image's findings with `facts` (observed at `now`):
//   new key → created ACTIVE; known, fingerprint or a scalar (severity, score, fix, exploit,
//   EPSS, title) changed → updated; known, unchanged → only lastObservedAt moves; CLOSED and seen
//   again → reopened ACTIVE; known but absent → CLOSED. A revised vulnerability text alone is
//   stored (every finding of the vulnerability shows it) but is not an update.
// Severity and score live in score rows (row.h). With `live_scores`, a re-scored vulnerability
// updates its live row once, and with it every open finding that shows it, in every image: the
// call that writes the new score reports all of those findings as updated (the other images'
// later calls see nothing new). A closing finding keeps its scores (a frozen row).
// Then the stored suppression rules (suppression.h) are applied to the image's open findings: new
// and reopened findings matching a rule are born SUPPRESSED, and a change can suppress or
// unsuppress; the reported changes carry the final status. Runs in its own transaction unless the
// caller holds one (then it joins it), so events can be written atomically with it.
using PackageScope = std::set<std::pair<std::string, std::string>>;
struct ReconcileOptions {
  // An unchanged finding's lastObservedAt only moves when it is at least that old (continuous
  // re-evaluation passes 1 h, so that an import does not rewrite every unchanged finding row of
  // every affected image; a scan passes 0: always).
  std::chrono::milliseconds observed_granularity{0};
  // When given, only findings of these (ecosystem, package key) pairs are reconciled (the
  // packages an advisory import touched); the others are left as they are, and `facts` must
  // cover the whole scope.
  const PackageScope* scope = nullptr;
  // Texts already stored in the caller's transaction (by key): each is written once per batch.
  std::set<std::string>* texts_stored = nullptr;
  // False: the changes are counted and typed, but their finding JSON is left null (nobody reads
  // it: no events are sent).
  bool describe_changes = true;
  // Live score rows (the image is under continuous scanning: its findings follow their
  // advisories) or frozen ones (scanned on push or manually: they keep this match's scores).
  bool live_scores = false;
  // Score rows already looked up, and brought up to date, in the caller's transaction (key → id).
  std::map<std::string, int64_t>* scores_stored = nullptr;
};
Result<ReconcileResult> Reconcile(store::Database& db, const ImageContext& image,
                                  const std::vector<FindingFacts>& facts, TimePoint now,
                                  const ReconcileOptions& options = {});

// Deletes the stored vulnerability texts and score rows no finding uses any more; returns how
// many.
Result<int64_t> DeleteUnusedSharedRows(store::Database& db);

// Whether any finding follows its advisory (a live score row exists).
Result<bool> AnyLiveScores(store::Database& db);
// The findings of `repository` stop following their advisories (its images left continuous
// scanning): they keep the scores they show now, in frozen rows, and nothing else changes.
Status FreezeScores(store::Database& db, std::string_view repository);
// The sources ("GO", "NVD", ...) under which findings show a vulnerability: of its live score
// rows and its stored texts (row.h).
Result<std::vector<std::string>> VulnerabilitySources(store::Database& db,
                                                      const std::string& vulnerability_id);
// Applies a re-scored or re-worded advisory (vulndb changes "rescored", "revised") without
// matching. Its stored text takes the new words, which every finding of it shows. Its live score
// row takes the new scores, and every open finding showing it changes with them (reported as
// updated when `describe_changes`, then judged again by the suppression rules). Findings without
// a live row (scanned on push, or closed) keep their scores.
Result<ReconcileResult> Rescore(store::Database& db, const VulnerabilityScore& score,
                                TimePoint now, bool describe_changes);

// Closes every open finding of an image (it was deleted, or its scan eligibility expired).
Result<ReconcileResult> CloseImage(store::Database& db, const ImageContext& image, TimePoint now);

struct SeveritySummary {
  int critical = 0, high = 0, medium = 0, low = 0, informational = 0, untriaged = 0;
  int total() const { return critical + high + medium + low + informational + untriaged; }
};
// Counts of ACTIVE findings of an image.
Result<SeveritySummary> SummarizeImage(store::Database& db, std::string_view repository,
                                       std::string_view digest);
// The findings of an image (ACTIVE and SUPPRESSED unless `include_closed`), by severity.
Result<std::vector<Json>> ImageFindings(store::Database& db, std::string_view repository,
                                        std::string_view digest, bool include_closed);

int SeverityRank(std::string_view severity);  // CRITICAL 5 … UNTRIAGED 0

}  // namespace surveyor::findings
