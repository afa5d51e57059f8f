#include "analyze/os_release/os_release.h"

#include <cctype>
#include <string>

#include "analyze/control.h"

namespace surveyor::analyze::os_release {
namespace {

std::string Unquote(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) ++i;
    out += v[i];
  }
  return out;
}

std::string FirstLine(std::string_view text) {
  size_t nl = text.find('\n');
  return std::string(Trim(text.substr(0, nl)));
}

struct Path {
  std::string_view path;
  int priority;
};
constexpr Path kPaths[] = {
    {"etc/os-release", 0},       {"usr/lib/os-release", 1},   {"etc/alpine-release", 2},
    {"etc/redhat-release", 3},   {"etc/centos-release", 3},   {"etc/rocky-release", 3},
    {"etc/almalinux-release", 3}, {"etc/fedora-release", 3},  {"etc/oracle-release", 3},
    {"etc/debian_version", 4},
};

class OsReleaseAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "os-release"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override { return DetectionPriority(f.path) >= 0; }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    ASSIGN_OR_RETURN(std::string text, content.ReadAll(64 << 10));
    Result<OsInfo> os = InvalidArgument("unknown file");
    std::string_view base = BaseName(f.path);
    if (base == "os-release") os = ParseOsRelease(text);
    else if (base == "alpine-release") os = ParseAlpineRelease(text);
    else if (base == "debian_version") os = ParseDebianVersion(text);
    else os = ParseRedhatRelease(text);
    if (!os.ok()) return os.status();
    Findings out;
    out.os = std::move(*os);
    out.os.source = std::string(f.path);
    return out;
  }
};

}  // namespace

int DetectionPriority(std::string_view path) {
  for (const auto& p : kPaths)
    if (p.path == path) return p.priority;
  return -1;
}

Result<OsInfo> ParseOsRelease(std::string_view text) {
  OsInfo os;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = Trim(text.substr(i, j - i));
    i = j + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = Trim(line.substr(0, eq));
    std::string value = Unquote(line.substr(eq + 1));
    if (key == "ID") os.id = value;
    else if (key == "VERSION_ID") os.version_id = value;
    else if (key == "PRETTY_NAME") os.pretty_name = value;
  }
  if (os.id.empty()) return InvalidArgument("os-release has no ID");
  for (auto& c : os.id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return os;
}

Result<OsInfo> ParseAlpineRelease(std::string_view text) {
  std::string v = FirstLine(text);
  if (v.empty() || !std::isdigit(static_cast<unsigned char>(v[0])))
    return InvalidArgument("alpine-release does not start with a version");
  return OsInfo{"alpine", v, "Alpine Linux v" + v, ""};
}

Result<OsInfo> ParseDebianVersion(std::string_view text) {
  std::string v = FirstLine(text);
  if (v.empty()) return InvalidArgument("empty debian_version");
  OsInfo os{"debian", "", "Debian GNU/Linux", ""};
  if (std::isdigit(static_cast<unsigned char>(v[0]))) os.version_id = v;
  return os;
}

Result<OsInfo> ParseRedhatRelease(std::string_view text) {
  std::string line = FirstLine(text);
  size_t pos = line.find(" release ");
  if (pos == std::string::npos) return InvalidArgument("no ' release ' in redhat-release");
  std::string name = line.substr(0, pos);
  std::string rest = line.substr(pos + 9);
  std::string version = rest.substr(0, rest.find(' '));
  OsInfo os;
  os.pretty_name = line;
  os.version_id = version;
  auto has = [&](std::string_view s) { return name.find(s) != std::string::npos; };
  if (has("Red Hat")) os.id = "rhel";
  else if (has("CentOS")) os.id = "centos";
  else if (has("Rocky")) os.id = "rocky";
  else if (has("AlmaLinux")) os.id = "almalinux";
  else if (has("Fedora")) os.id = "fedora";
  else if (has("Oracle")) os.id = "ol";
  else return InvalidArgument("unknown Red Hat family distribution: " + name);
  return os;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<OsReleaseAnalyzer>(); }

}  // namespace surveyor::analyze::os_release
