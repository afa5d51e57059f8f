#include "match/matcher.h"

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

Result<MatchResult> MatchInventory(const analyze::Inventory& inventory, AdvisorySource& source,
                                   const MatchOptions& options) {
  MatchResult result;
  // (id, ecosystem, package key, version) → index into result.matches
  std::map<std::tuple<std::string, std::string, std::string, std::string>, size_t> seen;
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
    ASSIGN_OR_RETURN(auto ids, source.Candidates(key.ecosystem, key.name));
    for (const std::string& id : ids) {
      const auto known = seen.find({id, key.ecosystem, key.name, key.version});
      if (known != seen.end()) {
        result.matches[known->second].packages.push_back(i);
        continue;
      }
      auto loaded = source.Load(id);
      if (!loaded.ok()) {
        result.warnings.push_back("cannot load " + id + ": " + loaded.status().message());
        continue;
      }
      const vulndb::Advisory& advisory = (*loaded)->advisory;
      if (!advisory.withdrawn.empty()) continue;
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
      auto evaluation = versions::EvaluateAffectedEntries(entries, *scheme, key.version);
      if (!evaluation.ok()) {
        result.warnings.push_back(id + " for " + key.name + " " + key.version + ": " +
                                  evaluation.status().message());
        continue;
      }
      if (!evaluation->affected) continue;
      Match m;
      m.vulnerability_id = id;
      m.advisory = *loaded;
      m.ecosystem = key.ecosystem;
      m.package_key = key.name;
      m.version = key.version;
      m.packages.push_back(i);
      m.fixed_versions = evaluation->fixed_versions;
      m.fix_available = evaluation->fix_available;
      for (const auto& by : evaluation->by) m.affected_by.push_back(by.description);
      m.state = state;
      m.score = vulndb::DeriveSeverity(advisory);
      seen[{id, key.ecosystem, key.name, key.version}] = result.matches.size();
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
