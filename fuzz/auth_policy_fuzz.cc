// Fuzzes repository policy parsing and, for policies that parse, the evaluator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/policy.h"

using namespace surveyor::auth;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = ParseRepositoryPolicy(text);
  if (policy.ok()) {
    (void)Decide(*policy, "arn:aws:iam::123456789012:user/alice", "ecr:BatchGetImage");
    (void)Decide(*policy, "", "ecr:PutImage");
    (void)Decide(*policy, text.substr(0, 64), text.substr(0, 32));
  }
  (void)WildcardMatch(text.substr(0, size / 2), text.substr(size / 2), true);
  return 0;
}
