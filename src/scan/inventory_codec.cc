#include "scan/inventory_codec.h"

#include <simdjson.h>

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

namespace {

using simdjson::dom::element;
using simdjson::dom::object;

// A string member, "" when absent or not a string.
std::string Text(object o, std::string_view key) {
  std::string_view v;
  if (o.at_key(key).get_string().get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

}  // namespace

Result<analyze::Inventory> DecodeInventory(std::string_view text) {
  // Re-evaluation decodes one stored inventory per affected image: simdjson, not a DOM tree of
  // nlohmann nodes. One parser per thread (workers decode in parallel).
  thread_local simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(text.data(), text.size()).get(root); error) {
    return DataLoss(std::string("stored inventory is not JSON: ") + simdjson::error_message(error));
  }
  object j;
  if (root.get_object().get(j) != simdjson::SUCCESS) {
    return DataLoss("stored inventory is not a JSON object");
  }
  analyze::Inventory inv;
  object os;
  if (j.at_key("os").get_object().get(os) == simdjson::SUCCESS) {
    inv.os.id = Text(os, "id");
    inv.os.version_id = Text(os, "version_id");
    inv.os.pretty_name = Text(os, "pretty_name");
    inv.os.source = Text(os, "source");
  }
  simdjson::dom::array packages;
  if (j.at_key("packages").get_array().get(packages) == simdjson::SUCCESS) {
    for (element e : packages) {
      object o;
      if (e.get_object().get(o) != simdjson::SUCCESS) {
        return DataLoss("stored inventory has a package that is not an object");
      }
      analyze::Package p;
      if (!analyze::PackageTypeFromName(Text(o, "type"), p.type)) {
        return DataLoss("stored inventory has an unknown package type");
      }
      p.name = Text(o, "name");
      p.version = Text(o, "version");
      p.source_name = Text(o, "source_name");
      p.source_version = Text(o, "source_version");
      p.arch = Text(o, "arch");
      bool dev = false;
      if (o.at_key("dev").get_bool().get(dev) == simdjson::SUCCESS) p.dev = dev;
      p.path = Text(o, "path");
      p.layer_digest = Text(o, "layer_digest");
      p.layer_diff_id = Text(o, "layer_diff_id");
      p.analyzer = Text(o, "analyzer");
      p.ecosystem = Text(o, "ecosystem");
      p.purl = Text(o, "purl");
      inv.packages.push_back(std::move(p));
    }
  }
  simdjson::dom::array warnings;
  if (j.at_key("warnings").get_array().get(warnings) == simdjson::SUCCESS) {
    for (element e : warnings) {
      std::string_view w;
      if (e.get_string().get(w) == simdjson::SUCCESS) inv.warnings.emplace_back(w);
    }
  }
  return inv;
}

}  // namespace surveyor::scan
