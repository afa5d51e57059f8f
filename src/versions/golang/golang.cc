#include "versions/golang/golang.h"

#include "versions/internal/key.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

using internal::IsDigit;
using internal::IsLower;

constexpr std::string_view kName = "go";

class Go final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(kName, text));
    std::string converted;
    std::string_view s = text;
    if (s.size() > 2 && s.substr(0, 2) == "go" && IsDigit(s[2])) {
      converted = GoToolchainToSemver(s);
      if (converted == s) return internal::Invalid(kName, text, "malformed Go toolchain version");
      s = converted;
    }
    ASSIGN_OR_RETURN(SemverParts parts,
                     ParseSemverParts(kName, s, SemverOptions{.allow_v = true}));
    std::string key;
    AppendSemverKey(key, parts);
    return Version(this, std::string(text), std::move(key));
  }
};

}  // namespace

std::string GoToolchainToSemver(std::string_view text) {
  if (text.size() < 3 || text.substr(0, 2) != "go" || !IsDigit(text[2])) return std::string(text);
  std::string_view s = text.substr(2);
  size_t i = 0;
  std::string numbers[3];
  int count = 0;
  while (count < 3) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    if (i == start) return std::string(text);
    numbers[count++] = std::string(s.substr(start, i - start));
    if (i < s.size() && s[i] == '.') {
      ++i;
      continue;
    }
    break;
  }
  std::string out = numbers[0] + "." + (count > 1 ? numbers[1] : "0") + "." +
                    (count > 2 ? numbers[2] : "0");
  if (i == s.size()) return out;
  // A prerelease word and number: "rc2", "beta1".
  size_t start = i;
  while (i < s.size() && IsLower(s[i])) ++i;
  std::string_view word = s.substr(start, i - start);
  start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  std::string_view number = s.substr(start, i - start);
  if (word.empty() || i != s.size()) return std::string(text);
  out += "-";
  out += word;
  if (!number.empty()) {
    out += ".";
    out += number;
  }
  return out;
}

const Scheme& GoScheme() {
  static const Go kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
