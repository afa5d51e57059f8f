// A finding as Amazon Inspector models it (SPEC §7.3): built from one match on one image, with
// the image's resource details. Pure; the JSON is the wire shape the Inspector2 API returns.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyze/inventory.h"
#include "common/clock.h"
#include "common/json.h"
#include "match/matcher.h"

namespace surveyor::findings {

// Where the image lives, for `resources[0]` and the ARNs.
struct ImageContext {
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  std::string repository;
  std::string digest;  // manifest digest
  std::vector<std::string> tags;
  TimePoint pushed_at{};
  std::string architecture;  // "amd64"
  std::string platform;      // "DEBIAN_12"
};

// What a finding's state machine compares between two matches of the same key: everything a
// user would call a change (severity, score, fix, packages), nothing that is only a timestamp.
struct FindingFacts {
  std::string key;  // vulnerability id | ecosystem | package key (stable per image)
  std::string vulnerability_id;
  std::string title;
  std::string severity;  // Inspector severity name
  double inspector_score = -1;  // -1: none
  std::string fix_available;    // YES / NO / PARTIAL
  std::string exploit_available;
  double epss = -1;
  std::string package_manager;  // of the first package, for filters
  std::string package_name;
  std::string fingerprint;      // hash of the facts above plus vulnerablePackages
  Json detail;                  // packageVulnerabilityDetails, remediation, description, ...
};

FindingFacts FactsFor(const match::Match& m, const analyze::Inventory& inventory);

// The whole Finding JSON, given its stored identity and timestamps.
Json FindingJson(const FindingFacts& facts, const ImageContext& image, const std::string& arn,
                 const std::string& status, TimePoint first_observed, TimePoint last_observed,
                 TimePoint updated);

std::string FindingArn(const ImageContext& image, std::string_view key);
std::string ImageResourceId(const ImageContext& image);
// "DEBIAN_12", "ALPINE_LINUX_3_17", ... from os-release.
std::string PlatformName(const analyze::OsInfo& os);

}  // namespace surveyor::findings
