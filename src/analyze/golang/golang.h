// Go binaries: the build information the Go toolchain embeds in ELF executables (section
// .go.buildinfo, found by its magic). Go 1.18+ stores the strings inline; older toolchains store
// pointers, resolved here through the ELF program headers. Reports the toolchain as package
// "stdlib", the main module and every dependency (replacements applied). Pure parsers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::golang {

struct BuildInfo {
  std::string go_version;  // "go1.19.4"
  std::string modinfo;     // the "path/mod/dep/=>/build" text, sentinels removed
};

// Extracts build info from a whole ELF file. NotFound when the binary has none (not Go, or
// stripped of it); InvalidArgument when the structures are inconsistent.
Result<BuildInfo> ReadBuildInfo(std::string_view elf);
// Turns version + modinfo into packages. A binary built without modules (GOPATH mode) yields only
// stdlib. Versions are reported as in go.mod ("v1.2.3"); stdlib as "1.19.4" (OSV's form).
std::vector<Package> PackagesFromBuildInfo(const BuildInfo& info);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::golang
