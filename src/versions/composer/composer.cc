#include "versions/composer/composer.h"

#include <span>
#include <string>
#include <vector>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsDigit;

constexpr std::string_view kName = "composer";

// "1.0-RC1" → "1.0.RC.1": the components, split at '.'.
std::vector<std::string> Canonical(std::string_view v) {
  if (!v.empty() && (v.front() == 'v' || v.front() == 'V')) v.remove_prefix(1);
  std::string s;
  s.reserve(v.size() * 2);
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '-' || c == '_' || c == '+') c = '.';
    if (!s.empty()) {
      const char prev = s.back();
      const bool boundary = prev != '.' && c != '.' && (IsDigit(prev) != IsDigit(c));
      if (boundary) s.push_back('.');
    }
    s.push_back(c);
  }
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    out.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// A number that also fits a signed 64-bit integer (what PHP-style parsers accept as an int).
bool IsSmallNumber(std::string_view s) {
  if (!IsNumber(s)) return false;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s.size() < 19 || (s.size() == 19 && s <= "9223372036854775807");
}

int Weight(std::string_view s) {
  if (s.substr(0, 2) == "RC") return 3;
  static constexpr std::string_view kSpecial[] = {"dev", "a", "b", "rc", "#", "p"};
  for (int i = 0; i < 6; ++i) {
    if (s.substr(0, kSpecial[i].size()) == kSpecial[i]) return i;
  }
  return 0;
}

int Sign(int x) { return (x > 0) - (x < 0); }

int CompareNumbers(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a.front() == '0') a.remove_prefix(1);
  while (b.size() > 1 && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return Sign(a.compare(b));
}

int CompareComponents(std::span<const std::string> a, std::span<const std::string> b) {
  static const std::string kNumber = "#";
  while (true) {
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
      const bool an = IsNumber(a[i]);
      const bool bn = IsNumber(b[i]);
      int c;
      if (an && bn) {
        c = CompareNumbers(a[i], b[i]);
      } else {
        c = Sign(Weight(an ? kNumber : a[i]) - Weight(bn ? kNumber : b[i]));
      }
      if (c != 0) return c;
    }
    if (a.size() == b.size()) return 0;
    // The longer one continues: a number makes it newer, a word is weighed against a number.
    if (a.size() > b.size()) {
      if (IsSmallNumber(a[b.size()])) return 1;
      a = a.subspan(b.size());
      b = std::span<const std::string>(&kNumber, 1);
    } else {
      if (IsSmallNumber(b[a.size()])) return -1;
      b = b.subspan(a.size());
      a = std::span<const std::string>(&kNumber, 1);
    }
  }
}

class Composer final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength(kName, text));
    for (char c : text) {
      const unsigned char u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7F) {
        return internal::Invalid(kName, text, "blank, control or non-ASCII byte");
      }
    }
    return Version(this, std::string(text), std::string(text));
  }

  std::weak_ordering Compare(const Version& a, const Version& b) const override {
    std::vector<std::string> x = Canonical(a.key());
    std::vector<std::string> y = Canonical(b.key());
    const int c = CompareComponents(x, y);
    return c < 0 ? std::weak_ordering::less
                 : (c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent);
  }
};

}  // namespace

const Scheme& ComposerScheme() {
  static const Composer kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
