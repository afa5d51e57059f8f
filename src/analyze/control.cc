#include "analyze/control.h"

#include <strings.h>

namespace surveyor::analyze {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<Stanza> ParseStanzas(std::string_view text, size_t* bad_lines) {
  std::vector<Stanza> out;
  Stanza cur;
  size_t bad = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty()) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (cur.empty()) { ++bad; continue; }
      cur.back().second += "\n";
      cur.back().second += Trim(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) { ++bad; continue; }
    cur.emplace_back(std::string(Trim(line.substr(0, colon))),
                     std::string(Trim(line.substr(colon + 1))));
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  if (bad_lines) *bad_lines = bad;
  return out;
}

std::string_view StanzaGet(const Stanza& s, std::string_view key) {
  for (const auto& [k, v] : s) {
    if (k.size() == key.size() && strncasecmp(k.data(), key.data(), key.size()) == 0) return v;
  }
  return {};
}

}  // namespace surveyor::analyze
