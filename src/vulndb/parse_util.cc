#include "vulndb/parse_util.h"

#include <vector>

#include "vulndb/normalize.h"

namespace surveyor::vulndb {

Status EmitAdvisory(Advisory a, std::string key, std::string_view cvss_source, RecordSink& sink) {
  std::vector<Skip> issues;
  const std::string id = a.id;
  Status s = NormalizeAdvisory(a, cvss_source, issues);
  if (!s.ok()) {
    sink.OnSkip({key.empty() ? id : key, s.message(), false});
    return Status::Ok();
  }
  for (Skip& issue : issues) {
    issue.partial = true;
    sink.OnSkip(std::move(issue));
  }
  if (key.empty()) key = a.id;
  return sink.OnAdvisory({std::move(key), std::move(a)});
}

std::string StringField(const Json& j, std::string_view key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number()) return DumpJson(*it);
  if (it->is_boolean()) return it->get<bool>() ? "true" : "false";
  return "";
}

std::string FileStem(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

std::vector<std::string> PathDirs(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) break;
    if (slash > start) out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

}  // namespace surveyor::vulndb
