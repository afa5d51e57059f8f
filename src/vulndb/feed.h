// What every importer's parser produces, and how: advisories, enrichment facts (NVD CVSS, EPSS,
// KEV) and skipped records (id + reason), pushed into a RecordSink as they are parsed so that no
// importer needs the whole feed in memory. Parsers are pure: no logging, no disk, no network.
#pragma once

#include <functional>
#include <map>
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

// Where a streaming parser parks parts of records that are complete only at the end of the
// document (the Debian tracker lists one CVE once per source package). Groups come back in
// byte order of their names, each with its parts in the order they were put; Drain empties the
// store. Implementations: MemoryFragmentStore (whole documents, tests), ImportSession (a
// temporary on-disk table, so that a 1 GB feed is not held in memory).
class FragmentStore {
 public:
  virtual ~FragmentStore() = default;
  virtual Status Put(std::string_view group, std::string_view part) = 0;
  using GroupFn = std::function<Status(std::string_view group, std::vector<std::string>& parts)>;
  virtual Status Drain(const GroupFn& fn) = 0;
  virtual Status Clear() = 0;
};

class MemoryFragmentStore final : public FragmentStore {
 public:
  Status Put(std::string_view group, std::string_view part) override {
    groups_[std::string(group)].emplace_back(part);
    return Status::Ok();
  }
  Status Drain(const GroupFn& fn) override {
    std::map<std::string, std::vector<std::string>> groups;
    groups.swap(groups_);
    for (auto& [group, parts] : groups) RETURN_IF_ERROR(fn(group, parts));
    return Status::Ok();
  }
  Status Clear() override {
    groups_.clear();
    return Status::Ok();
  }

 private:
  std::map<std::string, std::vector<std::string>> groups_;
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
