#include "vulndb/builtin.h"

#include <array>
#include <cstdint>

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

// The quoted strings SniffFormat looks for in a JSON head.
enum class JsonKey {
  kSchema, kCatalogVersion, kCveId, kNvdCve, kSourceIdentifier, kDistroversion, kPackages,
  kSecfixes, kModuleName, kReleases, kAffected, kId,
};
constexpr std::array<std::pair<JsonKey, std::string_view>, 12> kJsonKeys = {{
    {JsonKey::kSchema, "\"$schema\""},
    {JsonKey::kCatalogVersion, "\"catalogVersion\""},
    {JsonKey::kCveId, "\"cveID\""},
    {JsonKey::kNvdCve, "\"NVD_CVE\""},
    {JsonKey::kSourceIdentifier, "\"sourceIdentifier\""},
    {JsonKey::kDistroversion, "\"distroversion\""},
    {JsonKey::kPackages, "\"packages\""},
    {JsonKey::kSecfixes, "\"secfixes\""},
    {JsonKey::kModuleName, "\"module_name\""},
    {JsonKey::kReleases, "\"releases\""},
    {JsonKey::kAffected, "\"affected\""},
    {JsonKey::kId, "\"id\""},
}};

// Bit k set when kJsonKeys[k] occurs anywhere in `s` (as a substring, like string::find):
// one scan from quote to quote instead of one scan per string.
uint32_t QuotedStringsIn(std::string_view s) {
  uint32_t found = 0;
  size_t pos = 0;
  while ((pos = s.find('"', pos)) != std::string_view::npos) {
    if (pos + 1 < s.size()) {
      const char next = s[pos + 1];
      for (const auto& [key, text] : kJsonKeys) {
        if (text[1] == next && s.compare(pos, text.size(), text) == 0) {
          found |= 1u << static_cast<int>(key);
        }
      }
    }
    ++pos;
  }
  return found;
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
    // One pass over the head finds which of the telling strings it holds.
    const uint32_t keys = QuotedStringsIn(head);
    auto has = [&](JsonKey k) { return (keys & (1u << static_cast<int>(k))) != 0; };
    if (has(JsonKey::kSchema)) return FeedFormat::kUnknown;
    // The nodejs working group's per-directory index.json lists files; it is not an advisory.
    if (EndsWith(path, "vuln/npm/index.json") || EndsWith(path, "vuln/core/index.json") ||
        EndsWith(path, "vuln/deps/index.json")) {
      return FeedFormat::kUnknown;
    }
    if (has(JsonKey::kCatalogVersion) || has(JsonKey::kCveId)) return FeedFormat::kKev;
    if (has(JsonKey::kNvdCve) || has(JsonKey::kSourceIdentifier)) return FeedFormat::kNvd;
    if (has(JsonKey::kDistroversion) || (has(JsonKey::kPackages) && has(JsonKey::kSecfixes))) {
      return FeedFormat::kAlpineSecdb;
    }
    if (has(JsonKey::kModuleName) || Has(path, "vuln/core/") || Has(path, "vuln/deps/") ||
        Has(path, "vuln/npm/")) {
      return FeedFormat::kNodejsWg;
    }
    if (has(JsonKey::kReleases) && !has(JsonKey::kAffected)) return FeedFormat::kDebianTracker;
    // OSV: "id" near the top, or "affected" first when the keys are sorted (a long affected list
    // then hides "id" beyond the head).
    if (has(JsonKey::kId) || has(JsonKey::kAffected)) return FeedFormat::kOsvJson;
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
