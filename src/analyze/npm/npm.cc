#include "analyze/npm/npm.h"

#include <yaml-cpp/yaml.h>

#include <set>

#include "analyze/control.h"
#include "common/json.h"

namespace surveyor::analyze::npm {
namespace {

constexpr uint64_t kMaxLockBytes = 32 << 20;

Package Make(std::string name, std::string version, bool dev) {
  Package p;
  p.type = PackageType::kNpm;
  p.name = std::move(name);
  p.version = std::move(version);
  p.dev = dev;
  return p;
}

// "node_modules/a/node_modules/@s/b" → "@s/b".
std::string NameFromLockPath(std::string_view path) {
  constexpr std::string_view kNm = "node_modules/";
  size_t pos = path.rfind(kNm);
  if (pos == std::string_view::npos) return std::string();
  return std::string(path.substr(pos + kNm.size()));
}

void WalkV1(const Json& deps, std::vector<Package>& out, int depth) {
  if (!deps.is_object() || depth > 64) return;
  for (auto it = deps.begin(); it != deps.end(); ++it) {
    const Json& d = it.value();
    if (!d.is_object()) continue;
    auto version = GetString(d, "version");
    if (version && !version->empty()) {
      std::string name = it.key();
      std::string v = *version;
      // Aliases: "npm:real-name@1.2.3".
      if (v.rfind("npm:", 0) == 0) {
        size_t at = v.rfind('@');
        if (at != std::string::npos && at > 4) {
          name = v.substr(4, at - 4);
          v = v.substr(at + 1);
        }
      }
      out.push_back(Make(name, v, GetBool(d, "dev").value_or(false)));
    }
    if (const Json* nested = GetObject(d, "dependencies")) WalkV1(*nested, out, depth + 1);
  }
}

// "name@range" or "alias@npm:real@range" → package name.
std::string YarnSpecName(std::string_view spec) {
  spec = Trim(spec);
  if (!spec.empty() && spec.front() == '"') spec.remove_prefix(1);
  if (!spec.empty() && spec.back() == '"') spec.remove_suffix(1);
  size_t at = spec.find('@', 1);
  if (at == std::string_view::npos) return std::string(spec);
  std::string_view rest = spec.substr(at + 1);
  if (rest.rfind("npm:", 0) == 0) {
    rest.remove_prefix(4);
    size_t at2 = rest.find('@', 1);
    if (at2 != std::string_view::npos && rest.find('@', 1) != 0) return std::string(rest.substr(0, at2));
  }
  return std::string(spec.substr(0, at));
}

std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

class NpmAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "npm"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    std::string_view base = BaseName(f.path);
    if (base == "package-lock.json" || base == "npm-shrinkwrap.json" || base == "yarn.lock" ||
        base == "pnpm-lock.yaml") {
      // node_modules/.package-lock.json is npm's hidden lockfile; the packages are seen anyway.
      return f.path.find("node_modules/") == std::string_view::npos;
    }
    if (base == "package.json") {
      std::string_view dir = ParentDir(f.path);
      std::string_view up = ParentDir(dir);
      if (!up.empty() && BaseName(up)[0] == '@') up = ParentDir(up);
      return BaseName(up) == "node_modules";
    }
    return false;
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(kMaxLockBytes));
    std::string_view base = BaseName(f.path);
    Findings out;
    if (base == "package.json") {
      ASSIGN_OR_RETURN(Package p, ParsePackageJson(text));
      out.packages.push_back(std::move(p));
      return out;
    }
    Result<std::vector<Package>> r = base == "yarn.lock"        ? ParseYarnLock(text)
                                     : base == "pnpm-lock.yaml" ? ParsePnpmLock(text)
                                                                : ParsePackageLock(text);
    if (!r.ok()) return r.status();
    out.packages = std::move(*r);
    return out;
  }
};

}  // namespace

Result<std::vector<Package>> ParsePackageLock(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument("package-lock is not a JSON object");
  std::vector<Package> out;
  if (const Json* packages = GetObject(doc, "packages")) {
    for (auto it = packages->begin(); it != packages->end(); ++it) {
      const std::string& path = it.key();
      const Json& e = it.value();
      if (path.empty() || !e.is_object()) continue;
      if (GetBool(e, "link").value_or(false)) continue;
      auto version = GetString(e, "version");
      if (!version || version->empty()) continue;
      std::string name = GetString(e, "name").value_or(NameFromLockPath(path));
      if (name.empty()) continue;  // a workspace member outside node_modules
      bool dev = GetBool(e, "dev").value_or(false) || GetBool(e, "devOptional").value_or(false);
      out.push_back(Make(name, *version, dev));
    }
    return out;
  }
  if (const Json* deps = GetObject(doc, "dependencies")) {
    WalkV1(*deps, out, 0);
    return out;
  }
  if (!doc.contains("lockfileVersion")) return InvalidArgument("no lockfileVersion, packages or dependencies");
  return out;
}

Result<std::vector<Package>> ParseYarnLock(std::string_view text) {
  std::vector<Package> out;
  bool berry = text.find("__metadata:") != std::string_view::npos;
  std::string cur_name;
  bool in_entry = false;
  std::string version;
  std::string resolution;
  bool skip = false;
  auto flush = [&] {
    if (in_entry && !skip && !version.empty()) {
      std::string name = cur_name;
      if (berry && !resolution.empty()) {
        size_t at = resolution.find('@', 1);
        if (at != std::string::npos) {
          name = resolution.substr(0, at);
          std::string proto = resolution.substr(at + 1);
          if (proto.rfind("workspace:", 0) == 0 || proto.rfind("link:", 0) == 0 ||
              proto.rfind("portal:", 0) == 0)
            name.clear();
        }
      }
      if (!name.empty()) out.push_back(Make(name, version, false));
    }
    in_entry = false;
    version.clear();
    resolution.clear();
    skip = false;
  };
  size_t i = 0;
  size_t lines = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    ++lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line[0] == '#') continue;
    if (line[0] != ' ') {
      flush();
      if (line.back() != ':') return InvalidArgument("yarn.lock: unexpected line " + std::to_string(lines));
      std::string_view header = line.substr(0, line.size() - 1);
      if (header == "__metadata") { in_entry = true; skip = true; continue; }
      std::string_view first = header.substr(0, header.find(", "));
      cur_name = YarnSpecName(first);
      in_entry = true;
      continue;
    }
    if (!in_entry) continue;
    std::string_view t = Trim(line);
    if (line.size() > 2 && line[2] == ' ') continue;  // nested (dependencies: ...)
    if (t.rfind("version", 0) == 0) {
      std::string_view v = t.substr(7);
      if (!v.empty() && v[0] == ':') v.remove_prefix(1);
      version = Unquote(v);
    } else if (t.rfind("resolution:", 0) == 0) {
      resolution = Unquote(t.substr(11));
    }
  }
  flush();
  return out;
}

namespace {
// "/name/1.2.3", "/@s/n/1.2.3", "/name@1.2.3(peer@1)", "name@1.2.3" → name, version.
bool SplitPnpmKey(std::string key, std::string& name, std::string& version) {
  size_t paren = key.find('(');
  if (paren != std::string::npos) key.resize(paren);
  if (!key.empty() && key[0] == '/') key.erase(0, 1);
  size_t at = key.find('@', 1);
  if (at != std::string::npos && key.find('/', at) == std::string::npos) {
    name = key.substr(0, at);
    version = key.substr(at + 1);
  } else {
    size_t slash = key.rfind('/');
    if (slash == std::string::npos) return false;
    name = key.substr(0, slash);
    version = key.substr(slash + 1);
    size_t us = version.find('_');  // v5 peer suffix "1.2.3_peer@1"
    if (us != std::string::npos) version.resize(us);
  }
  return !name.empty() && !version.empty() && (std::isdigit(static_cast<unsigned char>(version[0])));
}
}  // namespace

Result<std::vector<Package>> ParsePnpmLock(std::string_view text) {
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(text));
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("pnpm-lock.yaml: ") + e.what());
  }
  std::vector<Package> out;
  try {
    if (!doc.IsMap()) {
      if (doc.IsNull()) return out;
      return InvalidArgument("pnpm-lock.yaml is not a mapping");
    }
    YAML::Node packages = doc["packages"];
    if (!packages || !packages.IsMap()) return out;
    // v9 marks dev-ness only through importers: collect names of dev-only direct deps.
    std::set<std::string> seen;
    for (auto it = packages.begin(); it != packages.end(); ++it) {
      std::string key = it->first.as<std::string>();
      std::string name, version;
      YAML::Node v = it->second;
      if (v.IsMap() && v["name"] && v["version"]) {
        name = v["name"].as<std::string>();
        version = v["version"].as<std::string>();
      } else if (!SplitPnpmKey(key, name, version)) {
        continue;
      }
      bool dev = v.IsMap() && v["dev"] && v["dev"].as<std::string>() == "true";
      if (!seen.insert(name + "@" + version).second) continue;
      out.push_back(Make(name, version, dev));
    }
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("pnpm-lock.yaml: ") + e.what());
  }
  return out;
}

Result<Package> ParsePackageJson(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument("package.json is not an object");
  auto name = GetString(doc, "name");
  auto version = GetString(doc, "version");
  if (!name || name->empty() || !version || version->empty())
    return InvalidArgument("package.json without name or version");
  return Make(*name, *version, false);
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<NpmAnalyzer>(); }

}  // namespace surveyor::analyze::npm
