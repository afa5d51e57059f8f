#include "analyze/package.h"

#include <cctype>
#include <cstdio>

namespace surveyor::analyze {

const std::vector<EcosystemRow>& EcosystemTable() {
  static const std::vector<EcosystemRow> kTable = {
      {PackageType::kDpkg, "dpkg", "", "dpkg", "deb", true},
      {PackageType::kApk, "apk", "", "apk", "apk", true},
      {PackageType::kRpm, "rpm", "", "rpm", "rpm", true},
      {PackageType::kNpm, "npm", "npm", "semver", "npm", false},
      {PackageType::kPypi, "python", "PyPI", "pep440", "pypi", false},
      {PackageType::kMaven, "maven", "Maven", "maven", "maven", false},
      {PackageType::kGo, "go", "Go", "golang", "golang", false},
      {PackageType::kCargo, "cargo", "crates.io", "semver", "cargo", false},
      {PackageType::kGem, "gem", "RubyGems", "rubygems", "gem", false},
      {PackageType::kComposer, "composer", "Packagist", "composer", "composer", false},
      {PackageType::kNuget, "nuget", "NuGet", "nuget", "nuget", false},
  };
  return kTable;
}

const EcosystemRow& RowFor(PackageType type) {
  return EcosystemTable()[static_cast<size_t>(type)];
}

bool PackageTypeFromName(std::string_view name, PackageType& out) {
  for (const auto& row : EcosystemTable()) {
    if (row.type_name == name) {
      out = row.type;
      return true;
    }
  }
  return false;
}

namespace {
std::string MajorOf(const std::string& v) { return v.substr(0, v.find('.')); }
std::string MajorMinorOf(const std::string& v) {
  size_t a = v.find('.');
  if (a == std::string::npos) return v;
  size_t b = v.find('.', a + 1);
  return v.substr(0, b);
}
}  // namespace

std::string OsEcosystem(PackageType type, const OsInfo& os) {
  if (os.empty()) return "";
  switch (type) {
    case PackageType::kDpkg:
      if (os.id == "debian") return os.version_id.empty() ? "Debian" : "Debian:" + MajorOf(os.version_id);
      if (os.id == "ubuntu") return "Ubuntu:" + os.version_id;
      return "";
    case PackageType::kApk:
      if (os.id == "alpine") return "Alpine:v" + MajorMinorOf(os.version_id);
      return "";
    case PackageType::kRpm:
      if (os.id == "rhel") return "Red Hat";
      if (os.id == "rocky") return "Rocky Linux";
      if (os.id == "almalinux") return "AlmaLinux";
      if (os.id == "opensuse-leap") return "openSUSE:Leap " + os.version_id;
      if (os.id == "sles") return "SUSE:Linux Enterprise Server " + os.version_id;
      return "";
    default:
      return std::string(RowFor(type).osv_ecosystem);
  }
}

std::string PurlEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

namespace {
std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
// Escapes each "/"-separated segment of a namespace/name.
std::string EscapeSegments(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (true) {
    size_t j = s.find('/', i);
    out += PurlEscape(s.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    out += '/';
    i = j + 1;
  }
  return out;
}
}  // namespace

std::string MakePurl(const Package& p, const OsInfo& os) {
  std::string base = "pkg:" + std::string(RowFor(p.type).purl_type) + "/";
  std::string name;
  std::string qualifiers;
  auto add_q = [&](std::string_view k, std::string_view v) {
    if (v.empty()) return;
    qualifiers += qualifiers.empty() ? "?" : "&";
    qualifiers += std::string(k) + "=" + PurlEscape(v);
  };
  switch (p.type) {
    case PackageType::kDpkg:
    case PackageType::kApk:
    case PackageType::kRpm: {
      std::string ns = os.id.empty() ? (p.type == PackageType::kDpkg ? "debian"
                                        : p.type == PackageType::kApk ? "alpine" : "redhat")
                                     : (os.id == "rhel" ? "redhat" : os.id);
      name = PurlEscape(ns) + "/" + PurlEscape(p.name);
      add_q("arch", p.arch);
      if (!os.id.empty()) add_q("distro", os.id + "-" + os.version_id);
      break;
    }
    case PackageType::kPypi: {
      std::string n = Lower(p.name);
      for (auto& c : n)
        if (c == '_' || c == '.') c = '-';
      name = PurlEscape(n);
      break;
    }
    case PackageType::kMaven: {
      size_t colon = p.name.find(':');
      name = colon == std::string::npos
                 ? PurlEscape(p.name)
                 : PurlEscape(p.name.substr(0, colon)) + "/" + PurlEscape(p.name.substr(colon + 1));
      break;
    }
    case PackageType::kNpm:
    case PackageType::kGo:
    case PackageType::kComposer:
      name = EscapeSegments(p.name);
      break;
    default:
      name = PurlEscape(p.name);
  }
  std::string out = base + name;
  if (!p.version.empty()) out += "@" + PurlEscape(p.version);
  return out + qualifiers;
}

}  // namespace surveyor::analyze
