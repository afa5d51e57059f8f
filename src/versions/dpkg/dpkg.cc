// Key layout (compared with memcmp):
//   epoch number, then upstream, then revision, each a sequence of
//   (non-digit run as weights, 0x02, digit run as a number) pairs closed by one more 0x02.
// Weights: '~' 0x01 (below the 0x02 that stands for "run ended"), letters their ASCII code,
// other allowed characters 0x80 + ASCII. A missing number equals 0, which AppendNumber gives
// for an empty run, so "1a" and "1a0" are equal as dpkg says.
#include "versions/dpkg/dpkg.h"

#include <cstdint>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::AppendNumber;
using internal::Invalid;
using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "dpkg";

void AppendPart(std::string& key, std::string_view s) {
  size_t i = 0;
  do {  // an empty part is one pair ("", 0), so revision "" equals "0" as in dpkg
    while (i < s.size() && !IsDigit(s[i])) {
      const char c = s[i];
      if (c == '~') {
        key.push_back(0x01);
      } else if (IsAlpha(c)) {
        key.push_back(c);
      } else {
        key.push_back(static_cast<char>(0x80 + c));
      }
      ++i;
    }
    key.push_back(0x02);
    const size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    AppendNumber(key, s.substr(start, i - start));
  } while (i < s.size());
  key.push_back(0x02);
}

class Dpkg final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(kName, text));
    std::string_view v = internal::TrimBlanks(text);
    if (v.empty()) return Invalid(kName, text, "version string is empty");
    for (char c : v) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        return Invalid(kName, text, "version string has embedded spaces");
      }
    }
    std::string_view epoch;
    if (size_t colon = v.find(':'); colon != std::string_view::npos) {
      epoch = v.substr(0, colon);
      v.remove_prefix(colon + 1);
      if (epoch.empty()) return Invalid(kName, text, "epoch in version is empty");
      for (char c : epoch) {
        if (!IsDigit(c)) return Invalid(kName, text, "epoch in version is not number");
      }
      // dpkg stores the epoch as an int and rejects values above INT_MAX.
      size_t i = 0;
      while (i + 1 < epoch.size() && epoch[i] == '0') ++i;
      std::string_view digits = epoch.substr(i);
      if (digits.size() > 10 || (digits.size() == 10 && digits > "2147483647")) {
        return Invalid(kName, text, "epoch in version is too big");
      }
    }
    std::string_view upstream = v;
    std::string_view revision;
    bool has_revision = false;
    if (size_t dash = v.rfind('-'); dash != std::string_view::npos) {
      upstream = v.substr(0, dash);
      revision = v.substr(dash + 1);
      has_revision = true;
      if (revision.empty()) return Invalid(kName, text, "revision number is empty");
    }
    if (upstream.empty()) return Invalid(kName, text, "version number is empty");
    for (char c : upstream) {
      if (!(IsDigit(c) || IsAlpha(c) || c == '.' || c == '-' || c == '+' || c == '~' ||
            c == ':')) {
        return Invalid(kName, text, "invalid character in version number");
      }
    }
    if (has_revision) {
      for (char c : revision) {
        if (!(IsDigit(c) || IsAlpha(c) || c == '.' || c == '+' || c == '~')) {
          return Invalid(kName, text, "invalid character in revision number");
        }
      }
    }
    std::string key;
    key.reserve(upstream.size() + revision.size() + 8);
    AppendNumber(key, epoch);
    AppendPart(key, upstream);
    AppendPart(key, revision);
    return Version(this, std::string(text), std::move(key));
  }
};

}  // namespace

const Scheme& DpkgScheme() {
  static const Dpkg kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
