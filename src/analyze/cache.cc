#include "analyze/cache.h"

#include "common/digest.h"
#include "common/json.h"

namespace surveyor::analyze {

std::string CacheKey(std::string_view diff_id, std::string_view analyzer_id) {
  return std::string(diff_id) + "|" + std::string(analyzer_id);
}

std::string DirectoryLayerCache::PathFor(std::string_view key) const {
  return JoinPath(dir_, ComputeDigest(key).hex() + ".json");
}

Result<std::optional<std::string>> DirectoryLayerCache::Get(std::string_view key) {
  auto r = fs_.ReadFile(PathFor(key), 1ull << 30);
  if (!r.ok()) {
    if (r.status().code() == StatusCode::kNotFound) return std::optional<std::string>();
    return r.status();
  }
  // The first line repeats the key, guarding against hash collisions and stray files.
  const std::string& s = *r;
  size_t nl = s.find('\n');
  if (nl == std::string::npos || std::string_view(s).substr(0, nl) != key) return std::optional<std::string>();
  return std::optional<std::string>(s.substr(nl + 1));
}

Status DirectoryLayerCache::Put(std::string_view key, std::string_view value) {
  RETURN_IF_ERROR(fs_.MakeDirs(dir_));
  std::string data(key);
  data += '\n';
  data += value;
  return fs_.WriteFileAtomic(PathFor(key), data);
}

namespace {

Json PackageToJson(const Package& p) {
  Json j = Json::object();
  j["t"] = std::string(RowFor(p.type).type_name);
  j["n"] = p.name;
  j["v"] = p.version;
  if (!p.source_name.empty()) j["sn"] = p.source_name;
  if (!p.source_version.empty()) j["sv"] = p.source_version;
  if (!p.arch.empty()) j["a"] = p.arch;
  if (p.dev) j["dev"] = true;
  j["p"] = p.path;
  j["an"] = p.analyzer;
  return j;
}

Result<Package> PackageFromJson(const Json& j) {
  Package p;
  auto t = GetString(j, "t");
  if (!t || !PackageTypeFromName(*t, p.type)) return DataLoss("cache: bad package type");
  p.name = GetString(j, "n").value_or("");
  p.version = GetString(j, "v").value_or("");
  p.source_name = GetString(j, "sn").value_or("");
  p.source_version = GetString(j, "sv").value_or("");
  p.arch = GetString(j, "a").value_or("");
  p.dev = GetBool(j, "dev").value_or(false);
  p.path = GetString(j, "p").value_or("");
  p.analyzer = GetString(j, "an").value_or("");
  return p;
}

Json StringsToJson(const std::vector<std::string>& v) {
  Json a = Json::array();
  for (const auto& s : v) a.push_back(s);
  return a;
}

std::vector<std::string> StringsFromJson(const Json* a) {
  std::vector<std::string> out;
  if (!a) return out;
  for (const auto& s : *a)
    if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

}  // namespace

std::string SerializeFindings(const std::vector<FileFindings>& files) {
  Json arr = Json::array();
  for (const auto& f : files) {
    Json j = Json::object();
    j["path"] = f.path;
    Json pkgs = Json::array();
    for (const auto& p : f.findings.packages) pkgs.push_back(PackageToJson(p));
    j["packages"] = std::move(pkgs);
    if (!f.findings.owned_files.empty()) j["owned"] = StringsToJson(f.findings.owned_files);
    if (!f.findings.os.empty()) {
      j["os"] = Json{{"id", f.findings.os.id}, {"version_id", f.findings.os.version_id},
                     {"pretty_name", f.findings.os.pretty_name}, {"source", f.findings.os.source}};
    }
    arr.push_back(std::move(j));
  }
  return DumpJson(arr);
}

Result<std::vector<FileFindings>> ParseFindings(std::string_view text) {
  auto doc = ParseJson(text);
  if (!doc.ok() || !doc->is_array()) return DataLoss("cache: corrupt findings entry");
  std::vector<FileFindings> out;
  for (const auto& j : *doc) {
    FileFindings f;
    f.path = GetString(j, "path").value_or("");
    if (const Json* pkgs = GetArray(j, "packages")) {
      for (const auto& pj : *pkgs) {
        ASSIGN_OR_RETURN(Package p, PackageFromJson(pj));
        f.findings.packages.push_back(std::move(p));
      }
    }
    f.findings.owned_files = StringsFromJson(GetArray(j, "owned"));
    if (const Json* os = GetObject(j, "os")) {
      f.findings.os.id = GetString(*os, "id").value_or("");
      f.findings.os.version_id = GetString(*os, "version_id").value_or("");
      f.findings.os.pretty_name = GetString(*os, "pretty_name").value_or("");
      f.findings.os.source = GetString(*os, "source").value_or("");
    }
    out.push_back(std::move(f));
  }
  return out;
}

std::string SerializeLayerFacts(const LayerAnalysis& la) {
  Json j = Json::object();
  j["whiteouts"] = StringsToJson(la.whiteouts);
  j["opaque"] = StringsToJson(la.opaque_dirs);
  Json links = Json::array();
  for (const auto& [a, b] : la.symlinks) links.push_back(Json::array({a, b}));
  j["symlinks"] = std::move(links);
  j["warnings"] = StringsToJson(la.warnings);
  j["entries"] = la.entries;
  j["file_bytes"] = la.file_bytes;
  return DumpJson(j);
}

Status ParseLayerFacts(std::string_view text, LayerAnalysis& la) {
  auto doc = ParseJson(text);
  if (!doc.ok() || !doc->is_object()) return DataLoss("cache: corrupt layer entry");
  la.whiteouts = StringsFromJson(GetArray(*doc, "whiteouts"));
  la.opaque_dirs = StringsFromJson(GetArray(*doc, "opaque"));
  la.warnings = StringsFromJson(GetArray(*doc, "warnings"));
  la.symlinks.clear();
  if (const Json* links = GetArray(*doc, "symlinks")) {
    for (const auto& l : *links) {
      if (l.is_array() && l.size() == 2 && l[0].is_string() && l[1].is_string())
        la.symlinks.emplace_back(l[0].get<std::string>(), l[1].get<std::string>());
    }
  }
  la.entries = static_cast<uint64_t>(GetInt(*doc, "entries").value_or(0));
  la.file_bytes = static_cast<uint64_t>(GetInt(*doc, "file_bytes").value_or(0));
  return Status::Ok();
}

}  // namespace surveyor::analyze
