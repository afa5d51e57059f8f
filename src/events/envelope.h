// Event construction helpers: the EventBridge envelope (id, source, detail-type, time, region,
// account, resources, detail) and the detail shapes ECR and Inspector2 publish (SPEC.md §8).
// Pure value builders; the caller supplies the time and the random bytes for the id, so the
// output is deterministic in tests. Thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace surveyor::events {

struct EventEnvelope {
  std::string id;           // a UUID, see FormatEventId
  std::string source;       // "aws.ecr", "aws.inspector2"
  std::string detail_type;  // "ECR Image Action", "Inspector2 Finding", ...
  TimePoint time;
  std::string region;
  std::string account;  // 12 digits
  std::vector<std::string> resources;
  Json detail = Json::object();
};

// The event document, members in AWS's order: version, id, detail-type, source, account, time,
// region, resources, detail.
OrderedJson BuildEvent(const EventEnvelope& envelope);
// DumpJson(BuildEvent(envelope)), written without parsing the detail back into ordered JSON.
std::string SerializeEvent(const EventEnvelope& envelope);
// Checks the envelope fields an event on our bus must have (InvalidArgument naming the field).
Status ValidateEnvelope(const EventEnvelope& envelope);

// "2021-12-03T18:02:30Z" (UTC, whole seconds).
std::string FormatEventTime(TimePoint t);
// Inspector2 detail timestamps: "Dec 3, 2021, 6:02:30 PM" (UTC, English, 12-hour clock).
std::string FormatInspectorTime(TimePoint t);
// A version-4 UUID from 16 random bytes (the version and variant bits are set here).
std::string FormatEventId(std::array<uint8_t, 16> random_bytes);

// detail of "ECR Image Action": action PUSH or DELETE; tag omitted when empty.
Json EcrImageActionDetail(const std::string& action, const std::string& repository,
                          const std::string& digest, const std::string& tag,
                          const std::string& result = "SUCCESS");
// detail of "ECR Image Scan" (basic scan); only severities that occur are listed.
Json EcrImageScanDetail(const std::string& repository, const std::string& digest,
                        const std::vector<std::string>& tags,
                        const std::map<std::string, int64_t>& severity_counts,
                        const std::string& status = "COMPLETE");
// detail of "Inspector2 Scan": repository-name carries the repository ARN; counts gain TOTAL and
// zero counts are dropped.
Json Inspector2ScanDetail(const std::string& repository_arn, const std::string& digest,
                          const std::vector<std::string>& tags,
                          const std::map<std::string, int64_t>& severity_counts);

// One repository entry of "ECR Scan Resource Change".
struct ScanFrequencyChange {
  std::string repository_name;
  std::string repository_arn;
  std::string scan_frequency;           // SCAN_ON_PUSH, CONTINUOUS_SCAN, MANUAL
  std::string previous_scan_frequency;  // empty: omitted
};
// detail of "ECR Scan Resource Change" for a REPOSITORY change (action-type e.g.
// SCAN_FREQUENCY_CHANGE); `scan_type` is the registry's scan type after the change.
Json EcrScanResourceChangeDetail(const std::string& action_type,
                                 const std::vector<ScanFrequencyChange>& repositories,
                                 const std::string& scan_type = "ENHANCED");

}  // namespace surveyor::events
