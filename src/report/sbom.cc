#include "report/sbom.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <sstream>

#include "common/json.h"

namespace surveyor::report {
namespace {

using analyze::Package;

std::string OsName(const analyze::OsInfo& os) {
  return os.empty() ? "" : os.id + " " + os.version_id;
}

OrderedJson Properties(const Package& p) {
  OrderedJson props = OrderedJson::array();
  auto add = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) props.push_back({{"name", std::string(k)}, {"value", v}});
  };
  add("surveyor:ecosystem", p.ecosystem);
  add("surveyor:sourceLayerHash", p.layer_digest);
  add("surveyor:layerDiffID", p.layer_diff_id);
  add("surveyor:filePath", "/" + p.path);
  add("surveyor:analyzer", p.analyzer);
  add("surveyor:sourcePackage", p.source_name);
  add("surveyor:sourceVersion", p.source_version);
  add("surveyor:arch", p.arch);
  if (p.dev) add("surveyor:dev", "true");
  return props;
}

std::string Json(const analyze::ImageAnalysis& a) {
  OrderedJson doc;
  doc["schema"] = "surveyor.inventory/v1";
  doc["image"] = {{"reference", a.info.reference},
                  {"manifestDigest", a.info.manifest_digest},
                  {"platform", a.info.platform}};
  const auto& os = a.inventory.os;
  doc["os"] = os.empty() ? OrderedJson(nullptr)
                         : OrderedJson{{"id", os.id}, {"versionId", os.version_id},
                                       {"prettyName", os.pretty_name}, {"source", "/" + os.source}};
  OrderedJson layers = OrderedJson::array();
  for (const auto& l : a.layers)
    layers.push_back({{"digest", l.digest}, {"diffID", l.diff_id}, {"cached", !l.walked},
                      {"entries", l.entries}});
  doc["layers"] = layers;
  doc["analyzers"] = a.analyzers;
  OrderedJson pkgs = OrderedJson::array();
  for (const auto& p : a.inventory.packages) {
    OrderedJson j;
    j["name"] = p.name;
    j["version"] = p.version;
    j["type"] = std::string(analyze::RowFor(p.type).type_name);
    j["ecosystem"] = p.ecosystem;
    j["purl"] = p.purl;
    if (!p.source_name.empty()) j["sourceName"] = p.source_name;
    if (!p.source_version.empty()) j["sourceVersion"] = p.source_version;
    if (!p.arch.empty()) j["arch"] = p.arch;
    if (p.dev) j["dev"] = true;
    j["sourceLayerHash"] = p.layer_digest;
    j["path"] = "/" + p.path;
    j["analyzer"] = p.analyzer;
    pkgs.push_back(std::move(j));
  }
  doc["packages"] = pkgs;
  doc["warnings"] = a.inventory.warnings;
  return DumpJson(doc, 2) + "\n";
}

std::string Table(const analyze::ImageAnalysis& a) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"NAME", "VERSION", "ECOSYSTEM", "SOURCE", "PATH"});
  for (const auto& p : a.inventory.packages) {
    std::string src = p.source_name.empty() || (p.source_name == p.name && p.source_version == p.version)
                          ? "" : p.source_name + (p.source_version.empty() ? "" : " " + p.source_version);
    rows.push_back({p.name, p.version + (p.dev ? " (dev)" : ""), p.ecosystem, src, "/" + p.path});
  }
  std::vector<size_t> w(rows[0].size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(r[i].size(), 60));
  std::ostringstream out;
  out << "Image: " << a.info.reference << " (" << a.info.manifest_digest << ")\n";
  out << "OS: " << (a.inventory.os.empty() ? "unknown" : a.inventory.os.pretty_name.empty() ? OsName(a.inventory.os) : a.inventory.os.pretty_name) << "\n";
  out << "Packages: " << a.inventory.packages.size() << "\n\n";
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) {
      std::string cell = r[i].size() > 60 ? r[i].substr(0, 57) + "..." : r[i];
      out << cell;
      if (i + 1 < r.size()) out << std::string(w[i] - cell.size() + 2, ' ');
    }
    out << "\n";
  }
  if (!a.inventory.warnings.empty()) {
    out << "\nWarnings (" << a.inventory.warnings.size() << "):\n";
    for (const auto& wn : a.inventory.warnings) out << "  " << wn << "\n";
  }
  return out.str();
}

std::string CycloneDx(const analyze::ImageAnalysis& a, const SbomContext& ctx) {
  OrderedJson doc;
  doc["bomFormat"] = "CycloneDX";
  doc["specVersion"] = "1.5";
  doc["serialNumber"] = "urn:uuid:" + ctx.uuid;
  doc["version"] = 1;
  OrderedJson meta;
  meta["timestamp"] = ctx.timestamp;
  meta["tools"] = {{"components", OrderedJson::array({{{"type", "application"}, {"name", "surveyor"},
                                                       {"version", ctx.tool_version}}})}};
  OrderedJson image = {{"type", "container"}, {"bom-ref", "image"}, {"name", a.info.reference}};
  if (!a.info.manifest_digest.empty()) image["version"] = a.info.manifest_digest;
  meta["component"] = image;
  doc["metadata"] = meta;
  OrderedJson comps = OrderedJson::array();
  std::vector<std::string> refs;
  if (!a.inventory.os.empty()) {
    comps.push_back({{"type", "operating-system"}, {"bom-ref", "os"}, {"name", a.inventory.os.id},
                     {"version", a.inventory.os.version_id},
                     {"description", a.inventory.os.pretty_name}});
    refs.push_back("os");
  }
  const std::vector<std::string> package_refs = ComponentRefs(a.inventory);
  for (size_t i = 0; i < a.inventory.packages.size(); ++i) {
    const auto& p = a.inventory.packages[i];
    const std::string& ref = package_refs[i];
    OrderedJson c;
    c["type"] = "library";
    c["bom-ref"] = ref;
    size_t colon = p.type == analyze::PackageType::kMaven ? p.name.find(':') : std::string::npos;
    if (colon != std::string::npos) {
      c["group"] = p.name.substr(0, colon);
      c["name"] = p.name.substr(colon + 1);
    } else {
      c["name"] = p.name;
    }
    c["version"] = p.version;
    if (p.dev) c["scope"] = "optional";
    if (!p.purl.empty()) c["purl"] = p.purl;
    c["properties"] = Properties(p);
    comps.push_back(std::move(c));
    refs.push_back(ref);
  }
  doc["components"] = comps;
  doc["dependencies"] = OrderedJson::array({{{"ref", "image"}, {"dependsOn", refs}}});
  return DumpJson(doc, 2) + "\n";
}

std::string SpdxId(std::string_view s) {
  std::string out;
  for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '-';
  return out;
}

std::string Spdx(const analyze::ImageAnalysis& a, const SbomContext& ctx) {
  OrderedJson doc;
  doc["spdxVersion"] = "SPDX-2.3";
  doc["dataLicense"] = "CC0-1.0";
  doc["SPDXID"] = "SPDXRef-DOCUMENT";
  doc["name"] = a.info.reference;
  doc["documentNamespace"] = "urn:uuid:" + ctx.uuid;
  doc["creationInfo"] = {{"created", ctx.timestamp},
                         {"creators", OrderedJson::array({"Tool: surveyor-" + ctx.tool_version})}};
  OrderedJson pkgs = OrderedJson::array();
  OrderedJson rels = OrderedJson::array();
  OrderedJson image = {{"name", a.info.reference},
                       {"SPDXID", "SPDXRef-Image"},
                       {"downloadLocation", "NOASSERTION"},
                       {"filesAnalyzed", false},
                       {"primaryPackagePurpose", "CONTAINER"}};
  if (!a.info.manifest_digest.empty()) image["versionInfo"] = a.info.manifest_digest;
  pkgs.push_back(image);
  rels.push_back({{"spdxElementId", "SPDXRef-DOCUMENT"}, {"relationshipType", "DESCRIBES"},
                  {"relatedSpdxElement", "SPDXRef-Image"}});
  if (!a.inventory.os.empty()) {
    pkgs.push_back({{"name", a.inventory.os.id}, {"SPDXID", "SPDXRef-OperatingSystem"},
                    {"versionInfo", a.inventory.os.version_id}, {"downloadLocation", "NOASSERTION"},
                    {"filesAnalyzed", false}, {"primaryPackagePurpose", "OPERATING-SYSTEM"}});
    rels.push_back({{"spdxElementId", "SPDXRef-Image"}, {"relationshipType", "CONTAINS"},
                    {"relatedSpdxElement", "SPDXRef-OperatingSystem"}});
  }
  size_t n = 0;
  for (const auto& p : a.inventory.packages) {
    std::string id = "SPDXRef-Package-" + std::to_string(++n) + "-" + SpdxId(std::string(analyze::RowFor(p.type).type_name));
    OrderedJson j;
    j["name"] = p.name;
    j["SPDXID"] = id;
    if (!p.version.empty()) j["versionInfo"] = p.version;
    j["downloadLocation"] = "NOASSERTION";
    j["filesAnalyzed"] = false;
    j["sourceInfo"] = "found in /" + p.path + " of layer " + p.layer_digest + " by " + p.analyzer;
    if (!p.purl.empty()) {
      j["externalRefs"] = OrderedJson::array(
          {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", p.purl}}});
    }
    if (!p.source_name.empty() && p.source_name != p.name) {
      j["comment"] = "source package " + p.source_name + " " + p.source_version;
    }
    j["primaryPackagePurpose"] = "LIBRARY";
    pkgs.push_back(std::move(j));
    rels.push_back({{"spdxElementId", "SPDXRef-Image"}, {"relationshipType", "CONTAINS"},
                    {"relatedSpdxElement", id}});
  }
  doc["packages"] = pkgs;
  doc["relationships"] = rels;
  return DumpJson(doc, 2) + "\n";
}

}  // namespace

bool ParseSbomFormat(std::string_view name, SbomFormat& out) {
  if (name == "json") out = SbomFormat::kJson;
  else if (name == "table") out = SbomFormat::kTable;
  else if (name == "cyclonedx" || name == "cyclonedx-json") out = SbomFormat::kCycloneDx;
  else if (name == "spdx" || name == "spdx-json") out = SbomFormat::kSpdx;
  else return false;
  return true;
}

std::vector<std::string> ComponentRefs(const analyze::Inventory& inventory) {
  std::vector<std::string> refs;
  std::map<std::string, int> seen;
  for (const auto& p : inventory.packages) {
    std::string ref = p.purl.empty() ? p.name + "@" + p.version : p.purl;
    // bom-refs must be unique: the same package may sit in several files.
    const int n = seen[ref]++;
    if (n > 0) ref += "#" + std::to_string(n);
    refs.push_back(std::move(ref));
  }
  return refs;
}

std::string NowUtc() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string RandomUuid() {
  std::random_device rd;
  unsigned char b[16];
  for (auto& c : b) c = static_cast<unsigned char>(rd());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                b[14], b[15]);
  return out;
}

std::string RenderSbom(const analyze::ImageAnalysis& analysis, SbomFormat format,
                       const SbomContext& ctx_in) {
  SbomContext ctx = ctx_in;
  if (ctx.timestamp.empty()) ctx.timestamp = NowUtc();
  if (ctx.uuid.empty()) ctx.uuid = RandomUuid();
  switch (format) {
    case SbomFormat::kJson: return Json(analysis);
    case SbomFormat::kTable: return Table(analysis);
    case SbomFormat::kCycloneDx: return CycloneDx(analysis, ctx);
    case SbomFormat::kSpdx: return Spdx(analysis, ctx);
  }
  return "";
}

}  // namespace surveyor::report
