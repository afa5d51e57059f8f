// Input: an input template, a newline, then an event. Validates and renders the template with a
// fixed InputPathsMap; nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "events/input_transformer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  surveyor::events::InputTransformer t;
  t.input_paths_map = {{"a", "$.detail.a"}, {"b", "$.resources[0]"}, {"c", "$['detail-type']"}};
  t.input_template = input.substr(0, nl);
  (void)surveyor::events::ValidateInputTransformer(t);
  auto event = surveyor::ParseJson(nl == std::string::npos ? "{}" : input.substr(nl + 1));
  if (!event.ok()) return 0;
  (void)surveyor::events::RenderInputTransformer(t, *event,
                                                 {"arn", "rule", "2024-01-01T00:00:00Z"});
  if (auto path = surveyor::events::ParseJsonPath(t.input_template); path.ok()) {
    (void)surveyor::events::ResolveJsonPath(*event, *path);
  }
  return 0;
}
