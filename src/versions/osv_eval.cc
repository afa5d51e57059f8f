#include "versions/osv_eval.h"

#include <algorithm>
#include <optional>

#include "versions/ecosystem.h"
#include "versions/internal/key.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

enum class EventKind { kIntroduced = 0, kLastAffected = 1, kFixed = 2, kLimit = 3 };

std::string_view KindName(EventKind k) {
  switch (k) {
    case EventKind::kIntroduced:
      return "introduced";
    case EventKind::kLastAffected:
      return "last_affected";
    case EventKind::kFixed:
      return "fixed";
    case EventKind::kLimit:
      return "limit";
  }
  return "?";
}

struct Event {
  EventKind kind;
  bool zero = false;  // introduced "0": before every version
  Version version;
};

// Orders events by version ("0" first); at equal versions introduced, last_affected, fixed, limit.
bool EventLess(const Scheme& scheme, const Event& a, const Event& b) {
  if (a.zero != b.zero) return a.zero;
  if (!a.zero) {
    auto c = scheme.Compare(a.version, b.version);
    if (c != 0) return c < 0;
  }
  return static_cast<int>(a.kind) < static_cast<int>(b.kind);
}

struct RangeResult {
  bool affected = false;
  std::string description;
  std::optional<Version> fixed;
};

// Evaluates one range's events (already parsed) against `v`, following the OSV evaluation
// algorithm: walk the sorted events; introduced <= v turns affected on, fixed <= v and
// last_affected < v turn it off; a limit <= v caps the range.
RangeResult EvaluateEvents(const Scheme& scheme, std::vector<Event> events, const Version& v) {
  std::stable_sort(events.begin(), events.end(),
                   [&](const Event& a, const Event& b) { return EventLess(scheme, a, b); });
  RangeResult r;
  bool has_limit = false;
  bool below_some_limit = false;
  const Event* start = nullptr;
  for (const Event& e : events) {
    switch (e.kind) {
      case EventKind::kIntroduced:
        if (e.zero || scheme.Compare(v, e.version) >= 0) {
          if (!r.affected) start = &e;
          r.affected = true;
        }
        break;
      case EventKind::kFixed:
        if (scheme.Compare(v, e.version) >= 0) r.affected = false;
        break;
      case EventKind::kLastAffected:
        if (scheme.Compare(v, e.version) > 0) r.affected = false;
        break;
      case EventKind::kLimit:
        has_limit = true;
        if (scheme.Compare(v, e.version) < 0) below_some_limit = true;
        break;
    }
  }
  if (has_limit && !below_some_limit) r.affected = false;
  if (!r.affected) return r;
  // The event that closes the interval holding v: the first fixed above v or last_affected at
  // or above v, in sorted order.
  const Event* end = nullptr;
  for (const Event& e : events) {
    if (e.kind == EventKind::kFixed && scheme.Compare(e.version, v) > 0) {
      end = &e;
      break;
    }
    if (e.kind == EventKind::kLastAffected && scheme.Compare(e.version, v) >= 0) {
      end = &e;
      break;
    }
  }
  r.description = "introduced ";
  r.description += (start == nullptr || start->zero) ? std::string("0") : start->version.text();
  if (end != nullptr) {
    r.description += ", ";
    r.description += KindName(end->kind);
    r.description += " ";
    r.description += end->version.text();
    if (end->kind == EventKind::kFixed) r.fixed = end->version;
  } else {
    r.description += ", no fix";
  }
  return r;
}

bool SameVersion(const Version& a, const Version& b) {
  if (a.scheme() == b.scheme() && a.scheme() != nullptr) return a.scheme()->Compare(a, b) == 0;
  return a.text() == b.text();
}

bool VersionLess(const Version& a, const Version& b) {
  if (a.scheme() == b.scheme() && a.scheme() != nullptr) return a.scheme()->Compare(a, b) < 0;
  return a.text() < b.text();
}

void AddFix(std::vector<Version>& fixes, const Version& f) {
  for (const Version& g : fixes) {
    if (SameVersion(f, g)) return;
  }
  fixes.push_back(f);
}

struct EntryResult {
  Evaluation eval;
  std::vector<Version> fixes;  // ascending
};

Result<EntryResult> Evaluate(const Json& entry, const Scheme& scheme, std::string_view version) {
  if (!entry.is_object()) return InvalidArgument("affected entry is not a JSON object");
  EntryResult out;
  Evaluation& ev = out.eval;
  std::optional<Version> installed;          // under the ecosystem scheme
  std::optional<Version> installed_semver;   // under "semver", for SEMVER ranges
  bool range_matched = false;
  bool range_without_fix = false;

  if (const Json* ranges = GetArray(entry, "ranges")) {
    for (size_t i = 0; i < ranges->size(); ++i) {
      const Json& range = (*ranges)[i];
      const std::string where = "ranges[" + std::to_string(i) + "]";
      if (!range.is_object()) {
        ev.warnings.push_back(where + ": not an object");
        continue;
      }
      std::string type = GetString(range, "type").value_or("");
      const Scheme* range_scheme = nullptr;
      std::optional<Version>* slot = nullptr;
      if (type == "ECOSYSTEM") {
        range_scheme = &scheme;
        slot = &installed;
      } else if (type == "SEMVER") {
        // SEMVER ranges order by SemVer; Go's scheme is SemVer plus toolchain spellings
        // ("go1.19.8"), so a Go package keeps its own scheme.
        range_scheme = scheme.Name() == "go" ? &scheme : &SemverScheme();
        slot = &installed_semver;
      } else if (type == "GIT") {
        continue;  // commits cannot be compared with package versions
      } else {
        ev.warnings.push_back(where + ": unknown range type \"" + type + "\"");
        continue;
      }
      if (!slot->has_value()) {
        Result<Version> parsed = range_scheme->Parse(version);
        if (!parsed.ok()) {
          return parsed.status().WithContext("installed version under " + where + " " + type);
        }
        *slot = std::move(parsed).value();
      }
      std::vector<Event> events;
      const Json* list = GetArray(range, "events");
      if (list == nullptr) {
        ev.warnings.push_back(where + ": no events");
        continue;
      }
      for (size_t j = 0; j < list->size(); ++j) {
        const Json& e = (*list)[j];
        if (!e.is_object()) continue;
        static constexpr std::pair<const char*, EventKind> kKeys[] = {
            {"introduced", EventKind::kIntroduced},
            {"fixed", EventKind::kFixed},
            {"last_affected", EventKind::kLastAffected},
            {"limit", EventKind::kLimit}};
        for (const auto& [key, kind] : kKeys) {
          std::optional<std::string> text = GetString(e, key);
          if (!text) continue;
          if (kind == EventKind::kIntroduced && *text == "0") {
            events.push_back(Event{kind, true, Version()});
            continue;
          }
          if (kind == EventKind::kLimit && *text == "*") continue;  // no limit
          Result<Version> parsed = range_scheme->Parse(*text);
          if (!parsed.ok()) {
            ev.warnings.push_back(where + ".events[" + std::to_string(j) + "] " + key +
                                  " skipped: " + parsed.status().message());
            continue;
          }
          events.push_back(Event{kind, false, std::move(parsed).value()});
        }
      }
      RangeResult r = EvaluateEvents(*range_scheme, std::move(events), **slot);
      if (!r.affected) continue;
      range_matched = true;
      AffectedBy by;
      by.description = where + " " + type + ": " + r.description;
      if (r.fixed) {
        by.fixed = r.fixed->text();
        AddFix(out.fixes, *r.fixed);
      } else {
        range_without_fix = true;
      }
      ev.by.push_back(std::move(by));
    }
  }

  bool listed = false;
  if (const Json* versions = GetArray(entry, "versions")) {
    if (!installed.has_value()) {
      Result<Version> parsed = scheme.Parse(version);
      if (parsed.ok()) installed = std::move(parsed).value();
    }
    for (size_t i = 0; i < versions->size(); ++i) {
      const Json& item = (*versions)[i];
      if (!item.is_string()) continue;
      const std::string& text = item.get_ref<const std::string&>();
      bool match = text == version;
      if (!match && installed.has_value()) {
        Result<Version> parsed = scheme.Parse(text);
        match = parsed.ok() && scheme.Compare(*parsed, *installed) == 0;
      }
      if (match) {
        listed = true;
        ev.by.push_back(AffectedBy{"versions[" + std::to_string(i) + "] \"" + text + "\"", ""});
        break;
      }
    }
  }

  ev.affected = range_matched || listed;
  std::sort(out.fixes.begin(), out.fixes.end(), VersionLess);
  for (const Version& f : out.fixes) ev.fixed_versions.push_back(f.text());
  if (!ev.affected || out.fixes.empty()) {
    ev.fix_available = FixAvailable::kNo;
  } else {
    // A versions-list match only counts when no range matched: lists usually repeat ranges.
    ev.fix_available = range_without_fix ? FixAvailable::kPartial : FixAvailable::kYes;
  }
  return out;
}

}  // namespace

std::string_view FixAvailableName(FixAvailable f) {
  switch (f) {
    case FixAvailable::kYes:
      return "YES";
    case FixAvailable::kNo:
      return "NO";
    case FixAvailable::kPartial:
      return "PARTIAL";
  }
  return "NO";
}

Result<Evaluation> EvaluateAffected(const Json& affected_entry, const Scheme& scheme,
                                    std::string_view version) {
  ASSIGN_OR_RETURN(EntryResult r, Evaluate(affected_entry, scheme, version));
  return std::move(r.eval);
}

Result<Evaluation> EvaluateAffectedEntries(const std::vector<const Json*>& entries,
                                           const Scheme& scheme, std::string_view version) {
  Evaluation merged;
  std::vector<Version> smallest_fixes;
  size_t affected_entries = 0;
  size_t entries_with_fix = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i] == nullptr) continue;
    ASSIGN_OR_RETURN(EntryResult r, Evaluate(*entries[i], scheme, version));
    const std::string prefix = "affected[" + std::to_string(i) + "] ";
    for (std::string& w : r.eval.warnings) merged.warnings.push_back(prefix + w);
    if (!r.eval.affected) continue;
    ++affected_entries;
    for (AffectedBy& by : r.eval.by) {
      by.description = prefix + by.description;
      merged.by.push_back(std::move(by));
    }
    if (!r.fixes.empty()) {
      ++entries_with_fix;
      AddFix(smallest_fixes, r.fixes.front());
    }
  }
  merged.affected = affected_entries > 0;
  std::sort(smallest_fixes.begin(), smallest_fixes.end(), VersionLess);
  for (const Version& f : smallest_fixes) merged.fixed_versions.push_back(f.text());
  if (entries_with_fix == 0) {
    merged.fix_available = FixAvailable::kNo;
  } else {
    merged.fix_available =
        entries_with_fix == affected_entries ? FixAvailable::kYes : FixAvailable::kPartial;
  }
  return merged;
}

namespace {

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = internal::ToLower(c);
  return out;
}

// Release strings agree ignoring case, a leading 'v' ("v3.19" = "3.19") and a trailing ":LTS".
std::string CanonicalRelease(std::string_view r) {
  std::string s = LowerCopy(r);
  if (s.size() > 4 && s.compare(s.size() - 4, 4, ":lts") == 0) s.resize(s.size() - 4);
  if (!s.empty() && s[0] == 'v') s.erase(0, 1);
  return s;
}

}  // namespace

std::vector<const Json*> EntriesForPackage(const Json& osv_record, std::string_view ecosystem,
                                           std::string_view name) {
  std::vector<const Json*> out;
  Result<Ecosystem> want = ParseEcosystem(ecosystem);
  if (!want.ok() || !osv_record.is_object()) return out;
  const std::string want_name = NormalizePackageName(ecosystem, name);
  const Json* affected = GetArray(osv_record, "affected");
  if (affected == nullptr) return out;
  for (const Json& entry : *affected) {
    if (!entry.is_object()) continue;
    const Json* package = GetObject(entry, "package");
    if (package == nullptr) continue;
    std::optional<std::string> eco = GetString(*package, "ecosystem");
    std::optional<std::string> pname = GetString(*package, "name");
    if (!eco || !pname) continue;
    Result<Ecosystem> have = ParseEcosystem(*eco);
    if (!have.ok() || have->base != want->base) continue;
    if (!want->release.empty() && !have->release.empty() &&
        CanonicalRelease(want->release) != CanonicalRelease(have->release)) {
      continue;
    }
    if (NormalizePackageName(*eco, *pname) != want_name) continue;
    out.push_back(&entry);
  }
  return out;
}

}  // namespace surveyor::versions
