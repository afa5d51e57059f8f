#include "analyze/ruby/ruby.h"

#include "analyze/control.h"

namespace surveyor::analyze::ruby {
namespace {

Package Make(std::string name, std::string version) {
  Package p;
  p.type = PackageType::kGem;
  p.name = std::move(name);
  p.version = std::move(version);
  return p;
}

// The first quoted string after `key =` on a line such as `  s.name = "x".freeze`.
bool Assigned(std::string_view line, std::string_view key, std::string& out) {
  size_t k = line.find(key);
  if (k == std::string_view::npos) return false;
  std::string_view rest = Trim(line.substr(k + key.size()));
  if (rest.empty() || rest[0] != '=') return false;
  rest = Trim(rest.substr(1));
  if (rest.rfind("Gem::Version.new(", 0) == 0) rest = Trim(rest.substr(17));
  if (rest.empty() || (rest[0] != '"' && rest[0] != '\'')) return false;
  size_t close = rest.find(rest[0], 1);
  if (close == std::string_view::npos) return false;
  out = std::string(rest.substr(1, close - 1));
  return true;
}

class RubyAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "ruby"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    std::string_view base = BaseName(f.path);
    if (base == "Gemfile.lock") return true;
    return EndsWith(base, ".gemspec") && BaseName(ParentDir(f.path)) == "specifications";
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(8 << 20));
    Findings out;
    if (BaseName(f.path) == "Gemfile.lock") {
      ASSIGN_OR_RETURN(out.packages, ParseGemfileLock(text));
    } else {
      ASSIGN_OR_RETURN(Package p, ParseGemspec(text));
      out.packages.push_back(std::move(p));
    }
    return out;
  }
};

}  // namespace

Result<Package> ParseGemspec(std::string_view text) {
  std::string name, version;
  size_t i = 0;
  while (i < text.size() && (name.empty() || version.empty())) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    if (name.empty()) Assigned(line, ".name", name);
    if (version.empty()) Assigned(line, ".version", version);
  }
  if (name.empty() || version.empty()) return InvalidArgument("gemspec without name or version");
  return Make(name, version);
}

Result<std::vector<Package>> ParseGemfileLock(std::string_view text) {
  std::vector<Package> out;
  bool in_gem = false, in_specs = false, any_section = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] != ' ') {
      any_section = true;
      in_gem = line == "GEM";
      in_specs = false;
      continue;
    }
    if (!in_gem) continue;
    if (line == "  specs:") {
      in_specs = true;
      continue;
    }
    // Exactly four spaces: a gem; six: one of its dependencies.
    if (!in_specs || line.size() < 5 || line.substr(0, 4) != "    " || line[4] == ' ') continue;
    std::string_view spec = line.substr(4);
    size_t paren = spec.find(" (");
    if (paren == std::string_view::npos || spec.back() != ')') continue;
    std::string version(spec.substr(paren + 2, spec.size() - paren - 3));
    // "1.13.8-x86_64-linux" platform gems: keep the version part.
    size_t dash = version.find('-');
    if (dash != std::string::npos) version.resize(dash);
    out.push_back(Make(std::string(spec.substr(0, paren)), version));
  }
  if (!any_section) return InvalidArgument("not a Gemfile.lock");
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<RubyAnalyzer>(); }

}  // namespace surveyor::analyze::ruby
