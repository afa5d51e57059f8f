#include "analyze/rust/rust.h"

#include "analyze/toml_lite.h"

namespace surveyor::analyze::rust {
namespace {

class CargoAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "cargo"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override { return BaseName(f.path) == "Cargo.lock"; }
  Result<Findings> Analyze(const FileMeta&, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(32 << 20));
    Findings out;
    ASSIGN_OR_RETURN(out.packages, ParseCargoLock(text));
    return out;
  }
};

}  // namespace

Result<std::vector<Package>> ParseCargoLock(std::string_view text) {
  ASSIGN_OR_RETURN(auto tables, ReadTomlArrayTables(text, "package"));
  std::vector<Package> out;
  for (auto& t : tables) {
    if (t["name"].empty() || t["version"].empty() || t["source"].empty()) continue;
    Package p;
    p.type = PackageType::kCargo;
    p.name = t["name"];
    p.version = t["version"];
    out.push_back(std::move(p));
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<CargoAnalyzer>(); }

}  // namespace surveyor::analyze::rust
