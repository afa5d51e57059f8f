#include "analyze/builtin.h"

#include "analyze/apk/apk.h"
#include "analyze/dpkg/dpkg.h"
#include "analyze/golang/golang.h"
#include "analyze/java/java.h"
#include "analyze/npm/npm.h"
#include "analyze/os_release/os_release.h"
#include "analyze/python/python.h"

namespace surveyor::analyze {

std::vector<std::unique_ptr<Analyzer>> BuiltinAnalyzers() {
  std::vector<std::unique_ptr<Analyzer>> out;
  out.push_back(os_release::MakeAnalyzer());
  out.push_back(dpkg::MakeAnalyzer());
  out.push_back(apk::MakeAnalyzer());
  out.push_back(npm::MakeAnalyzer());
  out.push_back(python::MakeAnalyzer());
  out.push_back(golang::MakeAnalyzer());
  out.push_back(java::MakeAnalyzer());
  return out;
}

}  // namespace surveyor::analyze
