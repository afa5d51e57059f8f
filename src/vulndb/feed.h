// What every importer's parser produces, and how: advisories, enrichment facts (NVD CVSS, EPSS,
// KEV) and skipped records (id + reason), pushed into a RecordSink as they are parsed so that no
// importer needs the whole feed in memory. Parsers are pure: no logging, no disk, no network.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "vulndb/advisory.h"

namespace surveyor::vulndb {

// Facts about one CVE from an enrichment feed.
struct Enrichment {
  std::string cve;
  std::vector<CvssEntry> cvss;           // NVD
  std::optional<double> epss_score;      // EPSS
  std::optional<double> epss_percentile;
  std::string epss_date;
  bool kev = false;                      // CISA KEV
  std::string kev_date_added;
  std::string description;               // NVD (used when no source has details)
};

struct Skip {
  std::string record;  // record id or file name
  std::string reason;
  bool partial = false;  // only part of the record (an affected entry, a range, a vector) dropped
};

// A record the parser produced, with the key it is stored under inside its source. The key is
// the id for OSV-shaped feeds, "<id>/<ecosystem>" for per-release distro feeds, a path for
// feeds whose files may repeat one CVE (FriendsOfPHP).
struct KeyedAdvisory {
  std::string key;
  Advisory advisory;
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // An error stops the parse (storage failure); parsers return it unchanged.
  virtual Status OnAdvisory(KeyedAdvisory record) = 0;
  virtual Status OnEnrichment(Enrichment fact) = 0;
  virtual void OnSkip(Skip skip) = 0;
};

// The feed formats; SniffFormat picks one from a file name and its first bytes.
enum class FeedFormat {
  kUnknown,
  kOsvJson,
  kOsvYaml,
  kDebianTracker,
  kAlpineSecdb,  // JSON or YAML
  kRubySec,
  kFriendsOfPhp,
  kNodejsWg,
  kNvd,
  kEpss,
  kKev,
};
std::string_view FeedFormatName(FeedFormat f);  // "osv", "osv-yaml", "debian", ...
std::optional<FeedFormat> ParseFeedFormatName(std::string_view name);

}  // namespace surveyor::vulndb
