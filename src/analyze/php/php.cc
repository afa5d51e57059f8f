#include "analyze/php/php.h"

#include "common/json.h"

namespace surveyor::analyze::php {
namespace {

void Collect(const Json* list, bool dev, std::vector<Package>& out) {
  if (!list || !list->is_array()) return;
  for (const auto& e : *list) {
    auto name = GetString(e, "name");
    auto version = GetString(e, "version");
    if (!name || !version || name->empty() || version->empty()) continue;
    Package p;
    p.type = PackageType::kComposer;
    p.name = *name;
    p.version = (*version)[0] == 'v' ? version->substr(1) : *version;
    p.dev = dev || GetBool(e, "dev-requirement").value_or(false);
    out.push_back(std::move(p));
  }
}

class ComposerAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "composer"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    std::string_view base = BaseName(f.path);
    if (base == "composer.lock") return true;
    return base == "installed.json" && EndsWith(ParentDir(f.path), "vendor/composer");
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(32 << 20));
    Findings out;
    if (BaseName(f.path) == "composer.lock") {
      ASSIGN_OR_RETURN(out.packages, ParseComposerLock(text));
    } else {
      ASSIGN_OR_RETURN(out.packages, ParseInstalledJson(text));
    }
    return out;
  }
};

}  // namespace

Result<std::vector<Package>> ParseInstalledJson(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  std::vector<Package> out;
  if (doc.is_array()) Collect(&doc, false, out);
  else if (doc.is_object()) Collect(GetArray(doc, "packages"), false, out);
  else return InvalidArgument("installed.json is neither an array nor an object");
  return out;
}

Result<std::vector<Package>> ParseComposerLock(std::string_view text) {
  ASSIGN_OR_RETURN(Json doc, ParseJson(text));
  if (!doc.is_object()) return InvalidArgument("composer.lock is not an object");
  std::vector<Package> out;
  Collect(GetArray(doc, "packages"), false, out);
  Collect(GetArray(doc, "packages-dev"), true, out);
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<ComposerAnalyzer>(); }

}  // namespace surveyor::analyze::php
