#include "vulndb/rubysec/rubysec_parser.h"

#include <cstdlib>

#include "vulndb/constraints.h"
#include "vulndb/normalize.h"
#include "vulndb/parse_util.h"
#include "vulndb/yaml_adapter.h"

namespace surveyor::vulndb {
namespace {

// "2023-50725" → "CVE-2023-50725"; a value that already has the prefix is kept.
std::string Prefixed(const std::string& value, std::string_view prefix) {
  if (value.empty()) return "";
  if (value.rfind(prefix, 0) == 0) return value;
  return std::string(prefix) + value;
}

Result<std::vector<Interval>> ReadIntervals(const Json& doc, const char* key) {
  std::vector<Interval> out;
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return out;
  if (!it->is_array()) return InvalidArgument(std::string(key) + " is not a list");
  for (const Json& e : *it) {
    if (!e.is_string()) return InvalidArgument(std::string(key) + " holds a non-string");
    ASSIGN_OR_RETURN(Interval i, ParseComparatorSet(SplitComparators(e.get<std::string>())));
    out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

Status ParseRubySec(std::string_view text, std::string_view name, RecordSink& sink) {
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
  const std::string gem = StringField(doc, "gem");
  const std::string engine = StringField(doc, "engine");
  const std::string cve = Prefixed(StringField(doc, "cve"), "CVE-");
  const std::string ghsa = Prefixed(StringField(doc, "ghsa"), "GHSA-");
  const std::string osvdb = Prefixed(StringField(doc, "osvdb"), "OSVDB-");
  const std::string stem = FileStem(name);
  // One CVE may be filed for several gems: the key is "<gem>/<file stem>".
  Advisory a;
  a.id = !cve.empty() ? cve : !ghsa.empty() ? ghsa : !osvdb.empty() ? osvdb : stem;
  for (const std::string& alias : {cve, ghsa, osvdb}) {
    if (!alias.empty() && alias != a.id) a.aliases.push_back(alias);
  }
  if (gem.empty()) {
    sink.OnSkip({a.id, engine.empty() ? "advisory names no gem"
                                      : "unknown ecosystem: Ruby interpreter \"" + engine + "\"",
                 false});
    return Status::Ok();
  }
  a.summary = StringField(doc, "title");
  a.details = StringField(doc, "description");
  a.published = StringField(doc, "date");
  a.modified = a.published;
  if (std::string url = StringField(doc, "url"); !url.empty()) a.references.push_back({"ADVISORY", url});
  if (const Json* related = GetObject(doc, "related")) {
    if (const Json* urls = GetArray(*related, "url")) {
      for (const Json& u : *urls) {
        if (u.is_string()) a.references.push_back({"WEB", u.get<std::string>()});
      }
    }
  }
  auto patched = ReadIntervals(doc, "patched_versions");
  auto unaffected = ReadIntervals(doc, "unaffected_versions");
  if (!patched.ok() || !unaffected.ok()) {
    sink.OnSkip({a.id, "invalid version constraint: " +
                           (patched.ok() ? unaffected.status() : patched.status()).message(),
                 false});
    return Status::Ok();
  }
  std::vector<Interval> safe = std::move(patched).value();
  for (Interval& i : *unaffected) safe.push_back(std::move(i));
  Affected af;
  af.package = {"RubyGems", gem, "pkg:gem/" + gem};
  af.ranges.push_back(ComplementRange(std::move(safe), "ECOSYSTEM"));
  const std::string key = gem + "/" + stem;
  if (af.ranges[0].events.empty()) {
    sink.OnSkip({key, "patched and unaffected versions cover every version", false});
    return Status::Ok();
  }
  a.affected.push_back(std::move(af));
  // RubySec gives base scores without vectors: kept as CVSS entries with an empty vector.
  const std::pair<const char*, const char*> kScores[] = {
      {"cvss_v4", "4.0"}, {"cvss_v3", "3.x"}, {"cvss_v2", "2.0"}};
  for (const auto& [key, version] : kScores) {
    const std::string score = StringField(doc, key);
    if (score.empty()) continue;
    char* end = nullptr;
    const double v = std::strtod(score.c_str(), &end);
    if (end == score.c_str() || *end != '\0' || !(v >= 0 && v <= 10)) {
      sink.OnSkip({a.id, std::string("invalid ") + key + " score \"" + score + "\"", true});
      continue;
    }
    a.cvss.push_back({"rubysec", version, "", v});
  }
  return EmitAdvisory(std::move(a), key, "rubysec", sink);
}

}  // namespace surveyor::vulndb
