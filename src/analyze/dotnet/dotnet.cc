#include "analyze/dotnet/dotnet.h"

#include "common/json.h"

namespace surveyor::analyze::dotnet {
namespace {

class DepsJsonAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "dotnet-deps"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override { return EndsWith(f.path, ".deps.json"); }
  Result<Findings> Analyze(const FileMeta&, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(32 << 20));
    Findings out;
    ASSIGN_OR_RETURN(out.packages, ParseDepsJson(text));
    return out;
  }
};

}  // namespace

Result<std::vector<Package>> ParseDepsJson(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument("deps.json is not an object");
  const Json* libs = GetObject(doc, "libraries");
  if (!libs) return InvalidArgument("deps.json has no libraries");
  std::vector<Package> out;
  for (auto it = libs->begin(); it != libs->end(); ++it) {
    if (GetString(it.value(), "type").value_or("") != "package") continue;
    const std::string& key = it.key();
    size_t slash = key.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) continue;
    Package p;
    p.type = PackageType::kNuget;
    p.name = key.substr(0, slash);
    p.version = key.substr(slash + 1);
    out.push_back(std::move(p));
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<DepsJsonAnalyzer>(); }

}  // namespace surveyor::analyze::dotnet
