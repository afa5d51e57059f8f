#include "analyze/dpkg/dpkg.h"

#include "analyze/control.h"

namespace surveyor::analyze::dpkg {
namespace {

constexpr uint64_t kMaxStatusBytes = 40 << 20;
constexpr uint64_t kMaxListBytes = 16 << 20;

bool IsStatusDEntry(std::string_view path) {
  if (!StartsWith(path, "var/lib/dpkg/status.d/")) return false;
  std::string_view base = BaseName(path);
  if (ParentDir(path) != "var/lib/dpkg/status.d" || base.empty()) return false;
  // status.d holds "<pkg>" control files plus "<pkg>.md5sums" and maintainer scripts.
  for (std::string_view ext : {".md5sums", ".preinst", ".postinst", ".prerm", ".postrm",
                               ".conffiles", ".list", ".triggers", ".shlibs", ".symbols"}) {
    if (EndsWith(base, ext)) return false;
  }
  return true;
}

class DpkgAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "dpkg"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override {
    if (f.path == "var/lib/dpkg/status") return true;
    if (StartsWith(f.path, "var/lib/dpkg/info/") && EndsWith(f.path, ".list")) return true;
    return IsStatusDEntry(f.path);
  }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    Findings out;
    if (EndsWith(f.path, ".list")) {
      ASSIGN_OR_RETURN(std::string text, content.ReadAll(kMaxListBytes));
      out.owned_files = ParseList(text);
      return out;
    }
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(kMaxStatusBytes));
    ASSIGN_OR_RETURN(StatusParse parsed, ParseStatus(text));
    out.packages = std::move(parsed.packages);
    if (parsed.malformed)
      out.warnings.push_back(std::to_string(parsed.malformed) + " malformed stanza(s) skipped");
    return out;
  }
};

}  // namespace

Result<StatusParse> ParseStatus(std::string_view text) {
  size_t bad_lines = 0;
  std::vector<Stanza> stanzas = ParseStanzas(text, &bad_lines);
  if (stanzas.empty()) return InvalidArgument("no dpkg stanza found");
  StatusParse out;
  for (const Stanza& s : stanzas) {
    std::string_view name = StanzaGet(s, "Package");
    std::string_view version = StanzaGet(s, "Version");
    if (name.empty() || version.empty()) {
      ++out.malformed;
      continue;
    }
    std::string_view status = StanzaGet(s, "Status");
    if (!status.empty()) {
      // "want flag status": only "installed" counts.
      size_t last = status.rfind(' ');
      std::string_view state = last == std::string_view::npos ? status : status.substr(last + 1);
      if (state != "installed") {
        ++out.skipped;
        continue;
      }
    }
    Package p;
    p.type = PackageType::kDpkg;
    p.name = std::string(name);
    p.version = std::string(version);
    p.arch = std::string(StanzaGet(s, "Architecture"));
    std::string_view source = Trim(StanzaGet(s, "Source"));
    if (source.empty()) {
      p.source_name = p.name;
      p.source_version = p.version;
    } else {
      size_t paren = source.find('(');
      if (paren != std::string_view::npos) {
        p.source_name = std::string(Trim(source.substr(0, paren)));
        size_t close = source.find(')', paren);
        p.source_version = std::string(Trim(source.substr(paren + 1, close == std::string_view::npos
                                                                          ? std::string_view::npos
                                                                          : close - paren - 1)));
      } else {
        p.source_name = std::string(source);
        p.source_version = p.version;
      }
    }
    out.packages.push_back(std::move(p));
  }
  if (out.packages.empty() && out.skipped == 0 && out.malformed > 0)
    return InvalidArgument("no valid dpkg stanza (" + std::to_string(out.malformed) + " malformed)");
  return out;
}

std::vector<std::string> ParseList(std::string_view text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = Trim(text.substr(i, j - i));
    i = j + 1;
    while (!line.empty() && line.front() == '/') line.remove_prefix(1);
    if (line.empty() || line == ".") continue;
    out.emplace_back(line);
  }
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<DpkgAnalyzer>(); }

}  // namespace surveyor::analyze::dpkg
