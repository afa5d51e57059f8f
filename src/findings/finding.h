// A finding as Amazon Inspector models it (SPEC §7.3): built from one match on one image, with
// the image's resource details. Pure; the JSON is the wire shape the Inspector2 API returns.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
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

// A vulnerability's text as its findings show it (description, references, CVSS list, score
// details): the same for every finding of the vulnerability, so it is stored once under the
// vulnerability's key, and a revised description is one row, not one rewrite per finding.
struct SharedText {
  std::string key;   // "vulnerability id|source": every finding of it shows the latest text
  std::string body;  // the JSON below, as stored
  Json json;         // merged into the finding (JSON merge patch)
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
  std::string fingerprint;      // of what `detail` is made from (scalars are compared as they are)
  Json detail;                  // per finding: remediation, packageVulnerabilityDetails, ...
  // When set and `detail` is null, builds `detail` (only findings that are new or changed need
  // it; re-evaluation compares the fingerprint of the rest).
  std::function<Json()> build_detail;
  std::shared_ptr<const SharedText> text;  // null in facts built by hand
  // Names the finding's score row (row.h), "vulnerability id|source" like the text; empty: the
  // vulnerability id. Severity and score come from the advisory alone, so every finding of the
  // vulnerability shares them.
  std::string score_key;
};

// Builds each vulnerability's SharedText once per (advisory, vulnerability id, source) while an
// image or a batch of images is matched. Holds the advisories it saw; not thread-safe.
class TextCache {
 public:
  std::shared_ptr<const SharedText> Get(const match::Match& m);

 private:
  using Key = std::tuple<const match::LoadedAdvisory*, std::string, std::string>;
  struct Entry {
    std::shared_ptr<const match::LoadedAdvisory> advisory;  // keeps the key's address unique
    std::shared_ptr<const SharedText> text;
  };
  std::map<Key, Entry> entries_;
};

// What every finding of a vulnerability shares (its score row and text, row.h), from the
// advisory alone: a re-scored advisory needs no matching. `source` is the vulnerability source
// the findings name (score_key is "vulnerability id|source", as FactsFor sets it).
struct VulnerabilityScore {
  std::string score_key;
  std::string severity;
  double inspector_score = -1;  // -1: none
  std::shared_ptr<const SharedText> text;
};
VulnerabilityScore ScoreFor(const std::string& vulnerability_id,
                            std::shared_ptr<const match::LoadedAdvisory> advisory,
                            const std::string& source);

// `cache` may be null (the text is then built for this finding alone). `lazy_detail`: leave
// `detail` to build_detail, which refers to `m` and `inventory`: they must outlive the facts.
FindingFacts FactsFor(const match::Match& m, const analyze::Inventory& inventory,
                      TextCache* cache = nullptr, bool lazy_detail = false);
// `f` with its detail built (a copy when it had to be built).
FindingFacts WithDetail(const FindingFacts& f);

// The whole Finding JSON, given its stored identity and timestamps (the text merged in).
Json FindingJson(const FindingFacts& facts, const ImageContext& image, const std::string& arn,
                 const std::string& status, TimePoint first_observed, TimePoint last_observed,
                 TimePoint updated);

// Inspector's packageManager name for a package type ("OS", "NODEPKG", "GOBINARY", ...).
std::string_view PackageManagerName(analyze::PackageType type);

std::string FindingArn(const ImageContext& image, std::string_view key);
std::string ImageResourceId(const ImageContext& image);
// "DEBIAN_12", "ALPINE_LINUX_3_17", ... from os-release.
std::string PlatformName(const analyze::OsInfo& os);

}  // namespace surveyor::findings
