// Parses a lifecycle policy; when valid, evaluates it over a small fixed repository.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lifecycle/evaluator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace surveyor::lifecycle;
  auto policy = ParseLifecyclePolicy(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!policy.ok()) return 0;
  const surveyor::TimePoint now(std::chrono::seconds(1700000000));
  const std::vector<Image> images = {
      {"a", {"prod-1", "beta-1"}, now - std::chrono::hours(240), std::nullopt},
      {"b", {}, now - std::chrono::hours(100), now - std::chrono::hours(1)},
      {"c", {"v1"}, now - std::chrono::hours(10), std::nullopt},
  };
  const auto ex = Evaluate(*policy, images, now);
  (void)BuildPreviewResults(images, ex, "TAGGED");
  return 0;
}
