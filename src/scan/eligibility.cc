#include "scan/eligibility.h"

#include <map>

#include "registry/repository_settings.h"

namespace surveyor::scan {
namespace {

constexpr int kPriorityPush = 0;
constexpr int kPriorityRematch = 10;

std::optional<int> Days(std::string_view value) {
  static const std::map<std::string, int, std::less<>> kDays = {
      {"DAYS_14", 14}, {"DAYS_30", 30}, {"DAYS_60", 60}, {"DAYS_90", 90}, {"DAYS_180", 180}};
  auto it = kDays.find(value);
  if (it == kDays.end()) return std::nullopt;
  return it->second;
}

std::string Describe(const RescanPolicy& p) {
  std::string out = "Continuous scanning stopped: the image was pushed more than " +
                    p.rescan_duration.substr(5) + " days ago";
  if (p.pull_window) out += " and not pulled in the last " + p.pull_duration.substr(5) + " days";
  return out + " (Inspector rescan duration); its findings were closed.";
}

}  // namespace

Result<RescanPolicy> ParseRescanPolicy(const Json& config) {
  RescanPolicy p;
  if (config.is_null()) return p;
  if (!config.is_object()) return InvalidArgument("the ECR rescan configuration is not an object");
  for (const char* key : {"rescanDuration", "pullDateRescanDuration", "pullDateRescanMode"}) {
    if (config.contains(key) && !config[key].is_string()) {
      return InvalidArgument(std::string(key) + " is not a string");
    }
  }
  p.rescan_duration = GetString(config, "rescanDuration").value_or("LIFETIME");
  if (p.rescan_duration != "LIFETIME") {
    auto days = Days(p.rescan_duration);
    if (!days) return InvalidArgument("unknown rescanDuration '" + p.rescan_duration + "'");
    p.push_window = std::chrono::hours(24 * *days);
  }
  if (config.contains("pullDateRescanDuration")) {
    p.pull_duration = GetString(config, "pullDateRescanDuration").value_or("");
    auto days = Days(p.pull_duration);
    if (!days) return InvalidArgument("unknown pullDateRescanDuration '" + p.pull_duration + "'");
    const std::string mode = GetString(config, "pullDateRescanMode").value_or("LAST_PULL_DATE");
    if (mode != "LAST_PULL_DATE" && mode != "LAST_IN_USE_AT") {
      return InvalidArgument("unknown pullDateRescanMode '" + mode + "'");
    }
    if (mode == "LAST_PULL_DATE") p.pull_window = std::chrono::hours(24 * *days);
  }
  return p;
}

bool Eligible(const RescanPolicy& policy, TimePoint armed_at, std::optional<TimePoint> last_pulled,
              TimePoint now) {
  if (!policy.push_window) return true;
  if (now - armed_at <= *policy.push_window) return true;
  return policy.pull_window && last_pulled && now - *last_pulled <= *policy.pull_window;
}

Status EnqueueJob(store::Database& db, std::string_view repository, std::string_view digest,
                  bool rematch_only, TimePoint now, const PackageSet* packages) {
  auto lock = db.Lock();
  // The union of two package lists; NULL (the whole image) absorbs any list.
  ASSIGN_OR_RETURN(auto stmt, db.Prepare(
      "INSERT INTO scan_jobs(repository, digest, kind, priority, next_run, packages) VALUES (?, ?, "
      "?, ?, ?, ?) ON CONFLICT(repository, digest, kind) DO UPDATE SET next_run = min(next_run, "
      "excluded.next_run), priority = min(priority, excluded.priority), packages = CASE WHEN "
      "scan_jobs.packages IS NULL OR excluded.packages IS NULL THEN NULL ELSE (SELECT "
      "json_group_array(value) FROM (SELECT value FROM json_each(scan_jobs.packages) UNION "
      "SELECT value FROM json_each(excluded.packages))) END"));
  stmt.Bind(1, repository).Bind(2, digest).Bind(3, rematch_only ? "rematch" : "analyze")
      .Bind(4, static_cast<int64_t>(rematch_only ? kPriorityRematch : kPriorityPush))
      .Bind(5, ToUnixMillis(now));
  if (rematch_only && packages != nullptr) stmt.Bind(6, EncodePackageSet(*packages));
  else stmt.BindNull(6);
  return stmt.Run();
}

std::string EncodePackageSet(const PackageSet& packages) {
  Json list = Json::array();
  for (const auto& [ecosystem, name] : packages) list.push_back(ecosystem + "\t" + name);
  return DumpJson(list);
}

Result<std::optional<PackageSet>> DecodePackageSet(const std::optional<std::string>& text) {
  if (!text) return std::optional<PackageSet>();
  auto list = ParseJson(*text);
  if (!list.ok() || !list->is_array()) return DataLoss("a queued job's package list is not JSON");
  PackageSet out;
  for (const Json& item : *list) {
    if (!item.is_string()) return DataLoss("a queued job's package list holds a non-string");
    const std::string& s = item.get_ref<const std::string&>();
    const size_t tab = s.find('\t');
    if (tab == std::string::npos) return DataLoss("a queued job's package entry has no ecosystem");
    out.emplace(s.substr(0, tab), s.substr(tab + 1));
  }
  return std::optional<PackageSet>(std::move(out));
}

Result<EligibilityResult> ApplyRescanEligibility(store::Database& db, TimePoint now,
                                                 const EligibilityContext& context,
                                                 const ResultsHook& hook) {
  ASSIGN_OR_RETURN(auto text, registry::GetRegistrySetting(db, kInspectorConfigurationKey));
  Json config;
  if (text) {
    auto parsed = ParseJson(*text);
    if (!parsed.ok()) return DataLoss("the stored Inspector configuration is not JSON");
    config = std::move(*parsed);
  }
  ASSIGN_OR_RETURN(RescanPolicy policy, ParseRescanPolicy(config));
  struct Row {
    std::string repository, digest, status;
    TimePoint armed;
    std::optional<TimePoint> pulled;
  };
  std::vector<Row> rows;
  {
    auto lock = db.Lock();
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        "SELECT s.repository, s.digest, s.status, coalesce(s.armed_at, m.pushed_at), "
        "m.last_pulled_at FROM scan_images s JOIN repositories r ON r.name = s.repository "
        "JOIN manifests m ON m.repository_id = r.id AND m.digest = s.digest "
        "WHERE s.inventory IS NOT NULL"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      Row r{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
            TimePoint(std::chrono::milliseconds(stmt.ColumnInt(3))), std::nullopt};
      if (!stmt.ColumnIsNull(4)) r.pulled = TimePoint(std::chrono::milliseconds(stmt.ColumnInt(4)));
      rows.push_back(std::move(r));
    }
  }
  EligibilityResult result;
  result.checked = rows.size();
  for (const Row& r : rows) {
    const bool eligible = Eligible(policy, r.armed, r.pulled, now);
    const bool expired = r.status == "SCAN_ELIGIBILITY_EXPIRED";
    if (eligible == !expired) continue;
    store::Transaction tx(db);
    RETURN_IF_ERROR(tx.begin_status());
    ASSIGN_OR_RETURN(auto set, db.Prepare("UPDATE scan_images SET status = ?, description = ? "
                                          "WHERE repository = ? AND digest = ?"));
    if (!eligible) {
      set.Bind(1, "SCAN_ELIGIBILITY_EXPIRED").Bind(2, Describe(policy));
    } else {
      set.Bind(1, "COMPLETE").Bind(2, "Continuous scanning resumed (rescan duration).");
    }
    set.Bind(3, r.repository).Bind(4, r.digest);
    RETURN_IF_ERROR(set.Run());
    if (!eligible) {
      findings::ImageContext image;
      image.account_id = context.account_id;
      image.region = context.region;
      image.repository = r.repository;
      image.digest = r.digest;
      ASSIGN_OR_RETURN(findings::ReconcileResult closed, findings::CloseImage(db, image, now));
      if (hook) {
        const findings::SeveritySummary summary;
        RETURN_IF_ERROR(hook(db, {image, closed, summary, false}));
      }
      result.expired.push_back(r.repository + "@" + r.digest);
    } else {
      // Findings come back through a re-match against today's advisories.
      RETURN_IF_ERROR(EnqueueJob(db, r.repository, r.digest, true, now));
      result.rearmed.push_back(r.repository + "@" + r.digest);
    }
    RETURN_IF_ERROR(tx.Commit());
  }
  return result;
}

}  // namespace surveyor::scan
