// Debian security tracker JSON importer parser (source package → CVE → release → status,
// fixed_version, urgency, nodsa). Produces one advisory per (CVE, release) with key
// "<CVE>/Debian:<N>" ("Debian:unstable" for sid), one affected entry per source package, and
// keeps every state: fixed, unfixed ("open"), not-affected (fixed_version "0"), end-of-life,
// no-dsa / ignored / postponed, undetermined — in ecosystem_specific.state. The urgency is the
// vendor severity. Pure; the document is parsed whole (size-limited by the caller).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vulndb/feed.h"

namespace surveyor::vulndb {

Status ParseDebianTracker(std::string_view text, std::string_view name, RecordSink& sink);

// "bookworm" → "12", "sid" → "unstable"; nullopt for unknown code names.
std::optional<std::string> DebianReleaseNumber(std::string_view codename);

}  // namespace surveyor::vulndb
