#include "vulndb/canonical_json.h"

#include <cstdint>
#include <string_view>
#include <utility>


#include "common/digest.h"

namespace surveyor::vulndb {
namespace {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) — the same strings nlohmann's dump accepts without replacing anything.
bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i < n; ++i) {
      if (!cont(p[i])) return false;
    }
    p += n;
  }
  return true;
}

// Appends `s` as a JSON string the way nlohmann's dump(-1, ' ', false, replace) writes it:
// '"' and '\' escaped, \b \f \n \r \t, other bytes below 0x20 as \u00xx (lowercase hex),
// everything else (DEL and non-ASCII included) as is. Strings that are not valid UTF-8 go
// through nlohmann itself, so its replacement rules apply unchanged.
void AppendString(std::string_view s, std::string& out) {
  bool ascii = true;
  for (const char ch : s) {
    if (static_cast<unsigned char>(ch) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii && !IsValidUtf8(s)) {
    out += DumpJson(Json(std::string(s)));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  size_t run = 0;  // start of the pending run of bytes copied as they are
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(esc, sizeof esc);
      }
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

// Writes one JSON object member by member; the caller gives the members in sorted key order
// (the order nlohmann's std::map-backed objects dump in).
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;

  // Starts a member; the caller appends its value.
  std::string& Key(std::string_view key) {
    if (!first_) out_ += ',';
    first_ = false;
    AppendString(key, out_);
    out_ += ':';
    return out_;
  }
  void String(std::string_view key, const std::string& v) { AppendString(v, Key(key)); }
  void StringIfNotEmpty(std::string_view key, const std::string& v) {
    if (!v.empty()) String(key, v);
  }
  void ListIfNotEmpty(std::string_view key, const std::vector<std::string>& v) {
    if (!v.empty()) AppendList(v, Key(key));
  }
  // ToJson's PutJson: nothing for null or an empty object.
  void JsonIfSet(std::string_view key, const Json& v) {
    if (!v.is_null() && !(v.is_object() && v.empty())) AppendCanonicalJson(v, Key(key));
  }
  void Number(std::string_view key, double v) { AppendCanonicalJson(Json(v), Key(key)); }

  static void AppendList(const std::vector<std::string>& v, std::string& out) {
    out += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ',';
      AppendString(v[i], out);
    }
    out += ']';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

template <typename T, typename Fn>
void AppendArray(const std::vector<T>& items, std::string& out, Fn&& each) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    each(items[i]);
  }
  out += ']';
}

void AppendSeverities(const std::vector<OsvSeverity>& list, std::string& out) {
  AppendArray(list, out, [&](const OsvSeverity& s) {
    ObjectWriter o(out);
    o.String("score", s.score);
    o.String("type", s.type);
  });
}

void AppendRange(const Range& r, std::string& out) {
  ObjectWriter o(out);
  o.JsonIfSet("database_specific", r.database_specific);
  AppendArray(r.events, o.Key("events"), [&](const Event& ev) {
    ObjectWriter e(out);
    e.String(EventKindName(ev.kind), ev.value);
  });
  o.StringIfNotEmpty("repo", r.repo);
  o.String("type", r.type);
}

void AppendAffected(const Affected& af, std::string& out) {
  ObjectWriter o(out);
  o.JsonIfSet("database_specific", af.database_specific);
  o.JsonIfSet("ecosystem_specific", af.ecosystem_specific);
  const Package& p = af.package;
  if (!p.ecosystem.empty() || !p.name.empty() || !p.purl.empty()) {
    ObjectWriter pkg(o.Key("package"));
    pkg.StringIfNotEmpty("ecosystem", p.ecosystem);
    pkg.StringIfNotEmpty("name", p.name);
    pkg.StringIfNotEmpty("purl", p.purl);
  }
  if (!af.ranges.empty()) {
    AppendArray(af.ranges, o.Key("ranges"), [&](const Range& r) { AppendRange(r, out); });
  }
  if (!af.severity.empty()) AppendSeverities(af.severity, o.Key("severity"));
  o.ListIfNotEmpty("versions", af.versions);
}

using Span = std::pair<size_t, size_t>;  // [begin, end) of a member's value in the body

}  // namespace

void AppendCanonicalJson(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        AppendString(it.key(), out);
        out += ':';
        AppendCanonicalJson(it.value(), out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& e : j) {
        if (!first) out += ',';
        first = false;
        AppendCanonicalJson(e, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      AppendString(j.get_ref<const std::string&>(), out);
      return;
    case Json::value_t::boolean:
      out += j.get<bool>() ? "true" : "false";
      return;
    case Json::value_t::null:
      out += "null";
      return;
    case Json::value_t::number_integer:
      out += std::to_string(j.get<int64_t>());
      return;
    case Json::value_t::number_unsigned:
      out += std::to_string(j.get<uint64_t>());
      return;
    default:  // floating point (shortest round-trip form), binary, discarded: nlohmann's own
      out += DumpJson(j);
      return;
  }
}

CanonicalRecord WriteCanonicalRecord(const Advisory& a) {
  CanonicalRecord rec;
  std::string& out = rec.body;
  out.reserve(a.details.size() + a.summary.size() + 1024);
  Span affected{0, 0}, aliases{0, 0}, cvss{0, 0}, severity{0, 0};
  {
    ObjectWriter o(out);
    if (!a.affected.empty()) {
      o.Key("affected");
      affected.first = out.size();
      AppendArray(a.affected, out, [&](const Affected& af) { AppendAffected(af, out); });
      affected.second = out.size();
    }
    if (!a.aliases.empty()) {
      o.Key("aliases");
      aliases.first = out.size();
      ObjectWriter::AppendList(a.aliases, out);
      aliases.second = out.size();
    }
    o.StringIfNotEmpty("canonical_id", a.canonical_id);
    if (!a.cvss.empty()) {
      o.Key("cvss");
      cvss.first = out.size();
      AppendArray(a.cvss, out, [&](const CvssEntry& c) {
        ObjectWriter e(out);
        e.Number("base_score", c.base_score);
        e.String("source", c.source);
        e.String("vector", c.vector);
        e.String("version", c.version);
      });
      cvss.second = out.size();
    }
    o.JsonIfSet("database_specific", a.database_specific);
    o.StringIfNotEmpty("details", a.details);
    if (a.epss_score || a.epss_percentile) {
      ObjectWriter e(o.Key("epss"));
      if (a.epss_percentile) e.Number("percentile", *a.epss_percentile);
      if (a.epss_score) e.Number("score", *a.epss_score);
    }
    o.String("id", a.id);
    if (a.kev) {
      ObjectWriter k(o.Key("kev"));
      k.String("date_added", a.kev_date_added);
    }
    o.StringIfNotEmpty("modified", a.modified);
    o.JsonIfSet("provenance", a.provenance);
    o.StringIfNotEmpty("published", a.published);
    if (!a.references.empty()) {
      AppendArray(a.references, o.Key("references"), [&](const Reference& r) {
        ObjectWriter e(out);
        e.String("type", r.type);
        e.String("url", r.url);
      });
    }
    o.ListIfNotEmpty("related", a.related);
    o.StringIfNotEmpty("schema_version", a.schema_version);
    if (!a.severity.empty()) {
      o.Key("severity");
      severity.first = out.size();
      AppendSeverities(a.severity, out);
      severity.second = out.size();
    }
    o.StringIfNotEmpty("summary", a.summary);
    o.ListIfNotEmpty("upstream", a.upstream);
    o.StringIfNotEmpty("vendor_severity", a.vendor_severity);
    o.StringIfNotEmpty("withdrawn", a.withdrawn);
  }
  // The same bytes MatchDigestOf hashes: string members raw, the others as dumped above.
  std::string input;
  auto member = [&](std::string_view name, std::string_view value) {
    input.append(name);
    input += '=';
    input.append(value);
    input += '\n';
  };
  auto span = [&](const Span& s) { return std::string_view(out).substr(s.first, s.second - s.first); };
  member("id", a.id);
  if (!a.affected.empty()) member("affected", span(affected));
  if (!a.severity.empty()) member("severity", span(severity));
  if (!a.cvss.empty()) member("cvss", span(cvss));
  if (!a.vendor_severity.empty()) member("vendor_severity", a.vendor_severity);
  if (!a.withdrawn.empty()) member("withdrawn", a.withdrawn);
  if (!a.canonical_id.empty()) member("canonical_id", a.canonical_id);
  if (!a.aliases.empty()) member("aliases", span(aliases));
  rec.match_digest = Sha256Hex(input);
  return rec;
}

bool OnlyScoresDiffer(const Json& old_canonical, const Json& new_canonical) {
  if (!old_canonical.is_object() || !new_canonical.is_object()) return false;
  for (const char* key : {"id", "affected", "vendor_severity", "withdrawn", "canonical_id",
                          "aliases"}) {
    auto a = old_canonical.find(key), b = new_canonical.find(key);
    const bool in_a = a != old_canonical.end(), in_b = b != new_canonical.end();
    if (in_a != in_b || (in_a && *a != *b)) return false;
  }
  return true;
}

std::string MatchDigestOf(const Json& j) {
  Hasher h;
  for (const char* key : {"id", "affected", "severity", "cvss", "vendor_severity", "withdrawn",
                          "canonical_id", "aliases"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    h.Update(key);
    h.Update("=");
    h.Update(it->is_string() ? it->get_ref<const std::string&>() : DumpJson(*it));
    h.Update("\n");
  }
  return h.Finish().hex();
}

}  // namespace surveyor::vulndb
