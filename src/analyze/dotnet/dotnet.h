// .NET: *.deps.json, the dependency manifest next to an application; its "libraries" of type
// "package" are NuGet packages ("Name/Version" keys). Pure parser.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::dotnet {

Result<std::vector<Package>> ParseDepsJson(std::string_view text);
std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::dotnet
