#include "match/matcher.h"

#include <algorithm>
#include <map>

#include "versions/ecosystem.h"

namespace surveyor::match {

bool KeyFor(const analyze::Package& p, MatchKey& out) {
  if (p.ecosystem.empty() || p.version.empty()) return false;
  const bool os = analyze::RowFor(p.type).os_package;
  out.ecosystem = p.ecosystem;
  if (os) {
    // Distro advisories are keyed by source package; a binNMU's binary version (+b1) sorts after
    // its source version, so the source version is the one to compare.
    out.name = p.source_name.empty() ? p.name : p.source_name;
    out.version = p.source_version.empty() ? p.version : p.source_version;
  } else {
    out.name = p.name;
    out.version = p.version;
  }
  // A Go main module built outside version control cannot be placed on any range.
  if (out.version == "(devel)") return false;
  return true;
}

std::string FixedInVersion(const Match& m) {
  return m.fixed_versions.empty() ? std::string() : m.fixed_versions.front();
}

std::string FindingTitle(const Match& m) { return m.vulnerability_id + " - " + m.package_key; }

std::shared_ptr<const PackageMatches> MatchCache::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second;
}

void MatchCache::Put(const std::string& key, std::shared_ptr<const PackageMatches> value) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_.emplace(key, std::move(value));
}

void MatchCache::Clear() {
  std::lock_guard lock(mu_);
  entries_.clear();
}

namespace {

// Every candidate advisory of one package version, evaluated.
Result<PackageMatches> EvaluatePackage(const MatchKey& key, const versions::Scheme& scheme,
                                       AdvisorySource& source) {
  PackageMatches out;
  ASSIGN_OR_RETURN(auto ids, source.Candidates(key.ecosystem, key.name));
  std::vector<std::string> seen_vulnerabilities;
  for (const std::string& id : ids) {
    auto loaded = source.Load(id);
    if (!loaded.ok()) {
      out.warnings.push_back("cannot load " + id + ": " + loaded.status().message());
      continue;
    }
    const vulndb::Advisory& advisory = (*loaded)->advisory;
    if (!advisory.withdrawn.empty()) continue;
    // Records about one vulnerability (GO-, GHSA-, PYSEC- ids aliasing one CVE) make one match:
    // the first that affects the version counts.
    const std::string vuln_id = advisory.canonical_id.empty() ? id : advisory.canonical_id;
    if (std::find(seen_vulnerabilities.begin(), seen_vulnerabilities.end(), vuln_id) !=
        seen_vulnerabilities.end()) {
      continue;
    }
    // Only entries for this exact ecosystem (release included) and package: a Debian 12
    // package is never judged by another release's or upstream's ranges.
    std::vector<const Json*> entries =
        versions::EntriesForPackage((*loaded)->osv, key.ecosystem, key.name);
    std::string state;
    std::erase_if(entries, [&](const Json* e) {
      const Json* specific = GetObject(*e, "ecosystem_specific");
      const std::string s = specific ? GetString(*specific, "state").value_or("") : "";
      if (!s.empty() && state.empty()) state = s;
      return s == "not-affected";
    });
    if (entries.empty()) continue;
    auto evaluation = versions::EvaluateAffectedEntries(entries, scheme, key.version);
    if (!evaluation.ok()) {
      out.warnings.push_back(id + " for " + key.name + " " + key.version + ": " +
                             evaluation.status().message());
      continue;
    }
    if (!evaluation->affected) continue;
    seen_vulnerabilities.push_back(vuln_id);
    PackageEvaluation e;
    e.vulnerability_id = vuln_id;
    e.advisory = *loaded;
    e.fixed_versions = evaluation->fixed_versions;
    e.fix_available = evaluation->fix_available;
    for (const auto& by : evaluation->by) e.affected_by.push_back(by.description);
    e.state = state;
    e.score = vulndb::DeriveSeverity(advisory);
    out.affected.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<MatchResult> MatchInventory(const analyze::Inventory& inventory, AdvisorySource& source,
                                   const MatchOptions& options, MatchCache* cache) {
  MatchResult result;
  // (id, ecosystem, package key) → index into result.matches
  std::map<std::tuple<std::string, std::string, std::string>, size_t> seen;
  for (size_t i = 0; i < inventory.packages.size(); ++i) {
    const analyze::Package& p = inventory.packages[i];
    const bool os = analyze::RowFor(p.type).os_package;
    if (options.os_only && !os) continue;
    if (p.dev && !options.include_dev) continue;
    MatchKey key;
    if (!KeyFor(p, key)) continue;
    ++result.packages_considered;
    const versions::Scheme* scheme = versions::SchemeForEcosystem(key.ecosystem);
    if (scheme == nullptr) {
      result.warnings.push_back("no version scheme for ecosystem " + key.ecosystem + " (" +
                                p.name + ")");
      continue;
    }
    const std::string cache_key = key.ecosystem + '\n' + key.name + '\n' + key.version;
    std::shared_ptr<const PackageMatches> evaluated = cache ? cache->Find(cache_key) : nullptr;
    if (!evaluated) {
      ASSIGN_OR_RETURN(PackageMatches fresh, EvaluatePackage(key, *scheme, source));
      evaluated = std::make_shared<const PackageMatches>(std::move(fresh));
      if (cache) cache->Put(cache_key, evaluated);
    }
    for (const auto& w : evaluated->warnings) result.warnings.push_back(w);
    for (const PackageEvaluation& e : evaluated->affected) {
      const auto known = seen.find({e.vulnerability_id, key.ecosystem, key.name});
      if (known != seen.end()) {
        Match& existing = result.matches[known->second];
        existing.packages.push_back(i);
        if (existing.version == key.version) continue;
        // The same package at another version (two copies in the image): one finding lists both.
        for (const auto& v : e.fixed_versions) {
          if (std::find(existing.fixed_versions.begin(), existing.fixed_versions.end(), v) ==
              existing.fixed_versions.end()) {
            existing.fixed_versions.push_back(v);
          }
        }
        if (existing.fix_available != e.fix_available) {
          existing.fix_available = versions::FixAvailable::kPartial;
        }
        continue;
      }
      Match m;
      m.vulnerability_id = e.vulnerability_id;
      m.advisory = e.advisory;
      m.ecosystem = key.ecosystem;
      m.package_key = key.name;
      m.version = key.version;
      m.packages.push_back(i);
      m.fixed_versions = e.fixed_versions;
      m.fix_available = e.fix_available;
      m.affected_by = e.affected_by;
      m.state = e.state;
      m.score = e.score;
      seen[{e.vulnerability_id, key.ecosystem, key.name}] = result.matches.size();
      result.matches.push_back(std::move(m));
    }
  }
  std::sort(result.matches.begin(), result.matches.end(), [](const Match& a, const Match& b) {
    return std::tie(a.vulnerability_id, a.ecosystem, a.package_key, a.version) <
           std::tie(b.vulnerability_id, b.ecosystem, b.package_key, b.version);
  });
  return result;
}

}  // namespace surveyor::match
