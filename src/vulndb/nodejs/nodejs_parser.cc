#include "vulndb/nodejs/nodejs_parser.h"

#include "vulndb/constraints.h"
#include "vulndb/normalize.h"
#include "vulndb/parse_util.h"

namespace surveyor::vulndb {

Status ParseNodejsWg(std::string_view text, std::string_view name, RecordSink& sink) {
  auto parsed = ParseJson(text, 32);
  if (!parsed.ok()) {
    sink.OnSkip({std::string(name), parsed.status().message(), false});
    return Status::Ok();
  }
  const Json& doc = *parsed;
  if (!doc.is_object()) {
    sink.OnSkip({std::string(name), "advisory is not a JSON object", false});
    return Status::Ok();
  }
  const std::string module = StringField(doc, "module_name");
  if (module.empty()) {
    const bool core = doc.contains("vulnerable") || doc.contains("reason");
    sink.OnSkip({std::string(name),
                 core ? "unknown ecosystem: Node.js runtime advisory (not an npm package)"
                      : "advisory names no module",
                 false});
    return Status::Ok();
  }
  const std::string number = StringField(doc, "id");
  Advisory a;
  a.id = "NSWG-ECO-" + (number.empty() ? FileStem(name) : number);
  if (const Json* cves = GetArray(doc, "cves")) {
    for (const Json& c : *cves) {
      if (c.is_string()) a.aliases.push_back(c.get<std::string>());
    }
  }
  a.summary = StringField(doc, "title");
  a.details = StringField(doc, "overview");
  if (std::string rec = StringField(doc, "recommendation"); !rec.empty()) {
    a.details += (a.details.empty() ? "" : "\n\n") + rec;
  }
  a.published = StringField(doc, "publish_date");
  a.modified = StringField(doc, "updated_at");
  if (a.modified.empty()) a.modified = a.published;
  if (const Json* refs = GetArray(doc, "references")) {
    for (const Json& r : *refs) {
      if (r.is_string()) a.references.push_back({"WEB", r.get<std::string>()});
    }
  }
  const std::string vulnerable = StringField(doc, "vulnerable_versions");
  auto intervals = ParseNpmRange(vulnerable.empty() ? "*" : vulnerable);
  if (!intervals.ok()) {
    sink.OnSkip({a.id, "invalid vulnerable_versions \"" + vulnerable + "\": " + intervals.status().message(), false});
    return Status::Ok();
  }
  Affected af;
  af.package = {"npm", module, "pkg:npm/" + module};
  af.ranges = AffectedRanges(*intervals, "SEMVER");
  if (std::string patched = StringField(doc, "patched_versions"); !patched.empty()) {
    af.database_specific["patched_versions"] = patched;
  }
  a.affected.push_back(std::move(af));
  if (std::string vector = StringField(doc, "cvss_vector"); !vector.empty()) {
    if (!AddCvss(a, "nodejs-security-wg", vector)) {
      sink.OnSkip({a.id, "invalid CVSS vector \"" + vector.substr(0, 80) + "\"", true});
    }
  }
  return EmitAdvisory(std::move(a), "", "nodejs-security-wg", sink);
}

}  // namespace surveyor::vulndb
