#include "vulndb/yaml_adapter.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace surveyor::vulndb {
namespace {

Result<Json> Convert(const YAML::Node& node, size_t depth, size_t max_depth) {
  if (depth > max_depth) {
    return InvalidArgument("YAML nested deeper than " + std::to_string(max_depth) + " levels");
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() != "!" && (s == "~" || s == "null" || s == "Null" || s == "NULL")) {
        return Json(nullptr);
      }
      return Json(s);
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& child : node) {
        ASSIGN_OR_RETURN(Json c, Convert(child, depth + 1, max_depth));
        out.push_back(std::move(c));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return InvalidArgument("YAML map key is not a scalar");
        ASSIGN_OR_RETURN(Json c, Convert(kv.second, depth + 1, max_depth));
        out[kv.first.Scalar()] = std::move(c);
      }
      return out;
    }
  }
  return Json(nullptr);
}

}  // namespace

Result<Json> ParseYamlAsJson(std::string_view text, size_t max_depth) {
  // yaml-cpp recurses while parsing; reject absurd flow nesting before handing it the text.
  size_t depth = 0, max_seen = 0;
  for (char c : text) {
    if (c == '[' || c == '{') max_seen = std::max(max_seen, ++depth);
    else if ((c == ']' || c == '}') && depth > 0) --depth;
  }
  if (max_seen > max_depth * 4) {
    return InvalidArgument("YAML nested too deeply");
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return Convert(root, 0, max_depth);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("invalid YAML: ") + e.what());
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("invalid YAML: ") + e.what());
  }
}

}  // namespace surveyor::vulndb
