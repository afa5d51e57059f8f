// Debian security tracker JSON importer parser (source package → CVE → release → status,
// fixed_version, urgency, nodsa). Produces one advisory per (CVE, release) with key
// "<CVE>/Debian:<N>" ("Debian:unstable" for sid), one affected entry per source package, and
// keeps every state: fixed, unfixed ("open"), not-affected (fixed_version "0"), end-of-life,
// no-dsa / ignored / postponed, undetermined — in ecosystem_specific.state. The urgency is the
// vendor severity. Pure. DebianTrackerStream reads the document in chunks, one package entry
// at a time, parking (CVE, package) entries in a FragmentStore until the document ends; memory
// is bounded by the largest package entry, never by the feed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vulndb/feed.h"
#include "vulndb/json_stream.h"

namespace surveyor::vulndb {

// The whole document in memory (grouped in a MemoryFragmentStore).
Status ParseDebianTracker(std::string_view text, std::string_view name, RecordSink& sink);

// The streaming form: records reach `sink` in Finish(), in (CVE, release) order. A malformed
// document is one Skip (named `name`) and imports nothing; store and sink errors are returned.
class DebianTrackerStream final : public StreamParser {
 public:
  DebianTrackerStream(std::string name, RecordSink& sink, FragmentStore& store);
  Status Feed(std::string_view chunk) override;
  Status Finish() override;

 private:
  Status OnPackage(std::string_view package, std::string_view value);
  Status FailDocument(const Status& why);

  std::string name_;
  RecordSink& sink_;
  FragmentStore& store_;
  JsonMemberSplitter splitter_;
  Status store_error_;
  bool failed_ = false;
};

// "bookworm" → "12", "sid" → "unstable"; nullopt for unknown code names.
std::optional<std::string> DebianReleaseNumber(std::string_view codename);

}  // namespace surveyor::vulndb
