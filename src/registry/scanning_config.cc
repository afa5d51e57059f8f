#include "registry/scanning_config.h"

#include <algorithm>

#include "registry/repository_settings.h"

namespace surveyor::registry {
namespace {

constexpr char kSettingName[] = "scanning_configuration";

Status FieldError(const std::string& field, const std::string& value, const std::string& what) {
  return InvalidArgument("1 validation error detected: Value '" + value + "' at '" + field +
                             "' failed to satisfy constraint: " + what,
                         "ValidationException");
}

bool IsWordChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '*'; }
bool IsSeparator(char c) { return c == '.' || c == '_' || c == '-' || c == '/'; }

// ^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$ : word characters with single separators between.
bool FilterPatternOk(std::string_view f) {
  if (f.empty() || !IsWordChar(f.front()) || !IsWordChar(f.back())) return false;
  for (size_t i = 0; i < f.size(); ++i) {
    if (IsWordChar(f[i])) continue;
    if (!IsSeparator(f[i]) || IsSeparator(f[i + 1])) return false;  // back() is a word char
  }
  return true;
}

}  // namespace

Result<ScanningConfiguration> ParseScanningConfiguration(const Json& request) {
  ScanningConfiguration out;
  if (request.contains("scanType")) {
    const Json& t = request["scanType"];
    const std::string v = t.is_string() ? t.get<std::string>() : DumpJson(t);
    if (v != "BASIC" && v != "ENHANCED") {
      return FieldError("scanType", v, "Member must satisfy enum value set: [BASIC, ENHANCED]");
    }
    out.scan_type = v;
  }
  if (!request.contains("rules")) return out;
  const Json& rules = request["rules"];
  if (!rules.is_array()) return FieldError("rules", DumpJson(rules), "Member must be a list");
  if (rules.size() > kMaxScanningRules) {
    return FieldError("rules", std::to_string(rules.size()) + " rules",
                      "Member must have length less than or equal to 2");
  }
  for (size_t i = 0; i < rules.size(); ++i) {
    const std::string prefix = "rules." + std::to_string(i + 1) + ".member.";
    const Json& r = rules[i];
    if (!r.is_object()) return FieldError("rules." + std::to_string(i + 1), DumpJson(r),
                                          "Member must be a structure");
    ScanningRule rule;
    auto freq = GetString(r, "scanFrequency");
    if (!freq || (*freq != "SCAN_ON_PUSH" && *freq != "CONTINUOUS_SCAN" && *freq != "MANUAL")) {
      return FieldError(prefix + "scanFrequency", freq.value_or("null"),
                        "Member must satisfy enum value set: [SCAN_ON_PUSH, CONTINUOUS_SCAN, "
                        "MANUAL]");
    }
    if (out.scan_type == "BASIC" && *freq == "CONTINUOUS_SCAN") {
      return InvalidArgument("Invalid parameter at 'rules." + std::to_string(i + 1) +
                                 ".member.scanFrequency': CONTINUOUS_SCAN requires scanType "
                                 "ENHANCED",
                             "ValidationException");
    }
    if (out.scan_type == "ENHANCED" && *freq == "MANUAL") {
      return InvalidArgument("Invalid parameter at 'rules." + std::to_string(i + 1) +
                                 ".member.scanFrequency': MANUAL is not supported with scanType "
                                 "ENHANCED",
                             "ValidationException");
    }
    rule.scan_frequency = *freq;
    const Json* filters = GetArray(r, "repositoryFilters");
    if (!filters) {
      return FieldError(prefix + "repositoryFilters", "null", "Member must not be null");
    }
    if (filters->size() > kMaxRepositoryFilters) {
      return FieldError(prefix + "repositoryFilters", std::to_string(filters->size()),
                        "Member must have length less than or equal to 100");
    }
    for (size_t j = 0; j < filters->size(); ++j) {
      const std::string fp = prefix + "repositoryFilters." + std::to_string(j + 1) + ".member.";
      const Json& f = (*filters)[j];
      auto value = f.is_object() ? GetString(f, "filter") : std::nullopt;
      auto type = f.is_object() ? GetString(f, "filterType") : std::nullopt;
      if (!type || *type != "WILDCARD") {
        return FieldError(fp + "filterType", type.value_or("null"),
                          "Member must satisfy enum value set: [WILDCARD]");
      }
      if (!value || value->empty() || value->size() > 255) {
        return FieldError(fp + "filter", value.value_or("null"),
                          "Member must have length between 1 and 255");
      }
      if (!FilterPatternOk(*value)) {
        return FieldError(fp + "filter", *value,
                          "Member must satisfy regular expression pattern: "
                          "^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$");
      }
      rule.repository_filters.push_back(*value);
    }
    for (const auto& existing : out.rules) {
      if (existing.scan_frequency == rule.scan_frequency) {
        return InvalidArgument("Invalid parameter at 'rules': only one rule per scanFrequency "
                               "is allowed",
                               "ValidationException");
      }
    }
    out.rules.push_back(std::move(rule));
  }
  return out;
}

Json ScanningConfigurationToJson(const ScanningConfiguration& config) {
  Json rules = Json::array();
  for (const auto& r : config.rules) {
    Json filters = Json::array();
    for (const auto& f : r.repository_filters) {
      filters.push_back({{"filter", f}, {"filterType", "WILDCARD"}});
    }
    rules.push_back({{"scanFrequency", r.scan_frequency}, {"repositoryFilters", filters}});
  }
  return Json{{"scanType", config.scan_type}, {"rules", rules}};
}

bool ScanningFilterMatches(std::string_view repository, std::string_view filter) {
  if (filter.find('*') == std::string_view::npos) {
    return repository.find(filter) != std::string_view::npos;
  }
  return GlobMatches(repository, filter);
}

EffectiveScanning EffectiveScanningFor(const ScanningConfiguration& config,
                                       std::string_view repository, bool repository_scan_on_push) {
  EffectiveScanning out;
  const bool enhanced = config.scan_type == "ENHANCED";
  if (enhanced && config.rules.empty()) {
    out.scan_frequency = "CONTINUOUS_SCAN";
    return out;
  }
  // Rank: CONTINUOUS_SCAN > SCAN_ON_PUSH > MANUAL.
  auto rank = [](const std::string& f) {
    return f == "CONTINUOUS_SCAN" ? 3 : f == "SCAN_ON_PUSH" ? 2 : 1;
  };
  const ScanningRule* best = nullptr;
  std::vector<std::string> best_filters;
  for (const auto& rule : config.rules) {
    std::vector<std::string> matched;
    for (const auto& f : rule.repository_filters) {
      if (ScanningFilterMatches(repository, f)) matched.push_back(f);
    }
    if (matched.empty()) continue;
    if (!best || rank(rule.scan_frequency) > rank(best->scan_frequency)) {
      best = &rule;
      best_filters = std::move(matched);
    }
  }
  if (best) {
    out.scan_frequency = best->scan_frequency;
    out.applied_filters = std::move(best_filters);
  } else if (enhanced) {
    out.scan_frequency = "";
  } else {
    out.scan_frequency = repository_scan_on_push ? "SCAN_ON_PUSH" : "MANUAL";
  }
  out.scan_on_push = out.scan_frequency == "SCAN_ON_PUSH" || out.scan_frequency == "CONTINUOUS_SCAN";
  return out;
}

Result<ScanningConfiguration> LoadScanningConfiguration(store::Database& db) {
  ASSIGN_OR_RETURN(auto text, GetRegistrySetting(db, kSettingName));
  if (!text) return ScanningConfiguration{};
  ASSIGN_OR_RETURN(Json j, ParseJson(*text));
  return ParseScanningConfiguration(j);
}

Status SaveScanningConfiguration(store::Database& db, const ScanningConfiguration& config) {
  return PutRegistrySetting(db, kSettingName, DumpJson(ScanningConfigurationToJson(config)));
}

}  // namespace surveyor::registry
