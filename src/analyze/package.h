// The inventory vocabulary: a Package found in an image, the OS it runs on, and the ecosystem
// table (package type → OSV ecosystem → version scheme → purl type). Plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace surveyor::analyze {

enum class PackageType { kDpkg, kApk, kRpm, kNpm, kPypi, kMaven, kGo, kCargo, kGem, kComposer, kNuget };

struct EcosystemRow {
  PackageType type;
  std::string_view type_name;       // stable, stored in caches: "dpkg", "npm", ...
  std::string_view osv_ecosystem;   // language ecosystems; empty for OS ones (depends on the OS)
  std::string_view version_scheme;  // versions/ folder name
  std::string_view purl_type;
  bool os_package;
};

// One row per PackageType, in enum order.
const std::vector<EcosystemRow>& EcosystemTable();
const EcosystemRow& RowFor(PackageType type);
bool PackageTypeFromName(std::string_view name, PackageType& out);

struct OsInfo {
  std::string id;          // os-release ID: "debian", "alpine", "rhel", "ubuntu", ...
  std::string version_id;  // "12", "3.17.3"
  std::string pretty_name;
  std::string source;      // the file it was read from
  bool empty() const { return id.empty(); }
};

struct Package {
  PackageType type = PackageType::kNpm;
  std::string name;            // Maven: "groupId:artifactId"; Go: module path
  std::string version;         // rpm: "[epoch:]version-release"; dpkg: full version
  std::string source_name;     // dpkg Source, apk origin, rpm source rpm name
  std::string source_version;
  std::string arch;
  bool dev = false;            // a development-only dependency
  std::string path;            // the file it was found in (root-relative, no leading "/")
  std::string layer_digest;    // sourceLayerHash: the compressed layer's digest
  std::string layer_diff_id;
  std::string analyzer;        // "name@version"
  // Filled in when the inventory is assembled:
  std::string ecosystem;       // OSV ecosystem name, e.g. "Debian:12", "npm"
  std::string purl;
};

// OSV ecosystem of an OS package type given the detected OS ("Debian:12", "Alpine:v3.17",
// "Ubuntu:22.04", "Red Hat", "Rocky Linux", ...); empty when the OS is unknown.
std::string OsEcosystem(PackageType type, const OsInfo& os);
// package-url (https://github.com/package-url/purl-spec) for a package on `os`.
std::string MakePurl(const Package& p, const OsInfo& os);
// Percent-encodes everything outside purl's unreserved set.
std::string PurlEscape(std::string_view s);

}  // namespace surveyor::analyze
