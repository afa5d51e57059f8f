#include "vulndb/debian/tracker_parser.h"

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

}  // namespace

Status ParseDebianTracker(std::string_view text, std::string_view name, RecordSink& sink) {
  auto parsed = ParseJson(text, 16);
  if (!parsed.ok()) {
    sink.OnSkip({std::string(name), parsed.status().message(), false});
    return Status::Ok();
  }
  const Json& doc = *parsed;
  if (!doc.is_object()) {
    sink.OnSkip({std::string(name), "tracker document is not an object", false});
    return Status::Ok();
  }
  // (CVE, ecosystem) → advisory; std::map keeps the output order deterministic.
  std::map<std::pair<std::string, std::string>, Advisory> records;
  for (const auto& [package, cves] : doc.items()) {
    if (!cves.is_object()) {
      sink.OnSkip({package, "package entry is not an object", false});
      continue;
    }
    for (const auto& [cve, info] : cves.items()) {
      if (!info.is_object()) {
        sink.OnSkip({cve, "entry for " + package + " is not an object", false});
        continue;
      }
      const Json* releases = GetObject(info, "releases");
      if (releases == nullptr) {
        const auto it = info.find("releases");
        if (it == info.end() || (it->is_array() && it->empty())) continue;  // nothing tracked
        sink.OnSkip({cve, "releases of " + package + " is not an object", false});
        continue;
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

        Advisory& a = records[{cve, ecosystem}];
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
  }
  for (auto& [key, a] : records) {
    std::string k = key.first + "/" + key.second;
    RETURN_IF_ERROR(EmitAdvisory(std::move(a), std::move(k), "debian", sink));
  }
  return Status::Ok();
}

}  // namespace surveyor::vulndb
