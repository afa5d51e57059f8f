#include "vulndb/builtin.h"

#include <array>

#include "vulndb/alpine/secdb_parser.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/epss/epss_parser.h"
#include "vulndb/friendsofphp/friendsofphp_parser.h"
#include "vulndb/kev/kev_parser.h"
#include "vulndb/nodejs/nodejs_parser.h"
#include "vulndb/nvd/nvd_parser.h"
#include "vulndb/osv/osv_parser.h"
#include "vulndb/rubysec/rubysec_parser.h"

namespace surveyor::vulndb {
namespace {

constexpr std::array<std::pair<FeedFormat, std::string_view>, 11> kNames = {{
    {FeedFormat::kUnknown, "unknown"},
    {FeedFormat::kOsvJson, "osv"},
    {FeedFormat::kOsvYaml, "osv-yaml"},
    {FeedFormat::kDebianTracker, "debian"},
    {FeedFormat::kAlpineSecdb, "alpine"},
    {FeedFormat::kRubySec, "rubysec"},
    {FeedFormat::kFriendsOfPhp, "friendsofphp"},
    {FeedFormat::kNodejsWg, "nodejs"},
    {FeedFormat::kNvd, "nvd"},
    {FeedFormat::kEpss, "epss"},
    {FeedFormat::kKev, "kev"},
}};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool Has(std::string_view s, std::string_view needle) { return s.find(needle) != std::string_view::npos; }

// True when `key:` starts a line of `s`.
bool HasLineKey(std::string_view s, std::string_view key) {
  size_t pos = 0;
  while ((pos = s.find(key, pos)) != std::string_view::npos) {
    if ((pos == 0 || s[pos - 1] == '\n') && pos + key.size() < s.size() && s[pos + key.size()] == ':') {
      return true;
    }
    pos += key.size();
  }
  return false;
}

}  // namespace

std::string_view FeedFormatName(FeedFormat f) {
  for (const auto& [format, name] : kNames) {
    if (format == f) return name;
  }
  return "unknown";
}

std::optional<FeedFormat> ParseFeedFormatName(std::string_view name) {
  for (const auto& [format, n] : kNames) {
    if (n == name) return format;
  }
  return std::nullopt;
}

bool IsEnrichmentFormat(FeedFormat format) {
  return format == FeedFormat::kNvd || format == FeedFormat::kEpss || format == FeedFormat::kKev;
}

FeedFormat SniffFormat(std::string_view path, std::string_view content) {
  const std::string_view head = content.substr(0, 4096);
  if (EndsWith(path, ".csv")) {
    if (head.substr(0, 14) == "#model_version" || head.substr(0, 9) == "cve,epss,") return FeedFormat::kEpss;
    return FeedFormat::kUnknown;
  }
  if (EndsWith(path, ".json")) {
    if (Has(head, "\"$schema\"")) return FeedFormat::kUnknown;
    // The nodejs working group's per-directory index.json lists files; it is not an advisory.
    if (EndsWith(path, "vuln/npm/index.json") || EndsWith(path, "vuln/core/index.json") ||
        EndsWith(path, "vuln/deps/index.json")) {
      return FeedFormat::kUnknown;
    }
    if (Has(head, "\"catalogVersion\"") || Has(head, "\"cveID\"")) return FeedFormat::kKev;
    if (Has(head, "\"NVD_CVE\"") || Has(head, "\"sourceIdentifier\"")) return FeedFormat::kNvd;
    if (Has(head, "\"distroversion\"") || (Has(head, "\"packages\"") && Has(head, "\"secfixes\""))) {
      return FeedFormat::kAlpineSecdb;
    }
    if (Has(head, "\"module_name\"") || Has(path, "vuln/core/") || Has(path, "vuln/deps/") ||
        Has(path, "vuln/npm/")) {
      return FeedFormat::kNodejsWg;
    }
    if (Has(head, "\"releases\"") && !Has(head, "\"affected\"")) return FeedFormat::kDebianTracker;
    if (Has(head, "\"id\"")) return FeedFormat::kOsvJson;
    return FeedFormat::kUnknown;
  }
  if (EndsWith(path, ".yaml") || EndsWith(path, ".yml")) {
    if (HasLineKey(head, "gem") || HasLineKey(head, "engine")) return FeedFormat::kRubySec;
    if (Has(head, "composer://")) return FeedFormat::kFriendsOfPhp;
    if (HasLineKey(head, "distroversion")) return FeedFormat::kAlpineSecdb;
    if (HasLineKey(head, "id") &&
        (HasLineKey(head, "affected") || HasLineKey(head, "modified") || HasLineKey(content, "affected"))) {
      return FeedFormat::kOsvYaml;
    }
    return FeedFormat::kUnknown;
  }
  return FeedFormat::kUnknown;
}

Status ParseDocument(FeedFormat format, std::string_view text, std::string_view name,
                     RecordSink& sink) {
  switch (format) {
    case FeedFormat::kOsvJson: return ParseOsvJson(text, name, sink);
    case FeedFormat::kOsvYaml: return ParseOsvYaml(text, name, sink);
    case FeedFormat::kDebianTracker: return ParseDebianTracker(text, name, sink);
    case FeedFormat::kAlpineSecdb: return ParseAlpineSecdb(text, name, sink);
    case FeedFormat::kRubySec: return ParseRubySec(text, name, sink);
    case FeedFormat::kFriendsOfPhp: return ParseFriendsOfPhp(text, name, sink);
    case FeedFormat::kNodejsWg: return ParseNodejsWg(text, name, sink);
    case FeedFormat::kNvd: return ParseNvd(text, name, sink);
    case FeedFormat::kEpss: return ParseEpss(text, name, sink);
    case FeedFormat::kKev: return ParseKev(text, name, sink);
    case FeedFormat::kUnknown: break;
  }
  return InvalidArgument("no parser for this document format");
}

}  // namespace surveyor::vulndb
