#include "vulndb/debian/tracker_parser.h"

#include <algorithm>
#include <map>
#include <utility>

#include "vulndb/parse_util.h"
#include "vulndb/severity.h"

namespace surveyor::vulndb {

std::optional<std::string> DebianReleaseNumber(std::string_view codename) {
  static const std::pair<std::string_view, std::string_view> kReleases[] = {
      {"buzz", "1.1"},  {"rex", "1.2"},     {"bo", "1.3"},        {"hamm", "2.0"},
      {"slink", "2.1"}, {"potato", "2.2"},  {"woody", "3.0"},     {"sarge", "3.1"},
      {"etch", "4"},    {"lenny", "5"},     {"squeeze", "6"},     {"wheezy", "7"},
      {"jessie", "8"},  {"stretch", "9"},   {"buster", "10"},     {"bullseye", "11"},
      {"bookworm", "12"}, {"trixie", "13"}, {"forky", "14"},      {"duke", "15"},
      {"sid", "unstable"}};
  for (const auto& [name, number] : kReleases) {
    if (name == codename) return std::string(number);
  }
  return std::nullopt;
}

namespace {

std::string CleanUrgency(std::string u) {
  while (!u.empty() && (u.back() == '*' || u.back() == ' ')) u.pop_back();
  return u;
}

int Rank(const std::string& urgency) {
  auto s = SeverityFromVendor(urgency);
  return s ? static_cast<int>(*s) : -1;
}

// Adds one (package, CVE) entry of the tracker to the CVE's per-release advisories.
void AddEntry(const std::string& package, const std::string& cve, const Json& info,
              std::map<std::string, Advisory>& by_ecosystem, RecordSink& sink) {
  if (!info.is_object()) {
    sink.OnSkip({cve, "entry for " + package + " is not an object", false});
    return;
  }
  const Json* releases = GetObject(info, "releases");
  if (releases == nullptr) {
    const auto it = info.find("releases");
    if (it == info.end() || (it->is_array() && it->empty())) return;  // nothing tracked
    sink.OnSkip({cve, "releases of " + package + " is not an object", false});
    return;
  }
  for (const auto& [codename, rel] : releases->items()) {
    auto number = DebianReleaseNumber(codename);
    if (!number) {
      sink.OnSkip({cve, "unknown Debian release \"" + codename + "\"", true});
      continue;
    }
    if (!rel.is_object()) {
      sink.OnSkip({cve, "release entry is not an object", true});
      continue;
    }
    const std::string ecosystem = "Debian:" + *number;
    const std::string status = StringField(rel, "status");
    const std::string fixed = StringField(rel, "fixed_version");
    const std::string urgency_raw = StringField(rel, "urgency");
    const std::string urgency = CleanUrgency(urgency_raw);
    const std::string nodsa = StringField(rel, "nodsa");
    const std::string nodsa_reason = StringField(rel, "nodsa_reason");
    Affected af;
    af.package = {ecosystem, package, "pkg:deb/debian/" + package};
    std::string state;
    if (status == "resolved") {
      if (fixed == "0") {
        state = "not-affected";
      } else if (!fixed.empty()) {
        state = "fixed";
        Range r;
        r.type = "ECOSYSTEM";
        r.events = {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, fixed}};
        af.ranges.push_back(std::move(r));
      } else {
        sink.OnSkip({cve, "resolved without a fixed_version for " + package + " in " + codename, true});
        continue;
      }
    } else if (status == "open" || status == "undetermined") {
      if (status == "undetermined") {
        state = "undetermined";
      } else if (urgency == "end-of-life") {
        state = "end-of-life";
      } else if (!nodsa.empty() || !nodsa_reason.empty()) {
        state = nodsa_reason == "ignored" ? "ignored"
                : nodsa_reason == "postponed" ? "postponed" : "no-dsa";
      } else {
        state = "unfixed";
      }
      Range r;
      r.type = "ECOSYSTEM";
      r.events = {{EventKind::kIntroduced, "0"}};
      af.ranges.push_back(std::move(r));
    } else {
      sink.OnSkip({cve, "unknown status \"" + status + "\" for " + package + " in " + codename, true});
      continue;
    }
    af.ecosystem_specific["state"] = state;
    af.ecosystem_specific["status"] = status;
    if (!urgency_raw.empty()) af.ecosystem_specific["urgency"] = urgency_raw;
    if (!nodsa.empty()) af.ecosystem_specific["nodsa"] = nodsa;
    if (!nodsa_reason.empty()) af.ecosystem_specific["nodsa_reason"] = nodsa_reason;
    af.ecosystem_specific["release"] = codename;

    Advisory& a = by_ecosystem[ecosystem];
    if (a.id.empty()) {
      a.id = cve;
      a.details = StringField(info, "description");
      a.references.push_back({"ADVISORY", "https://security-tracker.debian.org/tracker/" + cve});
    }
    // The advisory's vendor severity: the most severe urgency among its packages.
    if (urgency != "end-of-life" && Rank(urgency) > Rank(a.vendor_severity)) {
      a.vendor_severity = urgency;
    }
    a.affected.push_back(std::move(af));
  }
}

// A staged part: "<package length>:<package><raw JSON of the CVE entry>".
std::string EncodePart(std::string_view package, std::string_view info) {
  std::string out = std::to_string(package.size());
  out.push_back(':');
  out.append(package);
  out.append(info);
  return out;
}

bool DecodePart(std::string_view part, std::string_view& package, std::string_view& info) {
  const size_t colon = part.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return false;
  size_t len = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (part[i] < '0' || part[i] > '9') return false;
    len = len * 10 + static_cast<size_t>(part[i] - '0');
  }
  if (len > part.size() - colon - 1) return false;
  package = part.substr(colon + 1, len);
  info = part.substr(colon + 1 + len);
  return true;
}

constexpr int kMaxDepth = 16;

}  // namespace

DebianTrackerStream::DebianTrackerStream(std::string name, RecordSink& sink, FragmentStore& store)
    : name_(std::move(name)),
      sink_(sink),
      store_(store),
      splitter_(
          [this](std::string_view package, std::string_view value) { return OnPackage(package, value); },
          [this](std::string_view package, uint64_t bytes) {
            sink_.OnSkip({std::string(package),
                          "package entry of " + std::to_string(bytes) + " bytes is over the limit", false});
          },
          JsonMemberSplitter::Limits{256ull << 20, kMaxDepth, 4096}) {}

Status DebianTrackerStream::OnPackage(std::string_view package, std::string_view value) {
  if (value.empty() || value[0] != '{') {
    sink_.OnSkip({std::string(package), "package entry is not an object", false});
    return Status::Ok();
  }
  Status s = SplitJsonObject(
      value,
      [&](std::string_view cve, std::string_view info) {
        Status put = store_.Put(cve, EncodePart(package, info));
        if (!put.ok()) store_error_ = put;
        return put;
      },
      [&](std::string_view cve, uint64_t) {
        sink_.OnSkip({std::string(cve), "entry for " + std::string(package) + " is over the limit", false});
      },
      JsonMemberSplitter::Limits{256ull << 20, kMaxDepth - 1, 4096});
  if (!s.ok() && store_error_.ok()) {
    return InvalidArgument("package " + std::string(package).substr(0, 100) + ": " + s.message());
  }
  return s;
}

Status DebianTrackerStream::Feed(std::string_view chunk) {
  if (failed_) return Status::Ok();
  Status s = splitter_.Feed(chunk);
  if (s.ok()) return s;
  if (!store_error_.ok()) return store_error_;
  return FailDocument(s);
}

Status DebianTrackerStream::FailDocument(const Status& why) {
  // Malformed document: nothing of it is imported, as when a whole document fails to parse.
  failed_ = true;
  RETURN_IF_ERROR(store_.Clear());
  sink_.OnSkip({name_, why.message(), false});
  return Status::Ok();
}

Status DebianTrackerStream::Finish() {
  if (failed_) return Status::Ok();
  if (Status s = splitter_.Finish(); !s.ok()) return FailDocument(s);
  return store_.Drain([&](std::string_view cve_view, std::vector<std::string>& parts) -> Status {
    const std::string cve(cve_view);
    std::vector<std::pair<std::string_view, std::string_view>> entries;  // (package, info)
    for (const std::string& part : parts) {
      std::string_view package, info;
      if (!DecodePart(part, package, info)) return Internal("corrupt staged tracker entry");
      entries.emplace_back(package, info);
    }
    // Packages in name order, whatever the order of the document.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::map<std::string, Advisory> by_ecosystem;
    for (const auto& [package, info] : entries) {
      auto parsed = ParseJson(info, kMaxDepth);
      if (!parsed.ok()) {
        sink_.OnSkip({cve, "entry for " + std::string(package) + ": " + parsed.status().message(), false});
        continue;
      }
      AddEntry(std::string(package), cve, *parsed, by_ecosystem, sink_);
    }
    for (auto& [ecosystem, a] : by_ecosystem) {
      RETURN_IF_ERROR(EmitAdvisory(std::move(a), cve + "/" + ecosystem, "debian", sink_));
    }
    return Status::Ok();
  });
}

Status ParseDebianTracker(std::string_view text, std::string_view name, RecordSink& sink) {
  MemoryFragmentStore store;
  DebianTrackerStream stream(std::string(name), sink, store);
  RETURN_IF_ERROR(stream.Feed(text));
  return stream.Finish();
}

}  // namespace surveyor::vulndb
