#include "events/input_transformer.h"

#include <cctype>

namespace surveyor::events {
namespace {

constexpr std::string_view kRuleArn = "aws.events.rule-arn";
constexpr std::string_view kRuleName = "aws.events.rule-name";
constexpr std::string_view kIngestionTime = "aws.events.event.ingestion-time";
constexpr std::string_view kEventWithoutDetail = "aws.events.event";
constexpr std::string_view kEventJson = "aws.events.event.json";

Status Invalid(std::string message) {
  return InvalidArgument(std::move(message), kValidationException);
}

bool IsReserved(std::string_view name) {
  return name == kRuleArn || name == kRuleName || name == kIngestionTime ||
         name == kEventWithoutDetail || name == kEventJson;
}

bool IsRawJsonVariable(std::string_view name) {
  return name == kEventWithoutDetail || name == kEventJson;
}

bool IsPlaceholderChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

bool IsKeyChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

// Looks for a placeholder "<name>" at template[i]; returns the name (empty when none).
std::string_view PlaceholderAt(std::string_view t, size_t i) {
  if (t[i] != '<') return {};
  size_t j = i + 1;
  while (j < t.size() && IsPlaceholderChar(t[j])) ++j;
  if (j == i + 1 || j >= t.size() || t[j] != '>') return {};
  return t.substr(i + 1, j - i - 1);
}

// The value a variable stands for; std::nullopt when the path found nothing in the event.
struct Variables {
  const InputTransformer& transformer;
  const Json& event;
  const ReservedVariables& reserved;

  bool Known(std::string_view name) const {
    return IsReserved(name) || transformer.input_paths_map.count(std::string(name)) > 0;
  }

  std::optional<Json> Value(std::string_view name) const {
    if (name == kRuleArn) return Json(reserved.rule_arn);
    if (name == kRuleName) return Json(reserved.rule_name);
    if (name == kIngestionTime) return Json(reserved.ingestion_time);
    if (name == kEventJson) return event;
    if (name == kEventWithoutDetail) {
      Json copy = event;
      if (copy.is_object()) copy.erase("detail");
      return copy;
    }
    const auto it = transformer.input_paths_map.find(std::string(name));
    if (it == transformer.input_paths_map.end()) return std::nullopt;
    auto path = ParseJsonPath(it->second);
    if (!path.ok()) return std::nullopt;
    const Json* v = ResolveJsonPath(event, *path);
    if (v == nullptr) return std::nullopt;
    return *v;
  }
};

// Walks the template, tracking whether the position is inside a JSON string, and calls
// `emit(text)` for literal text and `place(name, in_string, as_key)` for each placeholder.
template <typename Emit, typename Place>
Status WalkTemplate(std::string_view t, const Variables& vars, Emit emit, Place place) {
  bool in_string = false;
  size_t literal_start = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (in_string && c == '\\') {
      ++i;  // keep the escape and the escaped character as literal text
      continue;
    }
    if (c == '"') {
      in_string = !in_string;
      continue;
    }
    if (c != '<') continue;
    const std::string_view name = PlaceholderAt(t, i);
    if (name.empty() || !vars.Known(name)) continue;  // not a variable: literal text
    emit(t.substr(literal_start, i - literal_start));
    const size_t after = i + name.size() + 2;
    bool as_key = false;
    if (!in_string) {
      size_t k = after;
      while (k < t.size() && std::isspace(static_cast<unsigned char>(t[k]))) ++k;
      as_key = k < t.size() && t[k] == ':';
    }
    RETURN_IF_ERROR(place(name, in_string, as_key));
    i = after - 1;
    literal_start = after;
  }
  emit(t.substr(literal_start));
  return Status::Ok();
}

std::string RawText(const Json& v) {
  if (v.is_string()) return v.get<std::string>();  // inserted without quotes or escaping
  return DumpJson(v);
}

}  // namespace

Result<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path) {
  auto bad = [&](std::string_view why) {
    return Invalid("Invalid JSONPath \"" + std::string(path) + "\": " + std::string(why));
  };
  if (path.size() > kMaxInputPathBytes) return bad("longer than 256 characters");
  if (path.empty() || path[0] != '$') return bad("must start with $");
  std::vector<JsonPathStep> steps;
  size_t i = 1;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t j = i + 1;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      const std::string_view name = path.substr(i + 1, j - i - 1);
      if (name.empty()) return bad("empty member name");
      if (name == "*" || name.find_first_of("]?@()") != std::string_view::npos) {
        return bad("only member names and array indexes are supported");
      }
      steps.emplace_back(std::string(name));
      i = j;
    } else if (path[i] == '[') {
      const size_t close = path.find(']', i);
      if (close == std::string_view::npos) return bad("unclosed [");
      std::string_view inner = path.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') &&
          inner.back() == inner.front()) {
        steps.emplace_back(std::string(inner.substr(1, inner.size() - 2)));
      } else if (!inner.empty() && inner.size() <= 9 &&
                 inner.find_first_not_of("0123456789") == std::string_view::npos) {
        steps.emplace_back(static_cast<size_t>(std::stoul(std::string(inner))));
      } else {
        return bad("a bracket must hold an array index or a quoted name");
      }
      i = close + 1;
    } else {
      return bad("expected . or [");
    }
  }
  return steps;
}

const Json* ResolveJsonPath(const Json& root, const std::vector<JsonPathStep>& path) {
  const Json* cur = &root;
  for (const auto& step : path) {
    if (const auto* name = std::get_if<std::string>(&step)) {
      if (!cur->is_object()) return nullptr;
      const auto it = cur->find(*name);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      const size_t index = std::get<size_t>(step);
      if (!cur->is_array() || index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    }
  }
  return cur;
}

Status ValidateInputTransformer(const InputTransformer& transformer) {
  if (transformer.input_paths_map.size() > kMaxInputPathsMapEntries) {
    return Invalid("InputPathsMap has more than 100 entries");
  }
  for (const auto& [key, path] : transformer.input_paths_map) {
    if (key.empty() || key.size() > kMaxInputPathsMapKeyBytes) {
      return Invalid("InputPathsMap key must be 1 to 256 characters long");
    }
    for (char c : key) {
      if (!IsKeyChar(c)) {
        return Invalid("InputPathsMap key \"" + key + "\" must match [A-Za-z0-9_-]+");
      }
    }
    if (key.size() >= 4 && (key.compare(0, 4, "AWS.") == 0 || key.compare(0, 4, "aws.") == 0)) {
      return Invalid("InputPathsMap key \"" + key + "\" uses the reserved prefix AWS.");
    }
    // SPEC.md §10: AWS does not validate the paths when the target is created; a path that
    // does not parse simply finds nothing at delivery time. Only the length is checked.
    if (path.size() > kMaxInputPathBytes) {
      return Invalid("InputPathsMap value for \"" + key + "\" is longer than 256 characters");
    }
  }
  const std::string& t = transformer.input_template;
  if (t.empty()) return Invalid("InputTemplate must not be empty");
  if (t.size() > kMaxInputTemplateBytes) {
    return Invalid("InputTemplate is longer than 8192 characters");
  }
  // Fill every placeholder with a stand-in and require the result to be JSON.
  const Json empty_event = Json::object();
  const ReservedVariables reserved;
  const Variables vars{transformer, empty_event, reserved};
  std::string filled;
  RETURN_IF_ERROR(WalkTemplate(
      t, vars, [&](std::string_view text) { filled.append(text); },
      [&](std::string_view name, bool in_string, bool as_key) -> Status {
        if (as_key) {
          return Invalid("InputTemplate uses <" + std::string(name) + "> as an object key");
        }
        if (in_string && IsRawJsonVariable(name)) {
          return Invalid("<" + std::string(name) +
                         "> inserts JSON and cannot be used inside a quoted string");
        }
        filled.append(in_string ? "" : "null");
        return Status::Ok();
      }));
  if (!ParseJson(filled).ok()) {
    return Invalid("InputTemplate is not valid JSON once its placeholders are filled in");
  }
  return Status::Ok();
}

Status ValidateTargetInput(const TargetInput& input) {
  const int set =
      (input.input ? 1 : 0) + (input.input_path ? 1 : 0) + (input.input_transformer ? 1 : 0);
  if (set > 1) {
    return Invalid("Only one of Input, InputPath, or InputTransformer can be provided");
  }
  if (input.input) {
    if (input.input->size() > kMaxInputBytes)
      return Invalid("Input is longer than 8192 characters");
    if (!ParseJson(*input.input).ok()) return Invalid("Input is not valid JSON");
  }
  if (input.input_path) {
    auto parsed = ParseJsonPath(*input.input_path);
    if (!parsed.ok()) return parsed.status();
  }
  if (input.input_transformer) return ValidateInputTransformer(*input.input_transformer);
  return Status::Ok();
}

Result<std::string> RenderInputTransformer(const InputTransformer& transformer, const Json& event,
                                           const ReservedVariables& reserved) {
  const Variables vars{transformer, event, reserved};
  std::string out;
  RETURN_IF_ERROR(WalkTemplate(
      transformer.input_template, vars, [&](std::string_view text) { out.append(text); },
      [&](std::string_view name, bool in_string, bool as_key) -> Status {
        if (as_key)
          return Invalid("InputTemplate uses <" + std::string(name) + "> as an object key");
        if (in_string && IsRawJsonVariable(name)) {
          return Invalid("<" + std::string(name) +
                         "> inserts JSON and cannot be used inside a quoted string");
        }
        const std::optional<Json> value = vars.Value(name);
        if (in_string) {
          if (value) out.append(RawText(*value));
        } else {
          out.append(value ? DumpJson(*value) : "null");
        }
        return Status::Ok();
      }));
  return out;
}

Result<std::string> RenderTargetInput(const TargetInput& input, const Json& event,
                                      const ReservedVariables& reserved) {
  if (input.input) return *input.input;
  if (input.input_path) {
    ASSIGN_OR_RETURN(auto path, ParseJsonPath(*input.input_path));
    const Json* v = ResolveJsonPath(event, path);
    return v ? DumpJson(*v) : std::string("null");
  }
  if (input.input_transformer)
    return RenderInputTransformer(*input.input_transformer, event, reserved);
  return DumpJson(event);
}

std::string PayloadAsText(const std::string& payload) {
  auto parsed = ParseJson(payload);
  if (parsed.ok() && parsed->is_string()) return parsed->get<std::string>();
  return payload;
}

}  // namespace surveyor::events
