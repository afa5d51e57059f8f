// Key layout: major, minor, patch as numbers (internal::AppendNumber); then 0x02 when there is no
// prerelease, or 0x01 followed by the identifiers (numeric: 0x01 + number; alphanumeric: 0x02 +
// bytes + 0x00) and a closing 0x00. So a release sorts after all its prereleases, fewer
// identifiers sort first, and numeric identifiers sort below alphanumeric ones.
#include "versions/semver/semver.h"

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::Invalid;
using internal::IsAlnum;
using internal::IsDigit;

constexpr std::string_view kMaxSafeInteger = "9007199254740991";

bool IsIdentChar(char c) { return IsAlnum(c) || c == '-'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

// True when the digit run is above 2^53-1 (node-semver's MAX_SAFE_INTEGER).
bool TooBig(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  digits.remove_prefix(i);
  if (digits.size() != kMaxSafeInteger.size()) return digits.size() > kMaxSafeInteger.size();
  return digits > kMaxSafeInteger;
}

// Reads a digit run at `pos`; returns false if there is none.
bool ReadNumber(std::string_view s, size_t& pos, std::string_view& out) {
  const size_t start = pos;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  out = s.substr(start, pos - start);
  return pos > start;
}

// Splits a dot-separated identifier list; every identifier non-empty and of [0-9A-Za-z-].
bool SplitIdentifiers(std::string_view s, std::vector<std::string_view>& out) {
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view id = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (id.empty()) return false;
    for (char c : id) {
      if (!IsIdentChar(c)) return false;
    }
    out.push_back(id);
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Result<SemverParts> ParseSemverParts(std::string_view scheme, std::string_view text,
                                     const SemverOptions& options) {
  RETURN_IF_ERROR(internal::CheckLength(scheme, text));
  std::string_view s = text;
  if (options.npm_limits) {
    if (s.size() > 256) return Invalid(scheme, text, "longer than 256 characters");
    s = internal::TrimBlanks(s);  // node-semver trims
  }
  if (options.loose) {
    while (!s.empty() && (s.front() == '=' || s.front() == 'v' || s.front() == ' ' ||
                          s.front() == '\t')) {
      s.remove_prefix(1);
    }
  } else if (options.allow_v && !s.empty() && s.front() == 'v') {
    s.remove_prefix(1);
  }
  SemverParts parts;
  size_t pos = 0;
  auto numeric = [&](std::string_view& out, const char* what) -> Status {
    if (!ReadNumber(s, pos, out)) {
      return Invalid(scheme, text, std::string("expected a number for the ") + what);
    }
    if (!options.loose && !options.leading_zeros && out.size() > 1 && out[0] == '0') {
      return Invalid(scheme, text, std::string("leading zero in the ") + what);
    }
    if (options.npm_limits && TooBig(out)) {
      return Invalid(scheme, text, std::string("the ") + what + " is above 2^53-1");
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(numeric(parts.major, "major version"));
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    RETURN_IF_ERROR(numeric(parts.minor, "minor version"));
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      RETURN_IF_ERROR(numeric(parts.patch, "patch version"));
      if (options.four_part && pos < s.size() && s[pos] == '.') {
        ++pos;
        RETURN_IF_ERROR(numeric(parts.revision, "revision number"));
      }
    } else if (!options.partial) {
      return Invalid(scheme, text, "expected MAJOR.MINOR.PATCH");
    }
  } else if (!options.partial) {
    return Invalid(scheme, text, "expected MAJOR.MINOR.PATCH");
  }
  // "1.2.3.4.5": the extra numeric components count as build metadata.
  if (options.extra_components) {
    while (pos + 1 < s.size() && s[pos] == '.' && IsDigit(s[pos + 1])) {
      size_t start = ++pos;
      while (pos < s.size() && IsDigit(s[pos])) ++pos;
      parts.build.push_back(s.substr(start, pos - start));
    }
  }
  std::string_view rest = s.substr(pos);
  std::string_view pre;
  std::string_view build;
  if (size_t plus = rest.find('+'); plus != std::string_view::npos) {
    build = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
    if (!SplitIdentifiers(build, parts.build)) {
      return Invalid(scheme, text, "bad build metadata (dot-separated [0-9A-Za-z-] identifiers)");
    }
  }
  if (!rest.empty()) {
    if (rest.front() == '-') {
      pre = rest.substr(1);
    } else if (options.loose) {
      pre = rest;  // node-semver loose: "1.2.3beta"
    } else {
      return Invalid(scheme, text, "unexpected text after the version numbers");
    }
    if (!SplitIdentifiers(pre, parts.prerelease)) {
      return Invalid(scheme, text, "bad prerelease (dot-separated [0-9A-Za-z-] identifiers)");
    }
    if (!options.loose) {
      for (std::string_view id : parts.prerelease) {
        if (id.size() > 1 && id[0] == '0' && AllDigits(id)) {
          return Invalid(scheme, text, "leading zero in a numeric prerelease identifier");
        }
      }
    }
  }
  return parts;
}

namespace {

void AppendIdentifiers(std::string& key, const std::vector<std::string_view>& ids,
                       bool fold_case) {
  for (std::string_view id : ids) {
    if (AllDigits(id)) {
      key.push_back(0x01);
      internal::AppendNumber(key, id);
    } else {
      key.push_back(0x02);
      if (fold_case) {
        for (char c : id) key.push_back(internal::ToLower(c));
      } else {
        key.append(id);
      }
      key.push_back(0x00);
    }
  }
  key.push_back(0x00);
}

}  // namespace

void AppendSemverKey(std::string& key, const SemverParts& parts, const SemverOptions& options) {
  internal::AppendNumber(key, parts.major);
  internal::AppendNumber(key, parts.minor);
  internal::AppendNumber(key, parts.patch);
  if (options.four_part) internal::AppendNumber(key, parts.revision);
  if (parts.prerelease.empty()) {
    key.push_back(0x02);
  } else {
    key.push_back(0x01);
    AppendIdentifiers(key, parts.prerelease, options.fold_case);
  }
  if (options.order_build) {
    if (parts.build.empty()) {
      key.push_back(0x00);
    } else {
      key.push_back(0x01);
      AppendIdentifiers(key, parts.build, options.fold_case);
    }
  }
}

namespace {

class SemverLike final : public Scheme {
 public:
  SemverLike(std::string_view name, SemverOptions options) : name_(name), options_(options) {}
  std::string_view Name() const override { return name_; }
  Result<Version> Parse(std::string_view text) const override {
    ASSIGN_OR_RETURN(SemverParts parts, ParseSemverParts(name_, text, options_));
    std::string key;
    key.reserve(16);
    AppendSemverKey(key, parts, options_);
    return Version(this, std::string(text), std::move(key));
  }
  Result<Version> ParseWith(std::string_view text, const SemverOptions& options) const {
    ASSIGN_OR_RETURN(SemverParts parts, ParseSemverParts(name_, text, options));
    std::string key;
    AppendSemverKey(key, parts);
    return Version(this, std::string(text), std::move(key));
  }

 private:
  std::string_view name_;
  SemverOptions options_;
};

const SemverLike& Npm() {
  static const SemverLike kScheme("npm", SemverOptions{.allow_v = true, .loose = false,
                                                       .npm_limits = true});
  return kScheme;
}

}  // namespace

Result<Version> ParseNpmVersion(std::string_view text, bool loose) {
  return Npm().ParseWith(text, SemverOptions{.allow_v = true, .loose = loose, .npm_limits = true});
}

const Scheme& SemverScheme() {
  static const SemverLike kScheme(
      "semver", SemverOptions{.allow_v = true, .partial = true, .extra_components = true});
  return kScheme;
}
const Scheme& NpmScheme() { return Npm(); }
const Scheme& CargoScheme() {
  static const SemverLike kScheme("cargo", SemverOptions{.allow_v = false});
  return kScheme;
}
const Scheme& HexScheme() {
  static const SemverLike kScheme("hex", SemverOptions{.allow_v = false});
  return kScheme;
}
const Scheme& PubScheme() {
  static const SemverLike kScheme(
      "pub", SemverOptions{.allow_v = true, .partial = true, .extra_components = true,
                           .order_build = true});
  return kScheme;
}
const Scheme& NuGetScheme() {
  static const SemverLike kScheme(
      "nuget", SemverOptions{.allow_v = true, .loose = false, .partial = true, .four_part = true,
                             .fold_case = true, .leading_zeros = true});
  return kScheme;
}

}  // namespace surveyor::versions
