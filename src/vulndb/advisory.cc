#include "vulndb/advisory.h"

#include <algorithm>
#include <cctype>

namespace surveyor::vulndb {

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kUntriaged: return "UNTRIAGED";
    case Severity::kInformational: return "INFORMATIONAL";
    case Severity::kLow: return "LOW";
    case Severity::kMedium: return "MEDIUM";
    case Severity::kHigh: return "HIGH";
    case Severity::kCritical: return "CRITICAL";
  }
  return "UNTRIAGED";
}

std::optional<Severity> ParseSeverityName(std::string_view name) {
  for (Severity s : {Severity::kUntriaged, Severity::kInformational, Severity::kLow,
                     Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (SeverityName(s) == name) return s;
  }
  return std::nullopt;
}

std::string_view EventKindName(EventKind k) {
  switch (k) {
    case EventKind::kIntroduced: return "introduced";
    case EventKind::kFixed: return "fixed";
    case EventKind::kLastAffected: return "last_affected";
    case EventKind::kLimit: return "limit";
  }
  return "introduced";
}

bool IsCveId(std::string_view id) {
  if (id.size() < 13 || id.substr(0, 4) != "CVE-" || id[8] != '-') return false;
  for (size_t i = 4; i < 8; ++i)
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
  for (size_t i = 9; i < id.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(id[i]))) return false;
  return true;
}

std::string CanonicalIdOf(const Advisory& a) {
  if (IsCveId(a.id)) return a.id;
  std::string best;
  for (const std::string& alias : a.aliases) {
    if (IsCveId(alias) && (best.empty() || alias < best)) best = alias;
  }
  return best.empty() ? a.id : best;
}

namespace {

void PutIfNotEmpty(Json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void PutList(Json& j, const char* key, const std::vector<std::string>& v) {
  if (!v.empty()) j[key] = v;
}
void PutJson(Json& j, const char* key, const Json& v) {
  if (!v.is_null() && !(v.is_object() && v.empty())) j[key] = v;
}

Json SeverityListJson(const std::vector<OsvSeverity>& list) {
  Json out = Json::array();
  for (const auto& s : list) out.push_back({{"type", s.type}, {"score", s.score}});
  return out;
}

// Reading helpers: each returns InvalidArgument naming the field when the type is wrong.
Status ReadString(const Json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument(std::string("field \"") + key + "\" is not a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status ReadStringList(const Json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument(std::string("field \"") + key + "\" is not a list");
  for (const Json& e : *it) {
    if (!e.is_string()) {
      return InvalidArgument(std::string("field \"") + key + "\" holds a non-string");
    }
    out.push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status ReadObject(const Json& j, const char* key, Json& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_object()) return InvalidArgument(std::string("field \"") + key + "\" is not an object");
  out = *it;
  return Status::Ok();
}

Status ReadSeverityList(const Json& j, const char* key, std::vector<OsvSeverity>& out) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument(std::string("field \"") + key + "\" is not a list");
  for (const Json& e : *it) {
    if (!e.is_object()) return InvalidArgument("severity entry is not an object");
    OsvSeverity s;
    RETURN_IF_ERROR(ReadString(e, "type", s.type));
    RETURN_IF_ERROR(ReadString(e, "score", s.score));
    out.push_back(std::move(s));
  }
  return Status::Ok();
}

Result<Range> ReadRange(const Json& j) {
  if (!j.is_object()) return InvalidArgument("range is not an object");
  Range r;
  RETURN_IF_ERROR(ReadString(j, "type", r.type));
  RETURN_IF_ERROR(ReadString(j, "repo", r.repo));
  RETURN_IF_ERROR(ReadObject(j, "database_specific", r.database_specific));
  auto it = j.find("events");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgument("range events is not a list");
    for (const Json& e : *it) {
      if (!e.is_object() || e.size() != 1) {
        return InvalidArgument("range event must be an object with exactly one key");
      }
      const auto first = e.begin();
      const std::string& key = first.key();
      const Json& value = first.value();
      Event ev;
      if (key == "introduced") ev.kind = EventKind::kIntroduced;
      else if (key == "fixed") ev.kind = EventKind::kFixed;
      else if (key == "last_affected") ev.kind = EventKind::kLastAffected;
      else if (key == "limit") ev.kind = EventKind::kLimit;
      else return InvalidArgument("unknown range event \"" + key + "\"");
      if (!value.is_string()) return InvalidArgument("range event value is not a string");
      ev.value = value.get<std::string>();
      r.events.push_back(std::move(ev));
    }
  }
  return r;
}

Result<Affected> ReadAffected(const Json& j) {
  if (!j.is_object()) return InvalidArgument("affected entry is not an object");
  Affected a;
  if (auto it = j.find("package"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgument("affected package is not an object");
    RETURN_IF_ERROR(ReadString(*it, "ecosystem", a.package.ecosystem));
    RETURN_IF_ERROR(ReadString(*it, "name", a.package.name));
    RETURN_IF_ERROR(ReadString(*it, "purl", a.package.purl));
  }
  RETURN_IF_ERROR(ReadSeverityList(j, "severity", a.severity));
  RETURN_IF_ERROR(ReadStringList(j, "versions", a.versions));
  RETURN_IF_ERROR(ReadObject(j, "ecosystem_specific", a.ecosystem_specific));
  RETURN_IF_ERROR(ReadObject(j, "database_specific", a.database_specific));
  if (auto it = j.find("ranges"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgument("affected ranges is not a list");
    for (const Json& r : *it) {
      ASSIGN_OR_RETURN(Range range, ReadRange(r));
      a.ranges.push_back(std::move(range));
    }
  }
  return a;
}

}  // namespace

Json ToJson(const Advisory& a) {
  Json j = Json::object();
  PutIfNotEmpty(j, "schema_version", a.schema_version);
  j["id"] = a.id;
  PutIfNotEmpty(j, "modified", a.modified);
  PutIfNotEmpty(j, "published", a.published);
  PutIfNotEmpty(j, "withdrawn", a.withdrawn);
  PutList(j, "aliases", a.aliases);
  PutList(j, "related", a.related);
  PutList(j, "upstream", a.upstream);
  PutIfNotEmpty(j, "summary", a.summary);
  PutIfNotEmpty(j, "details", a.details);
  if (!a.severity.empty()) j["severity"] = SeverityListJson(a.severity);
  if (!a.affected.empty()) {
    Json list = Json::array();
    for (const Affected& af : a.affected) {
      Json e = Json::object();
      Json pkg = Json::object();
      PutIfNotEmpty(pkg, "ecosystem", af.package.ecosystem);
      PutIfNotEmpty(pkg, "name", af.package.name);
      PutIfNotEmpty(pkg, "purl", af.package.purl);
      if (!pkg.empty()) e["package"] = std::move(pkg);
      if (!af.severity.empty()) e["severity"] = SeverityListJson(af.severity);
      if (!af.ranges.empty()) {
        Json ranges = Json::array();
        for (const Range& r : af.ranges) {
          Json rj = {{"type", r.type}};
          PutIfNotEmpty(rj, "repo", r.repo);
          Json events = Json::array();
          for (const Event& ev : r.events) {
            events.push_back({{std::string(EventKindName(ev.kind)), ev.value}});
          }
          rj["events"] = std::move(events);
          PutJson(rj, "database_specific", r.database_specific);
          ranges.push_back(std::move(rj));
        }
        e["ranges"] = std::move(ranges);
      }
      PutList(e, "versions", af.versions);
      PutJson(e, "ecosystem_specific", af.ecosystem_specific);
      PutJson(e, "database_specific", af.database_specific);
      list.push_back(std::move(e));
    }
    j["affected"] = std::move(list);
  }
  if (!a.references.empty()) {
    Json refs = Json::array();
    for (const Reference& r : a.references) refs.push_back({{"type", r.type}, {"url", r.url}});
    j["references"] = std::move(refs);
  }
  PutJson(j, "database_specific", a.database_specific);
  PutIfNotEmpty(j, "canonical_id", a.canonical_id);
  PutIfNotEmpty(j, "vendor_severity", a.vendor_severity);
  if (!a.cvss.empty()) {
    Json list = Json::array();
    for (const CvssEntry& c : a.cvss) {
      list.push_back({{"source", c.source}, {"version", c.version}, {"vector", c.vector},
                      {"base_score", c.base_score}});
    }
    j["cvss"] = std::move(list);
  }
  if (a.epss_score || a.epss_percentile) {
    Json e = Json::object();
    if (a.epss_score) e["score"] = *a.epss_score;
    if (a.epss_percentile) e["percentile"] = *a.epss_percentile;
    j["epss"] = std::move(e);
  }
  if (a.kev) j["kev"] = {{"date_added", a.kev_date_added}};
  PutJson(j, "provenance", a.provenance);
  return j;
}

Result<Advisory> FromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("advisory is not a JSON object");
  Advisory a;
  RETURN_IF_ERROR(ReadString(j, "schema_version", a.schema_version));
  RETURN_IF_ERROR(ReadString(j, "id", a.id));
  RETURN_IF_ERROR(ReadString(j, "modified", a.modified));
  RETURN_IF_ERROR(ReadString(j, "published", a.published));
  RETURN_IF_ERROR(ReadString(j, "withdrawn", a.withdrawn));
  RETURN_IF_ERROR(ReadStringList(j, "aliases", a.aliases));
  RETURN_IF_ERROR(ReadStringList(j, "related", a.related));
  RETURN_IF_ERROR(ReadStringList(j, "upstream", a.upstream));
  RETURN_IF_ERROR(ReadString(j, "summary", a.summary));
  RETURN_IF_ERROR(ReadString(j, "details", a.details));
  RETURN_IF_ERROR(ReadSeverityList(j, "severity", a.severity));
  RETURN_IF_ERROR(ReadObject(j, "database_specific", a.database_specific));
  if (auto it = j.find("affected"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgument("field \"affected\" is not a list");
    for (const Json& e : *it) {
      ASSIGN_OR_RETURN(Affected af, ReadAffected(e));
      a.affected.push_back(std::move(af));
    }
  }
  if (auto it = j.find("references"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return InvalidArgument("field \"references\" is not a list");
    for (const Json& e : *it) {
      if (!e.is_object()) return InvalidArgument("reference is not an object");
      Reference r;
      RETURN_IF_ERROR(ReadString(e, "type", r.type));
      RETURN_IF_ERROR(ReadString(e, "url", r.url));
      a.references.push_back(std::move(r));
    }
  }
  RETURN_IF_ERROR(ReadString(j, "canonical_id", a.canonical_id));
  RETURN_IF_ERROR(ReadString(j, "vendor_severity", a.vendor_severity));
  if (auto it = j.find("cvss"); it != j.end() && it->is_array()) {
    for (const Json& e : *it) {
      if (!e.is_object()) return InvalidArgument("cvss entry is not an object");
      CvssEntry c;
      RETURN_IF_ERROR(ReadString(e, "source", c.source));
      RETURN_IF_ERROR(ReadString(e, "version", c.version));
      RETURN_IF_ERROR(ReadString(e, "vector", c.vector));
      if (auto s = e.find("base_score"); s != e.end() && s->is_number()) c.base_score = s->get<double>();
      a.cvss.push_back(std::move(c));
    }
  }
  if (const Json* e = GetObject(j, "epss")) {
    if (auto s = e->find("score"); s != e->end() && s->is_number()) a.epss_score = s->get<double>();
    if (auto s = e->find("percentile"); s != e->end() && s->is_number()) {
      a.epss_percentile = s->get<double>();
    }
  }
  if (const Json* k = GetObject(j, "kev")) {
    a.kev = true;
    a.kev_date_added = GetString(*k, "date_added").value_or("");
  }
  RETURN_IF_ERROR(ReadObject(j, "provenance", a.provenance));
  return a;
}

}  // namespace surveyor::vulndb
