#include "versions/maven/maven.h"

#include <array>
#include <string>
#include <vector>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsDigit;

constexpr std::string_view kName = "maven";

struct Token {
  char prefix;  // 0 for the first token, '.' or '-'
  std::string value;
  bool is_null = false;
};

bool IsNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

int CompareNumbers(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

constexpr std::array<std::string_view, 7> kKeywords = {"alpha", "beta", "milestone", "rc",
                                                       "snapshot", "", "sp"};

size_t KeywordIndex(std::string_view v) {
  for (size_t i = 0; i < kKeywords.size(); ++i) {
    if (kKeywords[i] == v) return i;
  }
  return kKeywords.size();
}

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  char prefix = 0;
  size_t start = 0;
  while (true) {
    size_t end = start;
    while (end < s.size() && s[end] != '.' && s[end] != '-') ++end;
    std::string_view raw = s.substr(start, end - start);
    // Split the raw token at digit/non-digit transitions; later pieces get a '-' separator.
    size_t p = 0;
    bool first_piece = true;
    do {
      size_t q = p;
      if (q < raw.size()) {
        const bool digit = IsDigit(raw[q]);
        while (q < raw.size() && IsDigit(raw[q]) == digit) ++q;
      }
      std::string current(raw.substr(p, q - p));
      for (char& c : current) c = internal::ToLower(c);
      if (current.empty()) current = "0";
      if (current == "cr") current = "rc";
      if (current == "ga" || current == "final" || current == "release") current.clear();
      if (q != raw.size()) {  // followed directly by a number
        if (current == "a") current = "alpha";
        if (current == "b") current = "beta";
        if (current == "m") current = "milestone";
      }
      if (IsNumber(current)) {
        size_t z = 0;
        while (z + 1 < current.size() && current[z] == '0') ++z;
        current.erase(0, z);
      }
      tokens.push_back(Token{first_piece ? prefix : '-', std::move(current)});
      first_piece = false;
      p = q;
    } while (p < raw.size());
    if (end == s.size()) break;
    prefix = s[end];
    start = end + 1;
  }
  // Trim trailing nulls, then again before every remaining '-' from the end to the start.
  // Removal only marks tokens (erasing in place would make long versions quadratic); indexes
  // below the current one are unaffected by removals, so the walk is the same.
  auto trim = [](const Token& t) { return t.value == "0" || t.value.empty(); };
  std::vector<bool> removed(tokens.size(), false);
  long i = static_cast<long>(tokens.size()) - 1;
  while (i > 0) {
    if (trim(tokens[i])) {
      removed[i] = true;
      --i;
      continue;
    }
    while (i >= 0 && tokens[i].prefix != '-') --i;
    --i;
  }
  size_t kept = 0;
  for (size_t k = 0; k < tokens.size(); ++k) {
    if (removed[k]) continue;
    if (kept != k) tokens[kept] = std::move(tokens[k]);
    ++kept;
  }
  tokens.resize(kept);
  return tokens;
}

Token NullFor(const Token& other) {
  if (other.prefix == '.') return Token{'.', other.value == "sp" ? "" : "0", true};
  return Token{'-', "", true};
}

int QualifierOrder(const Token& t) {
  const bool number = IsNumber(t.value);
  if (number) return t.prefix == '-' ? 2 : 3;
  return t.prefix == '-' ? 1 : 0;
}

bool TokenLess(const Token& v, const Token& w) {
  if (v.prefix == w.prefix) {
    const bool vn = IsNumber(v.value);
    const bool wn = IsNumber(w.value);
    if (vn && wn) return CompareNumbers(v.value, w.value) < 0;
    if (vn && !v.is_null) return false;
    if (wn && !w.is_null) return true;
    const size_t l = KeywordIndex(v.value);
    const size_t r = KeywordIndex(w.value);
    if (l == kKeywords.size() && r == kKeywords.size()) return v.value < w.value;
    return l < r;
  }
  return QualifierOrder(v) < QualifierOrder(w);
}

bool SameToken(const Token& a, const Token& b) {
  return a.prefix == b.prefix && a.value == b.value;
}

bool VersionLess(const std::vector<Token>& a, const std::vector<Token>& b) {
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const Token left = i < a.size() ? a[i] : NullFor(b[i]);
    const Token right = i < b.size() ? b[i] : NullFor(a[i]);
    if (SameToken(left, right)) continue;
    return TokenLess(left, right);
  }
  return false;
}

bool VersionEqual(const std::vector<Token>& a, const std::vector<Token>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!SameToken(a[i], b[i])) return false;
  }
  return true;
}

class Maven final : public Scheme {
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
    std::vector<Token> x = Tokenize(a.key());
    std::vector<Token> y = Tokenize(b.key());
    if (VersionEqual(x, y)) return std::weak_ordering::equivalent;
    return VersionLess(x, y) ? std::weak_ordering::less : std::weak_ordering::greater;
  }
};

}  // namespace

const Scheme& MavenScheme() {
  static const Maven kScheme;
  return kScheme;
}

}  // namespace surveyor::versions
