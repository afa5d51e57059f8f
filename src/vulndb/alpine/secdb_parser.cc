#include "vulndb/alpine/secdb_parser.h"

#include <map>

#include "vulndb/parse_util.h"
#include "vulndb/yaml_adapter.h"

namespace surveyor::vulndb {
namespace {

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

Status EmitAlpineSecdb(const Json& doc, std::string_view name, RecordSink& sink) {
  if (!doc.is_object()) {
    sink.OnSkip({std::string(name), "secdb document is not an object", false});
    return Status::Ok();
  }
  std::string release = StringField(doc, "distroversion");
  const std::string repo = StringField(doc, "reponame");
  if (release.empty()) {
    sink.OnSkip({std::string(name), "secdb document without distroversion", false});
    return Status::Ok();
  }
  if (release[0] != 'v') release = "v" + release;
  const std::string ecosystem = "Alpine:" + release;
  const Json* packages = GetArray(doc, "packages");
  if (packages == nullptr && doc.contains("packages") && doc["packages"].is_null()) {
    return Status::Ok();  // "packages:" with nothing under it: an empty repository
  }
  if (packages == nullptr) {
    sink.OnSkip({std::string(name), "secdb document without packages", false});
    return Status::Ok();
  }
  // id → advisory for this (release, repo), packages appended in document order.
  std::map<std::string, Advisory> by_id;
  for (const Json& entry : *packages) {
    const Json* pkg = GetObject(entry, "pkg");
    const std::string pkg_name = pkg ? StringField(*pkg, "name") : "";
    if (pkg_name.empty()) {
      sink.OnSkip({std::string(name), "package entry without a name", true});
      continue;
    }
    const Json* secfixes = GetObject(*pkg, "secfixes");
    if (secfixes == nullptr) continue;
    for (const auto& [version, ids] : secfixes->items()) {
      if (ids.is_null() || (ids.is_object() && ids.empty())) continue;  // "2.8.0-r0": {}
      if (!ids.is_array()) {
        sink.OnSkip({pkg_name + " " + version, "secfixes entry is not a list", true});
        continue;
      }
      for (const Json& line : ids) {
        if (!line.is_string()) continue;
        // "CVE-2016-9932 XSA-200": the first word is the id, the rest are aliases.
        std::vector<std::string> words = Words(line.get<std::string>());
        if (words.empty()) continue;
        Advisory& a = by_id[words[0]];
        a.id = words[0];
        for (size_t i = 1; i < words.size(); ++i) a.aliases.push_back(words[i]);
        Affected af;
        af.package = {ecosystem, pkg_name, "pkg:apk/alpine/" + pkg_name};
        if (version == "0") {
          af.ecosystem_specific["state"] = "not-affected";
        } else {
          af.ecosystem_specific["state"] = "fixed";
          Range r;
          r.type = "ECOSYSTEM";
          r.events = {{EventKind::kIntroduced, "0"}, {EventKind::kFixed, version}};
          af.ranges.push_back(std::move(r));
        }
        a.affected.push_back(std::move(af));
      }
    }
  }
  for (auto& [id, a] : by_id) {
    std::string key = id + "/" + ecosystem + (repo.empty() ? "" : "/" + repo);
    RETURN_IF_ERROR(EmitAdvisory(std::move(a), std::move(key), "alpine", sink));
  }
  return Status::Ok();
}

Status ParseAlpineSecdb(std::string_view text, std::string_view name, RecordSink& sink) {
  const bool json = !text.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos &&
                    text[text.find_first_not_of(" \t\r\n")] == '{';
  auto doc = json ? ParseJson(text, 32) : ParseYamlAsJson(text);
  if (!doc.ok()) {
    sink.OnSkip({std::string(name), doc.status().message(), false});
    return Status::Ok();
  }
  return EmitAlpineSecdb(*doc, name, sink);
}

}  // namespace surveyor::vulndb
