// Version schemes: one ordering per packaging world (dpkg, apk, rpm, semver, PEP 440, ...).
// A Scheme parses text into a Version (the text kept verbatim plus a compact, pre-split key that
// the scheme alone understands) and compares two Versions of its own without allocating.
// Scheme objects are immutable singletons owned by builtin.cc: thread-safe, never freed.
// Name() is persisted with results: change an ordering, change its name.
#pragma once

#include <compare>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace surveyor::versions {

// Longest version text any scheme accepts; longer input is InvalidArgument.
inline constexpr size_t kMaxVersionLength = 64 * 1024;

class Scheme;

// A parsed version. Value type; cheap to copy for short versions (both strings use SSO).
// `key` is private to the scheme that made it: only that scheme's Compare may read it.
class Version {
 public:
  Version() = default;
  Version(const Scheme* scheme, std::string text, std::string key)
      : scheme_(scheme), text_(std::move(text)), key_(std::move(key)) {}

  const Scheme* scheme() const { return scheme_; }
  // The input exactly as given to Parse.
  const std::string& text() const { return text_; }
  // The scheme's encoding. For most schemes its byte order (memcmp) is the version order.
  const std::string& key() const { return key_; }

 private:
  const Scheme* scheme_ = nullptr;
  std::string text_;
  std::string key_;
};

class Scheme {
 public:
  virtual ~Scheme() = default;

  // Stable identifier stored with results: "dpkg", "apk", "rpm", "semver", "npm", "pep440",
  // "maven", "go", "rubygems", "nuget", "composer", "cargo", "hex", "pub", "cran".
  virtual std::string_view Name() const = 0;

  // Parses `text`. Bad input (including anything longer than kMaxVersionLength) gives
  // InvalidArgument naming the reason. Never throws, never logs; linear in the input size.
  virtual Result<Version> Parse(std::string_view text) const = 0;

  // Orders two versions produced by this scheme's Parse. Equivalent versions (1.0 and 1.00
  // under dpkg) compare equivalent. The default compares keys bytewise.
  virtual std::weak_ordering Compare(const Version& a, const Version& b) const;

  // Parses both and compares; the error names which side was bad.
  Result<std::weak_ordering> CompareText(std::string_view a, std::string_view b) const;
};

// Looks a scheme up by Name(); nullptr when unknown.
const Scheme* FindScheme(std::string_view name);

// Every built-in scheme, in a fixed order (see builtin.cc).
std::span<const Scheme* const> AllSchemes();

}  // namespace surveyor::versions
