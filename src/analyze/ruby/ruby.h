// Ruby: installed gem specifications (specifications/*.gemspec, the Ruby source RubyGems writes;
// read textually, never evaluated) and Bundler's Gemfile.lock (the specs of GEM sections).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::ruby {

// `s.name = "rake".freeze` / `s.version = "13.0.6"`. InvalidArgument without both.
Result<Package> ParseGemspec(std::string_view text);
Result<std::vector<Package>> ParseGemfileLock(std::string_view text);
std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::ruby
