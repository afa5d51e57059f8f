// Rescan duration (Inspector2 `ecrConfiguration`, SPEC §6.3/§7.8): how long an image stays under
// continuous scanning. `rescanDuration` counts from the push (or the last push/manual scan that
// re-armed the image): LIFETIME never expires, DAYS_N after N days. `pullDateRescanDuration`
// with `pullDateRescanMode` LAST_PULL_DATE keeps an image eligible while it was pulled within
// that window. An image past both becomes SCAN_ELIGIBILITY_EXPIRED and its findings CLOSED;
// one that becomes eligible again (a pull, a longer duration) is re-matched. The policy parser
// and the Eligible() rule are pure; ApplyRescanEligibility works on the metadata database
// (scan and findings tracks, registry manifests) and is thread-safe through its lock.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "findings/finding.h"
#include "findings/store.h"
#include "store/sqlite.h"

namespace surveyor::scan {

// The registry setting the Inspector2 API stores its configuration under.
inline constexpr char kInspectorConfigurationKey[] = "inspector.configuration";

// Called inside the transaction that records a scan's results, so that what it writes (events in
// the outbox) commits or rolls back with them. `first_scan` is true after an image's analysis;
// `summary` (the image's active findings by severity) is counted for first scans only.
struct ScanResults {
  const findings::ImageContext& image;  // empty for a re-scored vulnerability's changes (any image)
  const findings::ReconcileResult& changes;
  const findings::SeveritySummary& summary;
  bool first_scan;
};
using ResultsHook = std::function<Status(store::Database&, const ScanResults&)>;

struct RescanPolicy {
  std::optional<std::chrono::hours> push_window;  // nullopt: LIFETIME
  std::optional<std::chrono::hours> pull_window;  // nullopt: pulls do not count
  std::string rescan_duration = "LIFETIME";
  std::string pull_duration;                       // "" or DAYS_N
};

// From the stored configuration document ({"rescanDuration", "pullDateRescanDuration"?,
// "pullDateRescanMode"?}); a missing document is LIFETIME. Unknown values are InvalidArgument.
// LAST_IN_USE_AT needs runtime usage data (ECS/EKS) that a registry does not have: under that
// mode only the push date counts. A pull duration without a mode means LAST_PULL_DATE.
Result<RescanPolicy> ParseRescanPolicy(const Json& config);

// Whether an image armed at `armed_at` (pushed, or re-pushed / manually scanned) and last pulled
// at `last_pulled` is still continuously scanned at `now`. Windows are inclusive.
bool Eligible(const RescanPolicy& policy, TimePoint armed_at, std::optional<TimePoint> last_pulled,
              TimePoint now);

struct EligibilityContext {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
};

struct EligibilityResult {
  size_t checked = 0;
  std::vector<std::string> expired;  // "repository@digest"
  std::vector<std::string> rearmed;
};

// Applies the stored policy at `now` to every analysed image: expires (status, findings closed,
// `hook` called with the closings inside the same transaction) and re-arms (status COMPLETE, a
// re-match job queued).
Result<EligibilityResult> ApplyRescanEligibility(store::Database& db, TimePoint now,
                                                 const EligibilityContext& context,
                                                 const ResultsHook& hook = {});

// Queues a job in the durable queue (scan_jobs): an analysis (push, manual scan; re-arms the
// image's eligibility) or a re-match. Joins the caller's transaction if one is open.
// `packages`: for a re-match, the (ecosystem, normalised name) pairs an advisory import touched
// in this image; only their findings are re-matched. Null: the whole image. A job already queued
// for the image widens to the union (or to the whole image).
using PackageSet = std::set<std::pair<std::string, std::string>>;
Status EnqueueJob(store::Database& db, std::string_view repository, std::string_view digest,
                  bool rematch_only, TimePoint now, const PackageSet* packages = nullptr);
// The stored form of a job's package set, and back (nullopt: the whole image).
std::string EncodePackageSet(const PackageSet& packages);
Result<std::optional<PackageSet>> DecodePackageSet(const std::optional<std::string>& text);

}  // namespace surveyor::scan
