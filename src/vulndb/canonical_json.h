// The stored form of an advisory record, written straight from the Advisory: the same bytes as
// DumpJson(ToJson(a)) (sorted keys, nlohmann's escaping, invalid UTF-8 replaced by U+FFFD) and
// the same match digest as MatchDigestOf(ToJson(a)), without building and dumping a JSON tree
// per record (that was a fifth of an OSV import's time). Stored bodies and digests must never
// change for unchanged input, or every record of the next import would look changed.
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "vulndb/advisory.h"

namespace surveyor::vulndb {

struct CanonicalRecord {
  std::string body;          // == DumpJson(ToJson(a))
  std::string match_digest;  // == MatchDigestOf(ToJson(a)), lowercase hex
};

CanonicalRecord WriteCanonicalRecord(const Advisory& a);

// The digest over the parts of an advisory's canonical JSON that affect matching, severity or
// fix: the members id, affected, severity, cvss, vendor_severity, withdrawn, canonical_id and
// aliases, each as "name=value\n" (strings raw, everything else as its compact dump).
// The reference definition; WriteCanonicalRecord computes the same from its own output.
std::string MatchDigestOf(const Json& canonical);

// Whether two canonical records differ in at most their severity and CVSS members: then
// matching and every per-finding fact (fix, aliases, vendor severity) are the same, and only the
// scores of their findings change.
bool OnlyScoresDiffer(const Json& old_canonical, const Json& new_canonical);

// Appends `j` as DumpJson would write it (compact).
void AppendCanonicalJson(const Json& j, std::string& out);

}  // namespace surveyor::vulndb
