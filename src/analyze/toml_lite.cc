#include "analyze/toml_lite.h"

#include "analyze/control.h"

namespace surveyor::analyze {

Result<std::vector<TomlTable>> ReadTomlArrayTables(std::string_view text,
                                                   std::string_view array_name) {
  std::vector<TomlTable> out;
  const std::string header = "[[" + std::string(array_name) + "]]";
  bool in_table = false;
  int bracket_depth = 0;  // inside a multi-line array or inline table
  size_t i = 0;
  size_t line_no = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = Trim(text.substr(i, j - i));
    i = j + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    if (bracket_depth > 0) {
      for (char c : line) bracket_depth += (c == '[' || c == '{') - (c == ']' || c == '}');
      if (bracket_depth < 0) bracket_depth = 0;
      continue;
    }
    if (line[0] == '[') {
      if (line == header) {
        out.emplace_back();
        in_table = true;
      } else {
        in_table = false;
      }
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("line " + std::to_string(line_no) + " is not TOML");
    }
    std::string key(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    if (value.empty()) return InvalidArgument("line " + std::to_string(line_no) + ": key without a value");
    if (!value.empty() && (value[0] == '[' || value[0] == '{')) {
      int depth = 0;
      bool in_str = false;
      for (char c : value) {
        if (c == '"') in_str = !in_str;
        if (!in_str) depth += (c == '[' || c == '{') - (c == ']' || c == '}');
      }
      if (depth > 0) bracket_depth = depth;
      if (in_table) out.back()[key] = std::string(value);
      continue;
    }
    if (!in_table) continue;
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'')) {
      size_t close = value.find(value[0], 1);
      value = value.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    }
    if (key.size() >= 2 && key.front() == '"' && key.back() == '"') key = key.substr(1, key.size() - 2);
    out.back()[key] = std::string(value);
  }
  return out;
}

}  // namespace surveyor::analyze
