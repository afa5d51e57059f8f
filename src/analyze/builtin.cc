#include "analyze/builtin.h"

#include "analyze/apk/apk.h"
#include "analyze/dpkg/dpkg.h"
#include "analyze/golang/golang.h"
#include "analyze/java/java.h"
#include "analyze/npm/npm.h"
#include "analyze/os_release/os_release.h"
#include "analyze/python/python.h"
#include "analyze/php/php.h"
#include "analyze/rpm/rpm.h"
#include "analyze/ruby/ruby.h"
#include "analyze/rust/rust.h"
#include "analyze/dotnet/dotnet.h"

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
  out.push_back(rpm::MakeAnalyzer());
  out.push_back(rust::MakeAnalyzer());
  out.push_back(ruby::MakeAnalyzer());
  out.push_back(php::MakeAnalyzer());
  out.push_back(dotnet::MakeAnalyzer());
  return out;
}

}  // namespace surveyor::analyze
