// Test helpers (tests only): reading fixtures from ../shared (skipping when absent) and from the
// component's own testdata/.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace surveyor::analyze::testing {

inline std::optional<std::string> ReadPath(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file under ../shared/data/fixtures/parsers.
inline std::optional<std::string> SharedFixture(const std::string& rel) {
  return ReadPath(std::string(SURVEYOR_SHARED_DIR) + "/data/fixtures/parsers/" + rel);
}

inline std::string Testdata(const std::string& rel) {
  auto s = ReadPath(std::string(SURVEYOR_SOURCE_DIR) + "/src/analyze/" + rel);
  return s ? *s : std::string("<missing testdata " + rel + ">");
}

}  // namespace surveyor::analyze::testing

#define LOAD_SHARED_OR_SKIP(var, rel)                                 \
  auto var##_opt = ::surveyor::analyze::testing::SharedFixture(rel); \
  if (!var##_opt) GTEST_SKIP() << "shared fixture absent: " << rel;  \
  const std::string& var = *var##_opt
