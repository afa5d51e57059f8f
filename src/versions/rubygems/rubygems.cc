#include "versions/rubygems/rubygems.h"

#include <string>
#include <vector>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsAlnum;
using internal::IsAlpha;
using internal::IsDigit;

constexpr std::string_view kName = "rubygems";

struct Segment {
  bool number;
  std::string_view text;  // digits without leading zeros, or letters
};

// Gem::Version's pattern is [0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?; we also
// accept a letter run glued to a number ("1beta", seen in real gemspecs), which splits the same
// way: a leading digit, then only [0-9A-Za-z.-], no empty dot-separated part.
bool Valid(std::string_view s) {
  if (s.empty() || !IsDigit(s[0])) return false;
  char prev = 0;
  for (char c : s) {
    if (!(IsAlnum(c) || c == '.' || c == '-')) return false;
    if (c == '.' && (prev == '.' || prev == '-')) return false;
    prev = c;
  }
  return prev != '.' && prev != '-';
}

// Canonical segments: numbers and letter runs ("-" and "." only separate); zeros trailing the
// numeric prefix and zeros trailing the rest are dropped.
std::vector<Segment> Canonical(std::string_view s) {
  std::vector<Segment> all;
  size_t i = 0;
  while (i < s.size()) {
    if (IsDigit(s[i])) {
      size_t start = i;
      while (i < s.size() && IsDigit(s[i])) ++i;
      std::string_view d = s.substr(start, i - start);
      while (d.size() > 1 && d.front() == '0') d.remove_prefix(1);
      all.push_back({true, d});
    } else if (IsAlpha(s[i])) {
      size_t start = i;
      while (i < s.size() && IsAlpha(s[i])) ++i;
      all.push_back({false, s.substr(start, i - start)});
    } else {
      ++i;
    }
  }
  size_t split = 0;
  while (split < all.size() && all[split].number) ++split;
  auto is_zero = [](const Segment& g) { return g.number && g.text == "0"; };
  std::vector<Segment> out;
  size_t end = split;
  while (end > 0 && is_zero(all[end - 1])) --end;
  out.insert(out.end(), all.begin(), all.begin() + end);
  end = all.size();
  while (end > split && is_zero(all[end - 1])) --end;
  out.insert(out.end(), all.begin() + split, all.begin() + end);
  return out;
}

int CompareSegments(const Segment& a, const Segment& b) {
  if (a.number && b.number) {
    if (a.text.size() != b.text.size()) return a.text.size() < b.text.size() ? -1 : 1;
  } else if (a.number != b.number) {
    return a.number ? 1 : -1;
  }
  int c = a.text.compare(b.text);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

class RubyGems final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    if (text.size() > kMaxVersionLength) {
      return internal::Invalid(kName, text, "longer than 65536 bytes");
    }
    std::string_view s = internal::TrimBlanks(text);
    if (s.empty()) s = "0";
    if (!Valid(s)) return internal::Invalid(kName, text, "malformed version number string");
    return Version(this, std::string(text), std::string(s));
  }

  std::weak_ordering Compare(const Version& a, const Version& b) const override {
    std::vector<Segment> x = Canonical(a.key());
    std::vector<Segment> y = Canonical(b.key());
    static const Segment kZero{true, "0"};
    const size_t n = std::max(x.size(), y.size());
    for (size_t i = 0; i < n; ++i) {
      int c = CompareSegments(i < x.size() ? x[i] : kZero, i < y.size() ? y[i] : kZero);
      if (c != 0) return c < 0 ? std::weak_ordering::less : std::weak_ordering::greater;
    }
    return std::weak_ordering::equivalent;
  }
};

}  // namespace

const Scheme& RubyGemsScheme() {
  static const RubyGems kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
