// Key layout (memcmp), mirroring packaging's _cmpkey:
//   epoch number;
//   release numbers with trailing zeros dropped, each 0x01 + number, closed by 0x00;
//   pre: 0x00 when only a dev release is present (sorts first), 0x01/0x02/0x03 + number for
//        a/b/rc, 0x04 when absent;
//   post: 0x00 when absent, else 0x01 + number;
//   dev: 0x01 + number, or 0x02 when absent;
//   local: 0x00 when absent, else 0x01, then per segment 0x01 + lowercase text + 0x00 or
//          0x02 + number (numbers above strings), closed by 0x00.
#include "versions/pep440/pep440.h"

#include <vector>

#include "versions/internal/key.h"

namespace surveyor::versions {
namespace {

using internal::IsAlnum;
using internal::IsDigit;
using internal::ToLower;

constexpr std::string_view kName = "pep440";

bool IsSep(char c) { return c == '-' || c == '_' || c == '.'; }

struct Parts {
  std::string_view epoch;
  std::vector<std::string_view> release;
  int pre_kind = 0;  // 0 none, 1 a, 2 b, 3 rc
  std::string_view pre_number;
  bool has_post = false;
  std::string_view post_number;
  bool has_dev = false;
  std::string_view dev_number;
  std::vector<std::string_view> local;
};

// Case-insensitive "does s at i start with word".
bool At(std::string_view s, size_t i, std::string_view word) {
  if (i + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k) {
    if (ToLower(s[i + k]) != word[k]) return false;
  }
  return true;
}

std::string_view Digits(std::string_view s, size_t& i) {
  size_t start = i;
  while (i < s.size() && IsDigit(s[i])) ++i;
  return s.substr(start, i - start);
}

Result<Parts> ParseParts(std::string_view text) {
  RETURN_IF_ERROR(internal::CheckLength(kName, text));
  std::string_view s = internal::TrimBlanks(text);
  auto legacy = [&](const char* why) {
    return internal::Invalid(kName, text, std::string("not a PEP 440 version (") + why + ")");
  };
  Parts p;
  size_t i = 0;
  if (i < s.size() && (s[i] == 'v' || s[i] == 'V')) ++i;
  std::string_view first = Digits(s, i);
  if (first.empty()) return legacy("must start with a number");
  if (i < s.size() && s[i] == '!') {
    p.epoch = first;
    ++i;
    first = Digits(s, i);
    if (first.empty()) return legacy("no release after the epoch");
  }
  p.release.push_back(first);
  while (i + 1 < s.size() && s[i] == '.' && IsDigit(s[i + 1])) {
    ++i;
    p.release.push_back(Digits(s, i));
  }
  // Pre-release: [-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?N?
  {
    size_t j = i;
    if (j < s.size() && IsSep(s[j])) ++j;
    static const std::pair<std::string_view, int> kPre[] = {
        {"alpha", 1}, {"beta", 2}, {"preview", 3}, {"pre", 3}, {"rc", 3},
        {"a", 1},     {"b", 2},    {"c", 3}};
    for (const auto& [word, kind] : kPre) {
      if (At(s, j, word)) {
        j += word.size();
        size_t k = j;
        if (k < s.size() && IsSep(s[k]) && k + 1 < s.size() && IsDigit(s[k + 1])) ++k;
        p.pre_kind = kind;
        p.pre_number = Digits(s, k);
        i = p.pre_number.empty() ? j : k;
        break;
      }
    }
  }
  // Post-release: -N | [-_.]?(post|rev|r)[-_.]?N?
  {
    size_t j = i;
    if (j + 1 < s.size() && s[j] == '-' && IsDigit(s[j + 1])) {
      ++j;
      p.has_post = true;
      p.post_number = Digits(s, j);
      i = j;
    } else {
      if (j < s.size() && IsSep(s[j])) ++j;
      for (std::string_view word : {"post", "rev", "r"}) {
        if (At(s, j, word)) {
          j += word.size();
          size_t k = j;
          if (k < s.size() && IsSep(s[k]) && k + 1 < s.size() && IsDigit(s[k + 1])) ++k;
          p.has_post = true;
          p.post_number = Digits(s, k);
          i = p.post_number.empty() ? j : k;
          break;
        }
      }
    }
  }
  // Dev release: [-_.]?dev[-_.]?N?
  {
    size_t j = i;
    if (j < s.size() && IsSep(s[j])) ++j;
    if (At(s, j, "dev")) {
      j += 3;
      size_t k = j;
      if (k < s.size() && IsSep(s[k]) && k + 1 < s.size() && IsDigit(s[k + 1])) ++k;
      p.has_dev = true;
      p.dev_number = Digits(s, k);
      i = p.dev_number.empty() ? j : k;
    }
  }
  // Local version: +[a-z0-9]+([-_.][a-z0-9]+)*
  if (i < s.size() && s[i] == '+') {
    ++i;
    while (true) {
      size_t start = i;
      while (i < s.size() && IsAlnum(s[i])) ++i;
      if (i == start) return legacy("bad local version label");
      p.local.push_back(s.substr(start, i - start));
      if (i < s.size() && IsSep(s[i])) {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i != s.size()) return legacy("unexpected text");
  return p;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

std::string StripZeros(std::string_view d) {
  size_t i = 0;
  while (i + 1 < d.size() && d[i] == '0') ++i;
  return std::string(d.substr(i));
}

class Pep440 final : public Scheme {
 public:
  std::string_view Name() const override { return kName; }

  Result<Version> Parse(std::string_view text) const override {
    ASSIGN_OR_RETURN(Parts p, ParseParts(text));
    std::string key;
    key.reserve(text.size() + 12);
    internal::AppendNumber(key, p.epoch);
    size_t n = p.release.size();
    auto zero = [](std::string_view d) {
      for (char c : d) {
        if (c != '0') return false;
      }
      return true;
    };
    while (n > 0 && zero(p.release[n - 1])) --n;
    for (size_t i = 0; i < n; ++i) {
      key.push_back(0x01);
      internal::AppendNumber(key, p.release[i]);
    }
    key.push_back(0x00);
    if (p.pre_kind == 0 && !p.has_post && p.has_dev) {
      key.push_back(0x00);
    } else if (p.pre_kind == 0) {
      key.push_back(0x04);
    } else {
      key.push_back(static_cast<char>(p.pre_kind));
      internal::AppendNumber(key, p.pre_number);
    }
    if (p.has_post) {
      key.push_back(0x01);
      internal::AppendNumber(key, p.post_number);
    } else {
      key.push_back(0x00);
    }
    if (p.has_dev) {
      key.push_back(0x01);
      internal::AppendNumber(key, p.dev_number);
    } else {
      key.push_back(0x02);
    }
    if (p.local.empty()) {
      key.push_back(0x00);
    } else {
      key.push_back(0x01);
      for (std::string_view seg : p.local) {
        if (AllDigits(seg)) {
          key.push_back(0x02);
          internal::AppendNumber(key, seg);
        } else {
          key.push_back(0x01);
          for (char c : seg) key.push_back(ToLower(c));
          key.push_back(0x00);
        }
      }
      key.push_back(0x00);
    }
    return Version(this, std::string(text), std::move(key));
  }
};

// packaging's LegacyVersion key: lowercase; split into digit runs, letter runs, '.', '-' and
// whatever lies between; digit runs zero-filled to 8, others prefixed '*' after the
// replacements pre/preview/rc -> c, dev -> @, '-' -> final-; trailing zeros and "*final-"
// dropped before a part below "*final"; a closing "*final". Encoded as 0x00, then each part's
// bytes + 0x00, then 0x00.
void AppendLegacyKey(std::string& key, std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = ToLower(c);
  std::vector<std::string> parts;
  auto add = [&](std::string part) {
    if (part.empty() || part == ".") return;
    if (IsDigit(part[0])) {
      if (part.size() < 8) part.insert(0, 8 - part.size(), '0');
    } else {
      part.insert(0, "*");
    }
    if (part[0] == '*') {
      if (part < "*final") {
        while (!parts.empty() && parts.back() == "*final-") parts.pop_back();
      }
      while (!parts.empty() && parts.back() == "00000000") parts.pop_back();
    }
    parts.push_back(std::move(part));
  };
  auto replaced = [](std::string_view part) -> std::string {
    if (part == "pre" || part == "preview" || part == "rc") return "c";
    if (part == "-") return "final-";
    if (part == "dev") return "@";
    return std::string(part);
  };
  size_t i = 0;
  size_t other = 0;  // start of text between matches
  while (i < lower.size()) {
    size_t j = i;
    const char c = lower[i];
    if (IsDigit(c)) {
      while (j < lower.size() && IsDigit(lower[j])) ++j;
    } else if (internal::IsLower(c)) {
      while (j < lower.size() && internal::IsLower(lower[j])) ++j;
    } else if (c == '.' || c == '-') {
      j = i + 1;
    } else {
      ++i;
      continue;
    }
    if (other < i) add(replaced(std::string_view(lower).substr(other, i - other)));
    add(replaced(std::string_view(lower).substr(i, j - i)));
    i = j;
    other = j;
  }
  if (other < lower.size()) add(replaced(std::string_view(lower).substr(other)));
  add("final");  // becomes "*final"
  key.push_back(0x00);
  for (const std::string& part : parts) {
    key.append(part);
    key.push_back(0x00);
  }
  key.push_back(0x00);
}

class PypiLegacy final : public Scheme {
 public:
  std::string_view Name() const override { return "pypi"; }
  Result<Version> Parse(std::string_view text) const override {
    RETURN_IF_ERROR(internal::CheckLength("pypi", text));
    Result<Version> strict = Pep440Scheme().Parse(text);
    std::string key;
    if (strict.ok()) {
      key.reserve(strict->key().size() + 1);
      key.push_back(0x01);
      key.append(strict->key());
    } else {
      AppendLegacyKey(key, text);
    }
    return Version(this, std::string(text), std::move(key));
  }
};

}  // namespace

const Scheme& PypiLegacyScheme() {
  static const PypiLegacy kScheme;
  return kScheme;
}

const Scheme& Pep440Scheme() {
  static const Pep440 kScheme;
  return kScheme;
}

Result<std::string> NormalizePep440(std::string_view text) {
  ASSIGN_OR_RETURN(Parts p, ParseParts(text));
  std::string out;
  if (!p.epoch.empty() && StripZeros(p.epoch) != "0") out += StripZeros(p.epoch) + "!";
  for (size_t i = 0; i < p.release.size(); ++i) {
    if (i > 0) out += '.';
    out += StripZeros(p.release[i]);
  }
  static const char* kPre[] = {"", "a", "b", "rc"};
  if (p.pre_kind != 0) {
    out += kPre[p.pre_kind];
    out += p.pre_number.empty() ? "0" : StripZeros(p.pre_number);
  }
  if (p.has_post) out += ".post" + (p.post_number.empty() ? "0" : StripZeros(p.post_number));
  if (p.has_dev) out += ".dev" + (p.dev_number.empty() ? "0" : StripZeros(p.dev_number));
  if (!p.local.empty()) {
    out += '+';
    for (size_t i = 0; i < p.local.size(); ++i) {
      if (i > 0) out += '.';
      std::string seg(p.local[i]);
      for (char& c : seg) c = ToLower(c);
      out += AllDigits(seg) ? StripZeros(seg) : seg;
    }
  }
  return out;
}

}  // namespace surveyor::versions
