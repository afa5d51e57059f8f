#include "events/envelope.h"

#include <chrono>
#include <cstdio>

namespace surveyor::events {
namespace {

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Civil ToCivil(TimePoint t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  return Civil{static_cast<int>(ymd.year()),
               static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()),
               static_cast<unsigned>(hms.hours().count()),
               static_cast<unsigned>(hms.minutes().count()),
               static_cast<unsigned>(hms.seconds().count())};
}

}  // namespace

std::string FormatEventTime(TimePoint t) {
  const Civil c = ToCivil(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.year, c.month, c.day, c.hour,
                c.minute, c.second);
  return buf;
}

std::string FormatInspectorTime(TimePoint t) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const Civil c = ToCivil(t);
  const unsigned hour12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s %u, %d, %u:%02u:%02u %s", kMonths[c.month - 1], c.day, c.year,
                hour12, c.minute, c.second, c.hour < 12 ? "AM" : "PM");
  return buf;
}

std::string FormatEventId(std::array<uint8_t, 16> b) {
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

Status ValidateEnvelope(const EventEnvelope& e) {
  if (e.id.empty()) return InvalidArgument("event id is empty");
  if (e.source.empty()) return InvalidArgument("event source is empty");
  if (e.detail_type.empty()) return InvalidArgument("event detail-type is empty");
  if (e.region.empty()) return InvalidArgument("event region is empty");
  if (e.account.size() != 12 || e.account.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("event account must be 12 digits");
  }
  if (!e.detail.is_object()) return InvalidArgument("event detail must be a JSON object");
  return Status::Ok();
}

namespace {

// The members before the detail, in AWS's order.
OrderedJson Head(const EventEnvelope& e) {
  OrderedJson out = OrderedJson::object();
  out["version"] = "0";
  out["id"] = e.id;
  out["detail-type"] = e.detail_type;
  out["source"] = e.source;
  out["account"] = e.account;
  out["time"] = FormatEventTime(e.time);
  out["region"] = e.region;
  out["resources"] = e.resources;
  return out;
}

}  // namespace

OrderedJson BuildEvent(const EventEnvelope& e) {
  OrderedJson out = Head(e);
  out["detail"] = OrderedJson::parse(DumpJson(e.detail));  // DumpJson never emits invalid UTF-8
  return out;
}

std::string SerializeEvent(const EventEnvelope& e) {
  // The head's members, then the detail spliced in as the last one: the bytes BuildEvent gives,
  // since a detail parsed back from its own dump dumps the same.
  std::string out = DumpJson(Head(e));
  out.pop_back();  // the head's closing brace
  out += ",\"detail\":";
  out += DumpJson(e.detail);
  out += '}';
  return out;
}

Json EcrImageActionDetail(const std::string& action, const std::string& repository,
                          const std::string& digest, const std::string& tag,
                          const std::string& result) {
  Json d = {{"result", result},
            {"repository-name", repository},
            {"image-digest", digest},
            {"action-type", action}};
  if (!tag.empty()) d["image-tag"] = tag;
  return d;
}

Json EcrImageScanDetail(const std::string& repository, const std::string& digest,
                        const std::vector<std::string>& tags,
                        const std::map<std::string, int64_t>& severity_counts,
                        const std::string& status) {
  Json counts = Json::object();
  for (const auto& [sev, n] : severity_counts) {
    if (n > 0) counts[sev] = n;
  }
  return {{"scan-status", status},
          {"repository-name", repository},
          {"finding-severity-counts", counts},
          {"image-digest", digest},
          {"image-tags", tags}};
}

Json Inspector2ScanDetail(const std::string& repository_arn, const std::string& digest,
                          const std::vector<std::string>& tags,
                          const std::map<std::string, int64_t>& severity_counts) {
  Json counts = Json::object();
  int64_t total = 0;
  for (const auto& [sev, n] : severity_counts) {
    if (sev == "TOTAL") continue;
    total += n;
    if (n > 0) counts[sev] = n;
  }
  counts["TOTAL"] = total;
  return {{"scan-status", "INITIAL_SCAN_COMPLETE"},
          {"repository-name", repository_arn},
          {"finding-severity-counts", counts},
          {"image-digest", digest},
          {"image-tags", tags}};
}

Json EcrScanResourceChangeDetail(const std::string& action_type,
                                 const std::vector<ScanFrequencyChange>& repositories,
                                 const std::string& scan_type) {
  Json repos = Json::array();
  for (const auto& r : repositories) {
    Json entry = {{"repository-name", r.repository_name},
                  {"repository-arn", r.repository_arn},
                  {"scan-frequency", r.scan_frequency}};
    if (!r.previous_scan_frequency.empty()) {
      entry["previous-scan-frequency"] = r.previous_scan_frequency;
    }
    repos.push_back(std::move(entry));
  }
  return {{"action-type", action_type},
          {"repositories", repos},
          {"resource-type", "REPOSITORY"},
          {"scan-type", scan_type}};
}

}  // namespace surveyor::events
