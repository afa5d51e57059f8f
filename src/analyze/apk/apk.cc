#include "analyze/apk/apk.h"

#include "analyze/control.h"

namespace surveyor::analyze::apk {
namespace {

class ApkAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "apk"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override { return f.path == "lib/apk/db/installed"; }
  Result<Findings> Analyze(const FileMeta&, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(32 << 20));
    ASSIGN_OR_RETURN(InstalledParse parsed, ParseInstalled(text));
    Findings out;
    out.packages = std::move(parsed.packages);
    out.owned_files = std::move(parsed.owned_files);
    if (parsed.malformed)
      out.warnings.push_back(std::to_string(parsed.malformed) + " malformed record(s) skipped");
    return out;
  }
};

}  // namespace

Result<InstalledParse> ParseInstalled(std::string_view text) {
  InstalledParse out;
  Package cur;
  bool in_record = false;
  std::string dir;
  size_t bad_lines = 0;
  auto flush = [&] {
    if (!in_record) return;
    if (cur.name.empty() || cur.version.empty()) {
      ++out.malformed;
    } else {
      cur.type = PackageType::kApk;
      if (cur.source_name.empty()) cur.source_name = cur.name;
      cur.source_version = cur.version;
      out.packages.push_back(cur);
    }
    cur = Package();
    dir.clear();
    in_record = false;
  };
  size_t i = 0;
  while (i <= text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      flush();
      if (j == text.size()) break;
      continue;
    }
    if (line.size() < 2 || line[1] != ':') {
      ++bad_lines;
      continue;
    }
    in_record = true;
    std::string_view v = line.substr(2);
    switch (line[0]) {
      case 'P': cur.name = std::string(v); break;
      case 'V': cur.version = std::string(v); break;
      case 'A': cur.arch = std::string(v); break;
      case 'o': cur.source_name = std::string(v); break;
      case 'F': dir = std::string(v); out.owned_files.push_back(dir); break;
      case 'R':
        out.owned_files.push_back(dir.empty() ? std::string(v) : dir + "/" + std::string(v));
        break;
      default: break;
    }
    if (j == text.size()) break;
  }
  flush();
  if (out.packages.empty() && (out.malformed > 0 || bad_lines > 0))
    return InvalidArgument("no valid apk record");
  if (out.packages.empty() && text.find_first_not_of(" \t\r\n") != std::string_view::npos)
    return InvalidArgument("no apk record found");
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<ApkAnalyzer>(); }

}  // namespace surveyor::analyze::apk
