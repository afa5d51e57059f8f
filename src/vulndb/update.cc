#include "vulndb/update.h"

#include <filesystem>
#include <set>

#include "vulndb/parse_util.h"
#include "vulndb/yaml_adapter.h"

namespace surveyor::vulndb {

Result<std::vector<SourceConfig>> ParseUpdateConfig(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseYamlAsJson(text));
  const Json* list = GetArray(doc, "sources");
  if (list == nullptr) return InvalidArgument("update config: missing \"sources\" list");
  std::vector<SourceConfig> out;
  std::set<std::string> names;
  for (const Json& e : *list) {
    SourceConfig c;
    c.name = StringField(e, "name");
    c.url = StringField(e, "url");
    c.mirror = StringField(e, "mirror");
    if (c.name.empty()) return InvalidArgument("update config: a source without a name");
    if (!names.insert(c.name).second) return InvalidArgument("update config: duplicate source " + c.name);
    if (c.url.empty() && c.mirror.empty()) {
      return InvalidArgument("update config: source " + c.name + " has neither url nor mirror");
    }
    if (std::string f = StringField(e, "format"); !f.empty()) {
      c.format = ParseFeedFormatName(f);
      if (!c.format) return InvalidArgument("update config: unknown format \"" + f + "\"");
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<UpdateOutcome> RunUpdate(VulnDb& db, const std::vector<SourceConfig>& sources,
                                     Fetcher* fetcher,
                                     const std::function<void(const ImportProgress&)>& progress) {
  std::vector<UpdateOutcome> out;
  for (const SourceConfig& c : sources) {
    ImportRequest req;
    req.source = c.name;
    req.format = c.format;
    req.fetcher = fetcher;
    req.progress = progress;
    std::error_code ec;
    if (!c.mirror.empty() && std::filesystem::exists(c.mirror, ec)) {
      req.location = c.mirror;
    } else if (!c.url.empty()) {
      req.location = c.url;
    } else {
      out.push_back({c.name, NotFound("mirror " + c.mirror + " does not exist"), {}});
      continue;
    }
    auto r = RunImport(db, req);
    if (r.ok()) {
      out.push_back({c.name, Status::Ok(), std::move(r).value()});
    } else {
      out.push_back({c.name, r.status(), {}});
    }
  }
  return out;
}

}  // namespace surveyor::vulndb
