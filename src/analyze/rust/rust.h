// Rust: Cargo.lock ([[package]] tables; the workspace's own crates, which have no `source`, are
// left out). Pure parser.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::rust {

Result<std::vector<Package>> ParseCargoLock(std::string_view text);
std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::rust
