// Target input for EventBridge rules (SPEC.md §10): Input, InputPath, and InputTransformer
// (InputPathsMap + InputTemplate) with AWS's quoting rules, plus the JSONPath subset they use.
// Pure functions over an already parsed event; no I/O. Validation errors carry the domain code
// ValidationException, which PutTargets puts on the wire.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::events {

inline constexpr size_t kMaxInputBytes = 8192;
inline constexpr size_t kMaxInputTemplateBytes = 8192;
inline constexpr size_t kMaxInputPathBytes = 256;
inline constexpr size_t kMaxInputPathsMapEntries = 100;
inline constexpr size_t kMaxInputPathsMapKeyBytes = 256;
inline constexpr char kValidationException[] = "ValidationException";

// One step of a JSONPath: a member name or an array index.
using JsonPathStep = std::variant<std::string, size_t>;

// Parses "$", "$.detail.state", "$.resources[0]", "$['detail-type']". Filters, wildcards and
// recursive descent are not supported (InvalidArgument).
Result<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path);
// The value at `path`, or nullptr when the event has nothing there.
const Json* ResolveJsonPath(const Json& root, const std::vector<JsonPathStep>& path);

struct InputTransformer {
  std::map<std::string, std::string> input_paths_map;  // variable name -> JSONPath
  std::string input_template;
};

// At most one of the three may be set; none set means "deliver the whole event".
struct TargetInput {
  std::optional<std::string> input;       // a constant JSON text
  std::optional<std::string> input_path;  // deliver only this part of the event
  std::optional<InputTransformer> input_transformer;
};

// Values of the reserved <aws.events.*> variables for one delivery.
struct ReservedVariables {
  std::string rule_arn;
  std::string rule_name;
  std::string ingestion_time;  // ISO-8601, e.g. "2021-12-03T18:02:30Z"
};

// What PutTargets checks: exclusivity, sizes, JSON validity of Input, InputPath syntax, map keys,
// and that the template is valid JSON once its placeholders are filled in. InputPathsMap values
// are only length-checked (AWS does not validate them at creation; an unparseable path renders
// as a missing value).
Status ValidateTargetInput(const TargetInput& input);
Status ValidateInputTransformer(const InputTransformer& transformer);

// The payload delivered to the target, as text. Missing paths render as null in value position
// and as the empty string inside a quoted string (SPEC.md §10, inferred).
Result<std::string> RenderTargetInput(const TargetInput& input, const Json& event,
                                      const ReservedVariables& reserved);
Result<std::string> RenderInputTransformer(const InputTransformer& transformer, const Json& event,
                                           const ReservedVariables& reserved);

// For a payload that is a JSON string (a string template), its decoded text; otherwise the
// payload unchanged. Useful for targets that take plain text (a chat message, an e-mail body).
std::string PayloadAsText(const std::string& payload);

}  // namespace surveyor::events
