#include "vulndb/osv/osv_simdjson.h"

#include <simdjson.h>

namespace surveyor::vulndb {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr size_t kMaxSubtreeDepth = 64;

Result<Json> ToNlohmann(element e, size_t depth) {
  if (depth > kMaxSubtreeDepth) return InvalidArgument("JSON nested too deeply");
  switch (e.type()) {
    case element_type::ARRAY: {
      Json out = Json::array();
      for (element c : array(e)) {
        ASSIGN_OR_RETURN(Json j, ToNlohmann(c, depth + 1));
        out.push_back(std::move(j));
      }
      return out;
    }
    case element_type::OBJECT: {
      Json out = Json::object();
      for (auto field : object(e)) {
        ASSIGN_OR_RETURN(Json j, ToNlohmann(field.value, depth + 1));
        out[std::string(field.key)] = std::move(j);
      }
      return out;
    }
    case element_type::INT64: return Json(int64_t(e));
    case element_type::UINT64: return Json(uint64_t(e));
    case element_type::DOUBLE: return Json(double(e));
    case element_type::STRING: return Json(std::string(std::string_view(e)));
    case element_type::BOOL: return Json(bool(e));
    case element_type::NULL_VALUE: return Json(nullptr);
  }
  return Json(nullptr);
}

// Field accessors: absent or null → nothing; wrong type → InvalidArgument naming the field.
bool Lookup(object o, std::string_view key, element& out) {
  if (o.at_key(key).get(out) != simdjson::SUCCESS) return false;
  return !out.is_null();
}

Status Str(object o, std::string_view key, std::string& out) {
  element e;
  if (!Lookup(o, key, e)) return Status::Ok();
  std::string_view v;
  if (e.get_string().get(v) != simdjson::SUCCESS) {
    return InvalidArgument("field \"" + std::string(key) + "\" is not a string");
  }
  out.assign(v);
  return Status::Ok();
}

Status StrList(object o, std::string_view key, std::vector<std::string>& out) {
  element e;
  if (!Lookup(o, key, e)) return Status::Ok();
  array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) {
    return InvalidArgument("field \"" + std::string(key) + "\" is not a list");
  }
  for (element x : a) {
    std::string_view v;
    if (x.get_string().get(v) != simdjson::SUCCESS) {
      return InvalidArgument("field \"" + std::string(key) + "\" holds a non-string");
    }
    out.emplace_back(v);
  }
  return Status::Ok();
}

Status Obj(object o, std::string_view key, Json& out) {
  element e;
  if (!Lookup(o, key, e)) return Status::Ok();
  if (!e.is_object()) return InvalidArgument("field \"" + std::string(key) + "\" is not an object");
  ASSIGN_OR_RETURN(out, ToNlohmann(e, 0));
  return Status::Ok();
}

Status Severities(object o, std::vector<OsvSeverity>& out) {
  element e;
  if (!Lookup(o, "severity", e)) return Status::Ok();
  array a;
  if (e.get_array().get(a) != simdjson::SUCCESS) return InvalidArgument("field \"severity\" is not a list");
  for (element x : a) {
    object so;
    if (x.get_object().get(so) != simdjson::SUCCESS) return InvalidArgument("severity entry is not an object");
    OsvSeverity s;
    RETURN_IF_ERROR(Str(so, "type", s.type));
    RETURN_IF_ERROR(Str(so, "score", s.score));
    out.push_back(std::move(s));
  }
  return Status::Ok();
}

Result<Range> ReadRange(element e) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return InvalidArgument("range is not an object");
  Range r;
  RETURN_IF_ERROR(Str(o, "type", r.type));
  RETURN_IF_ERROR(Str(o, "repo", r.repo));
  RETURN_IF_ERROR(Obj(o, "database_specific", r.database_specific));
  element ev;
  if (Lookup(o, "events", ev)) {
    array a;
    if (ev.get_array().get(a) != simdjson::SUCCESS) return InvalidArgument("range events is not a list");
    for (element x : a) {
      object eo;
      if (x.get_object().get(eo) != simdjson::SUCCESS || eo.size() != 1) {
        return InvalidArgument("range event must be an object with exactly one key");
      }
      auto field = *eo.begin();
      Event event;
      const std::string_view key = field.key;
      if (key == "introduced") event.kind = EventKind::kIntroduced;
      else if (key == "fixed") event.kind = EventKind::kFixed;
      else if (key == "last_affected") event.kind = EventKind::kLastAffected;
      else if (key == "limit") event.kind = EventKind::kLimit;
      else return InvalidArgument("unknown range event \"" + std::string(key) + "\"");
      std::string_view v;
      if (field.value.get_string().get(v) != simdjson::SUCCESS) {
        return InvalidArgument("range event value is not a string");
      }
      event.value.assign(v);
      r.events.push_back(std::move(event));
    }
  }
  return r;
}

Result<Affected> ReadAffected(element e) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return InvalidArgument("affected entry is not an object");
  Affected a;
  element pkg;
  if (Lookup(o, "package", pkg)) {
    object po;
    if (pkg.get_object().get(po) != simdjson::SUCCESS) return InvalidArgument("affected package is not an object");
    RETURN_IF_ERROR(Str(po, "ecosystem", a.package.ecosystem));
    RETURN_IF_ERROR(Str(po, "name", a.package.name));
    RETURN_IF_ERROR(Str(po, "purl", a.package.purl));
  }
  RETURN_IF_ERROR(Severities(o, a.severity));
  RETURN_IF_ERROR(StrList(o, "versions", a.versions));
  RETURN_IF_ERROR(Obj(o, "ecosystem_specific", a.ecosystem_specific));
  RETURN_IF_ERROR(Obj(o, "database_specific", a.database_specific));
  element ranges;
  if (Lookup(o, "ranges", ranges)) {
    array ra;
    if (ranges.get_array().get(ra) != simdjson::SUCCESS) return InvalidArgument("affected ranges is not a list");
    for (element r : ra) {
      ASSIGN_OR_RETURN(Range range, ReadRange(r));
      a.ranges.push_back(std::move(range));
    }
  }
  return a;
}

Result<Advisory> ReadRecord(element e) {
  object o;
  if (e.get_object().get(o) != simdjson::SUCCESS) return InvalidArgument("advisory is not a JSON object");
  Advisory a;
  RETURN_IF_ERROR(Str(o, "schema_version", a.schema_version));
  RETURN_IF_ERROR(Str(o, "id", a.id));
  RETURN_IF_ERROR(Str(o, "modified", a.modified));
  RETURN_IF_ERROR(Str(o, "published", a.published));
  RETURN_IF_ERROR(Str(o, "withdrawn", a.withdrawn));
  RETURN_IF_ERROR(StrList(o, "aliases", a.aliases));
  RETURN_IF_ERROR(StrList(o, "related", a.related));
  RETURN_IF_ERROR(StrList(o, "upstream", a.upstream));
  RETURN_IF_ERROR(Str(o, "summary", a.summary));
  RETURN_IF_ERROR(Str(o, "details", a.details));
  RETURN_IF_ERROR(Severities(o, a.severity));
  RETURN_IF_ERROR(Obj(o, "database_specific", a.database_specific));
  element affected;
  if (Lookup(o, "affected", affected)) {
    array aa;
    if (affected.get_array().get(aa) != simdjson::SUCCESS) return InvalidArgument("field \"affected\" is not a list");
    for (element x : aa) {
      ASSIGN_OR_RETURN(Affected af, ReadAffected(x));
      a.affected.push_back(std::move(af));
    }
  }
  element refs;
  if (Lookup(o, "references", refs)) {
    array ra;
    if (refs.get_array().get(ra) != simdjson::SUCCESS) return InvalidArgument("field \"references\" is not a list");
    for (element x : ra) {
      object ro;
      if (x.get_object().get(ro) != simdjson::SUCCESS) return InvalidArgument("reference is not an object");
      Reference r;
      RETURN_IF_ERROR(Str(ro, "type", r.type));
      RETURN_IF_ERROR(Str(ro, "url", r.url));
      a.references.push_back(std::move(r));
    }
  }
  return a;
}

std::string IdOf(element e) {
  object o;
  std::string_view id;
  if (e.get_object().get(o) != simdjson::SUCCESS) return "";
  if (o.at_key("id").get_string().get(id) != simdjson::SUCCESS) return "";
  return std::string(id.substr(0, 200));
}

}  // namespace

Status ReadOsvJsonRecords(std::string_view text,
                          const std::function<Status(Result<Advisory>, std::string_view id)>& fn) {
  thread_local simdjson::dom::parser parser;
  element doc;
  if (auto err = parser.parse(text.data(), text.size()).get(doc); err != simdjson::SUCCESS) {
    return InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(err));
  }
  if (doc.is_array()) {
    for (element e : array(doc)) RETURN_IF_ERROR(fn(ReadRecord(e), IdOf(e)));
    return Status::Ok();
  }
  return fn(ReadRecord(doc), IdOf(doc));
}

}  // namespace surveyor::vulndb
