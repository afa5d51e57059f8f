// Test helper: reads "key: value" blocks separated by blank lines ('#' lines are comments).
// Repeated keys accumulate in order. Test-only; not part of the library.
#pragma once

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace surveyor::lifecycle {

using Block = std::multimap<std::string, std::string>;

inline std::vector<Block> LoadBlocksForTest(const std::string& path) {
  std::ifstream in(path);
  std::vector<Block> blocks(1);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') continue;
    if (line.empty()) {
      if (!blocks.back().empty()) blocks.emplace_back();
      continue;
    }
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    blocks.back().emplace(line.substr(0, colon), line.substr(colon + 2));
  }
  if (blocks.back().empty()) blocks.pop_back();
  return blocks;
}

inline std::string One(const Block& b, const std::string& key) {
  const auto it = b.find(key);
  return it == b.end() ? std::string() : it->second;
}

}  // namespace surveyor::lifecycle
