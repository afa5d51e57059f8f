#include "scan/inventory_codec.h"

#include "common/json.h"

namespace surveyor::scan {

std::string EncodeInventory(const analyze::Inventory& inv) {
  Json packages = Json::array();
  for (const auto& p : inv.packages) {
    packages.push_back({{"type", analyze::RowFor(p.type).type_name},
                        {"name", p.name},
                        {"version", p.version},
                        {"source_name", p.source_name},
                        {"source_version", p.source_version},
                        {"arch", p.arch},
                        {"dev", p.dev},
                        {"path", p.path},
                        {"layer_digest", p.layer_digest},
                        {"layer_diff_id", p.layer_diff_id},
                        {"analyzer", p.analyzer},
                        {"ecosystem", p.ecosystem},
                        {"purl", p.purl}});
  }
  Json j = {{"os",
             {{"id", inv.os.id},
              {"version_id", inv.os.version_id},
              {"pretty_name", inv.os.pretty_name},
              {"source", inv.os.source}}},
            {"packages", packages},
            {"warnings", inv.warnings}};
  return DumpJson(j);
}

Result<analyze::Inventory> DecodeInventory(std::string_view text) {
  auto parsed = ParseJson(text);
  if (!parsed.ok()) return DataLoss("stored inventory is not JSON: " + parsed.status().message());
  const Json& j = *parsed;
  analyze::Inventory inv;
  if (const Json* os = GetObject(j, "os")) {
    inv.os.id = GetString(*os, "id").value_or("");
    inv.os.version_id = GetString(*os, "version_id").value_or("");
    inv.os.pretty_name = GetString(*os, "pretty_name").value_or("");
    inv.os.source = GetString(*os, "source").value_or("");
  }
  if (const Json* packages = GetArray(j, "packages")) {
    for (const Json& e : *packages) {
      analyze::Package p;
      if (!analyze::PackageTypeFromName(GetString(e, "type").value_or(""), p.type)) {
        return DataLoss("stored inventory has an unknown package type");
      }
      p.name = GetString(e, "name").value_or("");
      p.version = GetString(e, "version").value_or("");
      p.source_name = GetString(e, "source_name").value_or("");
      p.source_version = GetString(e, "source_version").value_or("");
      p.arch = GetString(e, "arch").value_or("");
      p.dev = GetBool(e, "dev").value_or(false);
      p.path = GetString(e, "path").value_or("");
      p.layer_digest = GetString(e, "layer_digest").value_or("");
      p.layer_diff_id = GetString(e, "layer_diff_id").value_or("");
      p.analyzer = GetString(e, "analyzer").value_or("");
      p.ecosystem = GetString(e, "ecosystem").value_or("");
      p.purl = GetString(e, "purl").value_or("");
      inv.packages.push_back(std::move(p));
    }
  }
  if (const Json* w = GetArray(j, "warnings")) {
    for (const Json& e : *w) {
      if (e.is_string()) inv.warnings.push_back(e.get<std::string>());
    }
  }
  return inv;
}

}  // namespace surveyor::scan
