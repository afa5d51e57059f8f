#include "analyze/builtin.h"

#include "analyze/apk/apk.h"
#include "analyze/dpkg/dpkg.h"
#include "analyze/os_release/os_release.h"

namespace surveyor::analyze {

std::vector<std::unique_ptr<Analyzer>> BuiltinAnalyzers() {
  std::vector<std::unique_ptr<Analyzer>> out;
  out.push_back(os_release::MakeAnalyzer());
  out.push_back(dpkg::MakeAnalyzer());
  out.push_back(apk::MakeAnalyzer());
  return out;
}

}  // namespace surveyor::analyze
