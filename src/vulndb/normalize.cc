#include "vulndb/normalize.h"

#include <algorithm>
#include <cctype>

#include "vulndb/cvss/cvss.h"
#include "versions/ecosystem.h"
#include "vulndb/ecosystems.h"

namespace surveyor::vulndb {
namespace {

constexpr size_t kMaxIdLength = 200;

bool IsPrintableId(std::string_view id) {
  for (char c : id) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

bool IsIdentifierPart(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  if (s.size() > 1 && s[0] == '0') return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status CheckRange(const Range& r) {
  if (r.type != "SEMVER" && r.type != "ECOSYSTEM" && r.type != "GIT") {
    return InvalidArgument("unknown range type \"" + r.type + "\"");
  }
  if (r.events.empty()) return InvalidArgument("range without events");
  bool introduced = false;
  for (const Event& e : r.events) {
    if (e.value.empty()) return InvalidArgument("empty range event value");
    if (e.value.size() > 256) return InvalidArgument("range event value too long");
    if (e.kind == EventKind::kIntroduced) introduced = true;
    if (r.type == "SEMVER" && !(e.kind == EventKind::kIntroduced && e.value == "0") &&
        !IsSemverLike(e.value)) {
      return InvalidArgument("invalid SemVer version \"" + e.value + "\"");
    }
  }
  if (!introduced) return InvalidArgument("range without an introduced event");
  return Status::Ok();
}

}  // namespace

bool IsSemverLike(std::string_view v) {
  if (v == "0") return true;
  std::string_view core = v;
  std::string_view build, pre;
  if (size_t plus = core.find('+'); plus != std::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    if (build.empty()) return false;
  }
  if (size_t dash = core.find('-'); dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
    if (pre.empty()) return false;
  }
  int parts = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = core.find('.', start);
    if (!IsNumber(core.substr(start, dot - start))) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts != 3) return false;
  for (std::string_view ids : {pre, build}) {
    if (ids.empty()) continue;
    size_t s = 0;
    while (true) {
      const size_t dot = ids.find('.', s);
      if (!IsIdentifierPart(ids.substr(s, dot - s))) return false;
      if (dot == std::string_view::npos) break;
      s = dot + 1;
    }
  }
  return true;
}

bool AddCvss(Advisory& a, std::string_view source, std::string_view vector) {
  auto parsed = ParseCvss(vector);
  if (!parsed.ok()) return false;
  CvssEntry e{std::string(source), std::string(CvssVersionName(parsed->version)), parsed->vector,
              parsed->base_score};
  if (std::find(a.cvss.begin(), a.cvss.end(), e) == a.cvss.end()) a.cvss.push_back(std::move(e));
  return true;
}

Status NormalizeAdvisory(Advisory& a, std::string_view cvss_source, std::vector<Skip>& issues) {
  if (a.id.empty()) return InvalidArgument("record without an id");
  if (a.id.size() > kMaxIdLength || !IsPrintableId(a.id)) {
    return InvalidArgument("invalid record id");
  }
  // Aliases: no self, no duplicates, sorted.
  std::vector<std::string> aliases;
  for (std::string& alias : a.aliases) {
    if (alias.empty() || alias == a.id || alias.size() > kMaxIdLength || !IsPrintableId(alias)) continue;
    aliases.push_back(std::move(alias));
  }
  std::sort(aliases.begin(), aliases.end());
  aliases.erase(std::unique(aliases.begin(), aliases.end()), aliases.end());
  a.aliases = std::move(aliases);

  // Affected entries: unknown ecosystems and invalid ranges are dropped with a reason.
  const size_t had_affected = a.affected.size();
  std::string first_reason;
  std::vector<Affected> kept;
  for (Affected& af : a.affected) {
    if (af.package.ecosystem.empty() && af.package.name.empty()) {
      // GIT-only entries have no package; they cannot be matched against package versions.
      const bool git_only =
          !af.ranges.empty() && std::all_of(af.ranges.begin(), af.ranges.end(),
                                            [](const Range& r) { return r.type == "GIT"; });
      if (!git_only) {
        const std::string reason = "affected entry without a package";
        if (first_reason.empty()) first_reason = reason;
        issues.push_back({a.id, reason});
        continue;
      }
    } else {
      // One spelling per ecosystem in the index ("pypi" and "PyPI" are the same key).
      Result<std::string> canonical = versions::CanonicalEcosystem(af.package.ecosystem);
      std::string reason;
      if (!IsKnownEcosystem(af.package.ecosystem)) {
        reason = "unknown ecosystem \"" + af.package.ecosystem + "\"";
      } else if (!canonical.ok()) {
        reason = canonical.status().message();
      } else if (af.package.name.empty()) {
        reason = "affected package without a name";
      }
      if (!reason.empty()) {
        if (first_reason.empty()) first_reason = reason;
        issues.push_back({a.id, reason});
        continue;
      }
      if (*canonical != af.package.ecosystem) af.package.ecosystem = std::move(*canonical);
    }
    std::vector<Range> ranges;
    bool dropped_range = false;
    for (Range& r : af.ranges) {
      if (Status s = CheckRange(r); !s.ok()) {
        issues.push_back({a.id, "invalid range for " + af.package.name + ": " + s.message()});
        if (first_reason.empty()) first_reason = "invalid range: " + s.message();
        dropped_range = true;
        continue;
      }
      ranges.push_back(std::move(r));
    }
    af.ranges = std::move(ranges);
    if (dropped_range && af.ranges.empty() && af.versions.empty()) continue;
    kept.push_back(std::move(af));
  }
  a.affected = std::move(kept);
  if (had_affected > 0 && a.affected.empty()) {
    // Nothing matchable remains: the record itself is skipped, with its first reason.
    return InvalidArgument(first_reason.empty() ? "no usable affected entries" : first_reason);
  }

  // CVSS from OSV severity entries (record level and per affected package).
  auto take = [&](const std::vector<OsvSeverity>& list) {
    for (const OsvSeverity& s : list) {
      if (s.type != "CVSS_V2" && s.type != "CVSS_V3" && s.type != "CVSS_V4") continue;
      if (!AddCvss(a, cvss_source, s.score)) {
        issues.push_back({a.id, "invalid CVSS vector \"" + s.score.substr(0, 80) + "\""});
      }
    }
  };
  take(a.severity);
  for (const Affected& af : a.affected) take(af.severity);
  a.canonical_id = CanonicalIdOf(a);
  return Status::Ok();
}

}  // namespace surveyor::vulndb
