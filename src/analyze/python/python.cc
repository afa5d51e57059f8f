#include "analyze/python/python.h"

#include "analyze/control.h"
#include "analyze/toml_lite.h"
#include "common/json.h"

namespace surveyor::analyze::python {
namespace {

constexpr uint64_t kMaxBytes = 32 << 20;

Package Make(std::string name, std::string version, bool dev = false) {
  Package p;
  p.type = PackageType::kPypi;
  p.name = std::move(name);
  p.version = std::move(version);
  p.dev = dev;
  return p;
}

bool IsRequirements(std::string_view base) {
  return StartsWith(base, "requirements") && EndsWith(base, ".txt");
}

class PythonAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "python"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    std::string_view base = BaseName(f.path);
    std::string_view dir = BaseName(ParentDir(f.path));
    if (base == "METADATA") return EndsWith(dir, ".dist-info");
    if (base == "PKG-INFO") return EndsWith(dir, ".egg-info");
    if (EndsWith(base, ".egg-info")) return true;  // single-file egg-info
    return base == "poetry.lock" || base == "Pipfile.lock" || base == "uv.lock" ||
           IsRequirements(base);
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(kMaxBytes));
    std::string_view base = BaseName(f.path);
    Findings out;
    if (base == "poetry.lock") {
      ASSIGN_OR_RETURN(out.packages, ParsePoetryLock(text));
    } else if (base == "Pipfile.lock") {
      ASSIGN_OR_RETURN(out.packages, ParsePipfileLock(text));
    } else if (base == "uv.lock") {
      ASSIGN_OR_RETURN(out.packages, ParseUvLock(text));
    } else if (IsRequirements(base)) {
      out.packages = ParseRequirements(text);
    } else {
      ASSIGN_OR_RETURN(Package p, ParseMetadata(text));
      out.packages.push_back(std::move(p));
    }
    return out;
  }
};

}  // namespace

Result<Package> ParseMetadata(std::string_view text) {
  // Headers end at the first blank line; the description body follows.
  size_t end = text.find("\n\n");
  std::string_view head = end == std::string_view::npos ? text : text.substr(0, end);
  std::vector<Stanza> st = ParseStanzas(head);
  if (st.empty()) return InvalidArgument("no metadata headers");
  std::string_view name = StanzaGet(st[0], "Name");
  std::string_view version = StanzaGet(st[0], "Version");
  if (name.empty() || version.empty()) return InvalidArgument("metadata without Name or Version");
  return Make(std::string(name), std::string(version));
}

Result<std::vector<Package>> ParsePoetryLock(std::string_view text) {
  ASSIGN_OR_RETURN(auto tables, ReadTomlArrayTables(text, "package"));
  std::vector<Package> out;
  for (auto& t : tables) {
    if (t["name"].empty() || t["version"].empty()) continue;
    out.push_back(Make(t["name"], t["version"], t["category"] == "dev"));
  }
  return out;
}

Result<std::vector<Package>> ParsePipfileLock(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument("Pipfile.lock is not an object");
  std::vector<Package> out;
  for (const char* section : {"default", "develop"}) {
    const Json* s = GetObject(doc, section);
    if (!s) continue;
    for (auto it = s->begin(); it != s->end(); ++it) {
      auto v = GetString(it.value(), "version");
      if (!v || v->rfind("==", 0) != 0) continue;
      out.push_back(Make(it.key(), v->substr(2), std::string_view(section) == "develop"));
    }
  }
  return out;
}

Result<std::vector<Package>> ParseUvLock(std::string_view text) {
  ASSIGN_OR_RETURN(auto tables, ReadTomlArrayTables(text, "package"));
  std::vector<Package> out;
  for (auto& t : tables) {
    const std::string& source = t["source"];
    if (source.find("virtual") != std::string::npos || source.find("editable") != std::string::npos)
      continue;
    if (t["name"].empty() || t["version"].empty()) continue;
    out.push_back(Make(t["name"], t["version"]));
  }
  return out;
}

std::vector<Package> ParseRequirements(std::string_view text) {
  std::vector<Package> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    size_t hash = line.find('#');
    if (hash != std::string_view::npos) line = line.substr(0, hash);
    size_t semi = line.find(';');
    if (semi != std::string_view::npos) line = line.substr(0, semi);
    size_t opt = line.find(" --");
    if (opt != std::string_view::npos) line = line.substr(0, opt);
    line = Trim(line);
    if (!line.empty() && line.back() == '\\') line = Trim(line.substr(0, line.size() - 1));
    if (line.empty() || line[0] == '-') continue;
    size_t eq = line.find("==");
    if (eq == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, eq));
    std::string_view version = Trim(line.substr(eq + 2));
    if (!version.empty() && version[0] == '=') version = Trim(version.substr(1));  // ===
    size_t bracket = name.find('[');
    if (bracket != std::string_view::npos) name = Trim(name.substr(0, bracket));
    if (name.empty() || version.empty() || version.find_first_of("*,<>! ") != std::string_view::npos)
      continue;
    out.push_back(Make(std::string(name), std::string(version)));
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<PythonAnalyzer>(); }

}  // namespace surveyor::analyze::python
