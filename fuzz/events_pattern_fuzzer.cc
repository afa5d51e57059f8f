// Input: a pattern and an event separated by the first newline. Compiles the pattern, flattens
// the event and matches; nothing may crash, hang or grow without bound.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/flat_event.h"
#include "events/pattern.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nl = input.find('\n');
  const std::string_view pattern_text = input.substr(0, nl);
  const std::string_view event_text = nl == std::string_view::npos ? "{}" : input.substr(nl + 1);
  auto pattern = surveyor::events::CompiledPattern::Compile(pattern_text);
  if (!pattern.ok()) return 0;
  auto event = surveyor::events::FlatEvent::FromText(event_text);
  if (!event.ok()) return 0;
  (void)pattern->Matches(*event);
  return 0;
}
