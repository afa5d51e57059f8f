// The advisory model: OSV schema 1.6 plus the fields Amazon Inspector reports (vendor severity,
// a CVSS list with sources, EPSS, KEV membership, a canonical id) and per-field provenance.
// Every importer produces Advisory values; storage keeps them as canonical JSON (ToJson/FromJson
// round-trip). Plain value types; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::vulndb {

// Inspector's severity scale.
enum class Severity { kUntriaged, kInformational, kLow, kMedium, kHigh, kCritical };
std::string_view SeverityName(Severity s);  // "UNTRIAGED", "LOW", ...
std::optional<Severity> ParseSeverityName(std::string_view name);

enum class EventKind { kIntroduced, kFixed, kLastAffected, kLimit };
std::string_view EventKindName(EventKind k);  // the OSV field name: "introduced", ...

struct Event {
  EventKind kind = EventKind::kIntroduced;
  std::string value;
  bool operator==(const Event&) const = default;
};

struct Range {
  std::string type;  // "SEMVER", "ECOSYSTEM", "GIT"
  std::string repo;  // GIT only
  std::vector<Event> events;
  Json database_specific;
  bool operator==(const Range&) const = default;
};

// An OSV severity entry: a scoring system and its vector.
struct OsvSeverity {
  std::string type;   // "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", ...
  std::string score;  // the vector (or a vendor label)
  bool operator==(const OsvSeverity&) const = default;
};

struct Package {
  std::string ecosystem;  // OSV ecosystem, with release suffix: "PyPI", "Debian:12", "Alpine:v3.17"
  std::string name;       // as published
  std::string purl;
  bool operator==(const Package&) const = default;
};

struct Affected {
  Package package;
  std::vector<OsvSeverity> severity;
  std::vector<Range> ranges;
  std::vector<std::string> versions;
  Json ecosystem_specific;
  Json database_specific;
  bool operator==(const Affected&) const = default;
};

struct Reference {
  std::string type;
  std::string url;
  bool operator==(const Reference&) const = default;
};

// One CVSS assessment with who made it; base_score computed by us from the vector.
struct CvssEntry {
  std::string source;   // "ghsa", "nvd", "debian", the feed's name ...
  std::string version;  // "2.0", "3.0", "3.1", "4.0"
  std::string vector;
  double base_score = 0;
  bool operator==(const CvssEntry&) const = default;
};

struct Advisory {
  // OSV fields.
  std::string schema_version;
  std::string id;
  std::string modified;
  std::string published;
  std::string withdrawn;
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::vector<std::string> upstream;
  std::string summary;
  std::string details;
  std::vector<OsvSeverity> severity;
  std::vector<Affected> affected;
  std::vector<Reference> references;
  Json database_specific;

  // Inspector fields.
  std::string canonical_id;     // the CVE when known, else id
  std::string vendor_severity;  // as the vendor spells it ("high", "medium", "unimportant")
  std::vector<CvssEntry> cvss;
  std::optional<double> epss_score;
  std::optional<double> epss_percentile;
  bool kev = false;  // in CISA's Known Exploited Vulnerabilities catalog → exploitAvailable
  std::string kev_date_added;

  // Where each field came from when several records were merged: field → source name.
  Json provenance;

  bool operator==(const Advisory&) const = default;
};

// Canonical JSON: OSV field names, plus "canonical_id", "vendor_severity", "cvss", "epss",
// "kev", "provenance" when set. Keys are sorted (nlohmann::json), so equal advisories dump equal.
Json ToJson(const Advisory& a);
// Reads what ToJson wrote (and plain OSV JSON). InvalidArgument on shape errors.
Result<Advisory> FromJson(const Json& j);

// True for "CVE-YYYY-NNNN…".
bool IsCveId(std::string_view id);

// The canonical id: the record's id if it is a CVE, else the smallest CVE among its aliases,
// else the id itself.
std::string CanonicalIdOf(const Advisory& a);

}  // namespace surveyor::vulndb
