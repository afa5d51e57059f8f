// Fuzzes the OSV affected[] evaluator with arbitrary JSON: the first line is the installed
// version, the rest a JSON document used as the affected entry (and as a whole record).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "versions/dpkg/dpkg.h"
#include "versions/osv_eval.h"
#include "versions/semver/semver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view version = text.substr(0, nl);
  auto json = surveyor::ParseJson(text.substr(nl + 1), 64);
  if (!json.ok()) return 0;
  (void)surveyor::versions::EvaluateAffected(*json, surveyor::versions::SemverScheme(), version);
  (void)surveyor::versions::EvaluateAffected(*json, surveyor::versions::DpkgScheme(), version);
  auto entries = surveyor::versions::EntriesForPackage(*json, "PyPI", "x");
  (void)surveyor::versions::EvaluateAffectedEntries(entries, surveyor::versions::SemverScheme(),
                                                    version);
  return 0;
}
