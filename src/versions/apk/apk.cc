#include "versions/apk/apk.h"

#include <array>
#include <vector>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsDigit;
using internal::IsLower;

constexpr std::string_view kName = "apk";

// Suffix weights; a version without a suffix at some position counts as weight 5, number 0.
constexpr std::array<std::string_view, 9> kSuffixes = {"alpha", "beta", "pre", "rc", "cvs",
                                                       "svn",   "git",  "hg",  "p"};
constexpr std::array<int, 9> kSuffixWeight = {0, 1, 2, 3, 5, 6, 7, 8, 9};
constexpr int kNoSuffixWeight = 5;

struct Component {
  std::string_view digits;
  bool first;
};

struct Suffix {
  int weight;
  std::string_view number;  // may be empty (= 0)
};

struct Parsed {
  bool invalid = false;
  std::vector<Component> components;
  char letter = 0;
  std::vector<Suffix> suffixes;
  std::string_view build;  // digits of -rN; empty = 0
  std::string_view remainder;
};

// Numeric comparison of digit runs (empty = 0) without converting them.
int CompareNumbers(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareStrings(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// Matches "_<suffix><digits>" at s[i]; returns the length matched, 0 if none.
size_t MatchSuffix(std::string_view s, size_t i, Suffix& out) {
  if (i >= s.size() || s[i] != '_') return 0;
  for (size_t k = 0; k < kSuffixes.size(); ++k) {
    std::string_view name = kSuffixes[k];
    if (s.substr(i + 1, name.size()) == name) {
      size_t j = i + 1 + name.size();
      size_t start = j;
      while (j < s.size() && IsDigit(s[j])) ++j;
      out = Suffix{kSuffixWeight[k], s.substr(start, j - start)};
      return j - i;
    }
  }
  return 0;
}

Parsed ParseApk(std::string_view s) {
  Parsed p;
  size_t i = 0;
  // Number components: digit runs, each optionally followed by one '.'.
  while (i < s.size() && IsDigit(s[i])) {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    p.components.push_back({s.substr(start, i - start), p.components.empty()});
    if (i < s.size() && s[i] == '.') {
      ++i;
    } else {
      break;
    }
  }
  if (i < s.size() && IsLower(s[i])) p.letter = s[i++];
  // Suffixes: consumed while they follow each other from here.
  while (true) {
    Suffix suffix;
    size_t n = MatchSuffix(s, i, suffix);
    if (n == 0) break;
    p.suffixes.push_back(suffix);
    i += n;
  }
  // Optional ~hash of lowercase hex digits (ignored in comparisons).
  if (i + 1 < s.size() && s[i] == '~' &&
      (IsDigit(s[i + 1]) || (s[i + 1] >= 'a' && s[i + 1] <= 'f'))) {
    ++i;
    while (i < s.size() && (IsDigit(s[i]) || (s[i] >= 'a' && s[i] <= 'f'))) ++i;
  }
  if (i < s.size()) {
    if (s.compare(i, 2, "-r") == 0) {
      i += 2;
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      p.build = s.substr(start, i - start);
    } else {
      p.invalid = true;
    }
  }
  p.remainder = s.substr(i);
  return p;
}

int CompareComponent(const Component& a, const Component& b) {
  // Beyond the first component a leading zero makes the comparison textual.
  if (!a.first && !b.first && (a.digits.front() == '0' || b.digits.front() == '0')) {
    return CompareStrings(a.digits, b.digits);
  }
  return CompareNumbers(a.digits, b.digits);
}

int CompareParsed(std::string_view as, std::string_view bs, const Parsed& a, const Parsed& b) {
  if (a.invalid && b.invalid) return CompareStrings(as, bs);
  static const Component kPad{"0", true};
  const size_t n = std::max(a.components.size(), b.components.size());
  for (size_t i = 0; i < n; ++i) {
    const Component& x = i < a.components.size() ? a.components[i] : kPad;
    const Component& y = i < b.components.size() ? b.components[i] : kPad;
    if (int c = CompareComponent(x, y); c != 0) return c;
  }
  if (a.letter != b.letter) return a.letter < b.letter ? -1 : 1;  // none (0) first
  const size_t m = std::max(a.suffixes.size(), b.suffixes.size());
  static const Suffix kNone{kNoSuffixWeight, ""};
  for (size_t i = 0; i < m; ++i) {
    const Suffix& x = i < a.suffixes.size() ? a.suffixes[i] : kNone;
    const Suffix& y = i < b.suffixes.size() ? b.suffixes[i] : kNone;
    if (x.weight != y.weight) return x.weight < y.weight ? -1 : 1;
    if (int c = CompareNumbers(x.number, y.number); c != 0) return c;
  }
  if (int c = CompareNumbers(a.build, b.build); c != 0) return c;
  if (a.remainder.empty() != b.remainder.empty()) return a.remainder.empty() ? 1 : -1;
  return 0;
}

class Apk final : public Scheme {
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
    // The key is the text itself: Compare re-reads it (apk's rules mix textual and numeric
    // comparisons that no single byte order expresses).
    return Version(this, std::string(text), std::string(text));
  }

  std::weak_ordering Compare(const Version& a, const Version& b) const override {
    const int c = CompareParsed(a.key(), b.key(), ParseApk(a.key()), ParseApk(b.key()));
    return c < 0 ? std::weak_ordering::less
                 : (c > 0 ? std::weak_ordering::greater : std::weak_ordering::equivalent);
  }
};

}  // namespace

const Scheme& ApkScheme() {
  static const Apk kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
