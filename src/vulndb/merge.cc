#include "vulndb/merge.h"

#include <algorithm>
#include <set>

#include "vulndb/ecosystems.h"

namespace surveyor::vulndb {
namespace {

bool IsDistroRecord(const Advisory& a) {
  for (const Affected& af : a.affected) {
    if (IsDistroEcosystem(af.package.ecosystem)) return true;
  }
  return false;
}

template <typename T>
void AppendUnique(std::vector<T>& into, const std::vector<T>& from) {
  for (const T& x : from) {
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
  }
}

}  // namespace

Advisory MergeAdvisories(std::vector<SourcedAdvisory> records, const Enrichment* enrichment) {
  Advisory out;
  if (records.empty()) return out;
  std::sort(records.begin(), records.end(), [](const SourcedAdvisory& a, const SourcedAdvisory& b) {
    const bool da = IsDistroRecord(a.advisory), db = IsDistroRecord(b.advisory);
    if (da != db) return !da;
    if (a.source != b.source) return a.source < b.source;
    return a.key < b.key;
  });
  out.provenance = Json::object();
  auto origin = [](const SourcedAdvisory& r) { return r.source + "/" + r.key; };
  // Canonical id: a CVE shared by the records, else the first record's canonical id.
  std::set<std::string> cves;
  for (const auto& r : records) {
    if (IsCveId(r.advisory.canonical_id)) cves.insert(r.advisory.canonical_id);
  }
  out.canonical_id = cves.empty() ? records[0].advisory.canonical_id : *cves.begin();
  out.id = out.canonical_id;
  std::set<std::string> aliases;
  bool all_withdrawn = true;
  Json sources = Json::array();
  for (const auto& r : records) {
    const Advisory& a = r.advisory;
    sources.push_back(origin(r));
    aliases.insert(a.id);
    aliases.insert(a.aliases.begin(), a.aliases.end());
    auto take = [&](std::string& field, const std::string& value, const char* name) {
      if (field.empty() && !value.empty()) {
        field = value;
        out.provenance[name] = origin(r);
      }
    };
    take(out.summary, a.summary, "summary");
    take(out.details, a.details, "details");
    take(out.schema_version, a.schema_version, "schema_version");
    // Vendor severity only from distro records (the vendor's own word).
    if (IsDistroRecord(a)) take(out.vendor_severity, a.vendor_severity, "vendor_severity");
    if (!a.published.empty() && (out.published.empty() || a.published < out.published)) {
      out.published = a.published;
      out.provenance["published"] = origin(r);
    }
    if (a.modified > out.modified) {
      out.modified = a.modified;
      out.provenance["modified"] = origin(r);
    }
    if (a.withdrawn.empty()) {
      all_withdrawn = false;
    } else if (a.withdrawn > out.withdrawn) {
      out.withdrawn = a.withdrawn;
    }
    for (Affected af : a.affected) {
      af.database_specific["source"] = origin(r);
      out.affected.push_back(std::move(af));
    }
    AppendUnique(out.severity, a.severity);
    AppendUnique(out.related, a.related);
    AppendUnique(out.upstream, a.upstream);
    AppendUnique(out.references, a.references);
    for (const CvssEntry& c : a.cvss) {
      if (std::find(out.cvss.begin(), out.cvss.end(), c) == out.cvss.end()) out.cvss.push_back(c);
    }
  }
  if (!all_withdrawn) out.withdrawn.clear();
  aliases.erase(out.id);
  out.aliases.assign(aliases.begin(), aliases.end());
  out.provenance["records"] = sources;
  if (!out.cvss.empty()) out.provenance["cvss"] = "records";
  if (enrichment != nullptr) {
    for (const CvssEntry& c : enrichment->cvss) {
      if (std::find(out.cvss.begin(), out.cvss.end(), c) == out.cvss.end()) out.cvss.push_back(c);
    }
    if (!enrichment->cvss.empty()) out.provenance["cvss_nvd"] = "nvd";
    if (out.details.empty() && !enrichment->description.empty()) {
      out.details = enrichment->description;
      out.provenance["details"] = "nvd";
    }
    out.epss_score = enrichment->epss_score;
    out.epss_percentile = enrichment->epss_percentile;
    if (enrichment->epss_score) out.provenance["epss"] = "epss";
    out.kev = enrichment->kev;
    out.kev_date_added = enrichment->kev_date_added;
    if (enrichment->kev) out.provenance["kev"] = "kev";
  }
  return out;
}

}  // namespace surveyor::vulndb
