// Hostile inputs for the AWS API parsers: the first byte picks the parser, the rest is input.
// 0: PutRegistryScanningConfiguration body, then every repository name rule evaluation;
// 1: Inspector2 filterCriteria; 2: /v2 path classification; 3: offset tokens and globs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/aws/protocol.h"
#include "api/aws/registry_gate.h"
#include "api/inspector/filter_criteria.h"
#include "registry/repository_settings.h"
#include "registry/scanning_config.h"

using namespace surveyor;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto j = ParseJson(input, 64);
      if (!j.ok() || !j->is_object()) return 0;
      auto c = registry::ParseScanningConfiguration(*j);
      if (c.ok()) {
        (void)registry::EffectiveScanningFor(*c, "prod-my-app", false);
        (void)registry::ScanningConfigurationToJson(*c);
      }
      break;
    }
    case 1: {
      auto j = ParseJson(input, 64);
      if (j.ok()) (void)api::inspector::ValidateFilterCriteria(*j, "filterCriteria");
      break;
    }
    case 2:
      for (auto m : {http::Method::kGet, http::Method::kPut, http::Method::kPost,
                     http::Method::kDelete, http::Method::kHead, http::Method::kPatch}) {
        (void)api::aws::ClassifyOciRequest(m, input);
      }
      break;
    case 3: {
      (void)api::aws::ParseOffsetToken(input, "x");
      const size_t half = input.size() / 2;
      (void)registry::GlobMatches(input.substr(0, half), input.substr(half));
      (void)registry::ScanningFilterMatches(input.substr(0, half), input.substr(half));
      break;
    }
  }
  return 0;
}
