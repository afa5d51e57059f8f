#include "vulndb/friendsofphp/friendsofphp_parser.h"

#include "vulndb/constraints.h"
#include "vulndb/parse_util.h"
#include "vulndb/yaml_adapter.h"

namespace surveyor::vulndb {

Status ParseFriendsOfPhp(std::string_view text, std::string_view name, RecordSink& sink) {
  auto parsed = ParseYamlAsJson(text);
  if (!parsed.ok()) {
    sink.OnSkip({std::string(name), parsed.status().message(), false});
    return Status::Ok();
  }
  const Json& doc = *parsed;
  if (!doc.is_object()) {
    sink.OnSkip({std::string(name), "advisory is not a YAML mapping", false});
    return Status::Ok();
  }
  const std::string reference = StringField(doc, "reference");
  constexpr std::string_view kScheme = "composer://";
  if (reference.rfind(kScheme, 0) != 0 || reference.size() == kScheme.size()) {
    sink.OnSkip({std::string(name), "reference is not composer://vendor/package", false});
    return Status::Ok();
  }
  const std::string package = reference.substr(kScheme.size());
  const std::string key = package + "/" + FileStem(name);
  Advisory a;
  std::string cve = StringField(doc, "cve");
  if (cve.rfind("CVE-", 0) == 0) {
    a.id = cve;
  } else {
    a.id = "FRIENDSOFPHP-" + key;
    for (char& c : a.id) {
      if (c == '/') c = '-';
    }
  }
  a.summary = StringField(doc, "title");
  if (std::string link = StringField(doc, "link"); !link.empty()) a.references.push_back({"ADVISORY", link});
  const Json* branches = GetObject(doc, "branches");
  if (branches == nullptr || branches->empty()) {
    sink.OnSkip({key, "advisory has no branches", false});
    return Status::Ok();
  }
  std::vector<Interval> intervals;
  for (const auto& [branch, body] : branches->items()) {
    const Json* versions = GetArray(body, "versions");
    if (versions == nullptr) {
      sink.OnSkip({key, "branch \"" + branch + "\" has no versions", false});
      return Status::Ok();
    }
    std::vector<std::string> comps;
    for (const Json& v : *versions) {
      if (!v.is_string()) {
        sink.OnSkip({key, "branch \"" + branch + "\" has a non-string version", false});
        return Status::Ok();
      }
      for (std::string& c : SplitComparators(v.get<std::string>())) comps.push_back(std::move(c));
    }
    auto interval = ParseComparatorSet(comps);
    if (!interval.ok()) {
      sink.OnSkip({key, "invalid range in branch \"" + branch + "\": " + interval.status().message(), false});
      return Status::Ok();
    }
    intervals.push_back(std::move(interval).value());
    if (std::string time = StringField(body, "time"); !time.empty() &&
                                                       (a.published.empty() || time < a.published)) {
      a.published = time;
    }
  }
  a.modified = a.published;
  Affected af;
  af.package = {"Packagist", package, "pkg:composer/" + package};
  af.ranges = AffectedRanges(intervals, "ECOSYSTEM");
  a.affected.push_back(std::move(af));
  return EmitAdvisory(std::move(a), key, "friendsofphp", sink);
}

}  // namespace surveyor::vulndb
