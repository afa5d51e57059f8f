// Key layout (memcmp): epoch number; then version and release, each either 0x00 (empty field)
// or 0x01 followed by rpmvercmp tokens: '~' 0x01, end 0x02, '^' 0x03, letter run 0x04 + bytes +
// 0x00, digit run 0x05 + number. The end token closes each field. This reproduces rpmvercmp:
// tilde < end < caret < letters < digits at the first position where two fields differ.
#include "versions/rpm/rpm.h"

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "rpm";

void AppendField(std::string& key, std::string_view s) {
  if (s.empty()) {
    key.push_back(0x00);
    return;
  }
  key.push_back(0x01);
  size_t i = 0;
  while (true) {
    while (i < s.size() && !IsAlpha(s[i]) && !IsDigit(s[i]) && s[i] != '~' && s[i] != '^') ++i;
    if (i == s.size()) break;
    const char c = s[i];
    if (c == '~') {
      key.push_back(0x01);
      ++i;
    } else if (c == '^') {
      key.push_back(0x03);
      ++i;
    } else if (IsDigit(c)) {
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      key.push_back(0x05);
      internal::AppendNumber(key, s.substr(start, i - start));
    } else {
      size_t start = i;
      while (i < s.size() && IsAlpha(s[i])) ++i;
      key.push_back(0x04);
      key.append(s.substr(start, i - start));
      key.push_back(0x00);
    }
  }
  key.push_back(0x02);
}

class Rpm final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(kName, text));
    for (char c : text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u == 0x7F) {  // other bytes are separators, as in rpmvercmp
        return internal::Invalid(kName, text, "blank or control byte");
      }
    }
    std::string_view rest = text;
    std::string_view epoch;
    if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
      std::string_view e = rest.substr(0, colon);
      bool digits = !e.empty();
      for (char c : e) digits = digits && IsDigit(c);
      if (digits) {
        epoch = e;
        rest.remove_prefix(colon + 1);
      }
    }
    std::string_view version = rest;
    std::string_view release;
    if (size_t dash = rest.rfind('-'); dash != std::string_view::npos) {
      version = rest.substr(0, dash);
      release = rest.substr(dash + 1);
    }
    if (version.empty()) return internal::Invalid(kName, text, "empty version field");
    std::string key;
    key.reserve(text.size() + 8);
    internal::AppendNumber(key, epoch);
    AppendField(key, version);
    // "1.0-" has an (empty) release and sorts above "1.0", as an rpm with release "" would not
    // exist; keep the distinction with a marker byte.
    key.push_back(release.empty() && rest.size() == version.size() ? 0x00 : 0x01);
    AppendField(key, release);
    return Version(this, std::string(text), std::move(key));
  }
};

}  // namespace

const Scheme& RpmScheme() {
  static const Rpm kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
