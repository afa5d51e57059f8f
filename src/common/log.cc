#include "common/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

#include "common/clock.h"
#include "common/json.h"

namespace surveyor::log {
namespace {

std::atomic<Level> g_level{Level::kInfo};
std::atomic<bool> g_json{false};

spdlog::logger& Logger() {
  static auto logger = [] {
    auto l = spdlog::stderr_logger_mt("surveyor");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

bool NeedsQuoting(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace

bool ParseLevel(std::string_view name, Level& out) {
  if (name == "debug") out = Level::kDebug;
  else if (name == "info") out = Level::kInfo;
  else if (name == "warn" || name == "warning") out = Level::kWarn;
  else if (name == "error") out = Level::kError;
  else if (name == "off") out = Level::kOff;
  else return false;
  return true;
}

void SetLevel(Level level) { g_level = level; }
void SetJson(bool json) {
  g_json = json;
  Logger().set_pattern(json ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
}
bool Enabled(Level level) { return level != Level::kOff && level >= g_level.load(); }

void Write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (!Enabled(level)) return;
  static constexpr spdlog::level::level_enum kMap[] = {spdlog::level::debug, spdlog::level::info,
                                                        spdlog::level::warn, spdlog::level::err,
                                                        spdlog::level::off};
  std::string line;
  if (g_json) {
    static constexpr const char* kNames[] = {"debug", "info", "warn", "error", "off"};
    OrderedJson j;
    j["ts"] = FormatRfc3339(std::chrono::system_clock::now());
    j["level"] = kNames[static_cast<int>(level)];
    j["msg"] = message;
    for (const auto& f : fields) j[std::string(f.key)] = f.value;
    line = DumpJson(j);
  } else {
    line.assign(message);
    for (const auto& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (NeedsQuoting(f.value)) {
        line += DumpJson(Json(f.value));
      } else {
        line += f.value;
      }
    }
  }
  Logger().log(kMap[static_cast<int>(level)], "{}", line);
}

}  // namespace surveyor::log
