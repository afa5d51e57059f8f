#include "common/clock.h"

#include <cstdio>
#include <ctime>

namespace surveyor {

const Clock& SystemClock::Default() {
  static const SystemClock kClock;
  return kClock;
}

std::string FormatRfc3339(TimePoint t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long frac = static_cast<long>(ms % 1000);
  if (frac < 0) {
    frac += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
  return buf;
}

namespace {
bool ReadInt(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}
}  // namespace

Result<TimePoint> ParseRfc3339(std::string_view s) {
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!ReadInt(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !ReadInt(s, 5, 2, mo) ||
      s[7] != '-' || !ReadInt(s, 8, 2, d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return InvalidArgument("timestamp must look like 2026-01-31T12:00:00Z");
  }
  size_t pos = 10;
  long long nanos = 0;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') || !ReadInt(s, pos + 1, 2, h) ||
        s.size() < pos + 9 || s[pos + 3] != ':' || !ReadInt(s, pos + 4, 2, mi) ||
        s[pos + 6] != ':' || !ReadInt(s, pos + 7, 2, se) || h > 23 || mi > 59 || se > 60) {
      return InvalidArgument("timestamp must look like 2026-01-31T12:00:00Z");
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      long long scale = 100000000;
      size_t digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 9) nanos += (s[pos] - '0') * scale;
        scale /= 10;
        ++pos;
        ++digits;
      }
      if (digits == 0) return InvalidArgument("timestamp has an empty fraction");
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int oh, om;
        if (!ReadInt(s, pos + 1, 2, oh) || s.size() < pos + 6 || s[pos + 3] != ':' ||
            !ReadInt(s, pos + 4, 2, om)) {
          return InvalidArgument("timestamp has a malformed UTC offset");
        }
        offset_minutes = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
      }
    }
    if (pos != s.size()) return InvalidArgument("timestamp has trailing characters");
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  const std::time_t secs = timegm(&tm) - offset_minutes * 60;
  // A TimePoint counts nanoseconds in 64 bits: about the years 1678 to 2262 (feeds write
  // "0001-01-01T00:00:00Z" for "unknown", which would overflow).
  constexpr auto kLimit =
      std::chrono::duration_cast<std::chrono::seconds>(TimePoint::duration::max()).count() - 1;
  if (secs > kLimit || secs < -kLimit) {
    return InvalidArgument("timestamp " + std::string(s) + " is outside the years 1678 to 2262");
  }
  return TimePoint(std::chrono::seconds(secs)) +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(nanos));
}

double ToEpochSeconds(TimePoint t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

TimePoint FromEpochSeconds(double seconds) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(
      std::chrono::duration<double>(seconds)));
}

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace surveyor
