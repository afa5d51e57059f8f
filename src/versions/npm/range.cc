// The desugaring follows node-semver's pipeline step by step (hyphen ranges, operator/tilde/caret
// trimming, build stripping, caret, tilde, x-range and star replacement, ">=0.0.0" removal),
// written as small hand-made matchers instead of regular expressions so that hostile input
// stays linear.
#include "versions/npm/range.h"

#include <algorithm>
#include <unordered_map>

#include "versions/internal/key.h"
#include "versions/semver/semver.h"

namespace surveyor::versions {
namespace {

using internal::IsAlnum;
using internal::IsDigit;

bool IsWs(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWs(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

// JavaScript's s.split(/\s+/).
std::vector<std::string> SplitWs(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  size_t i = 0;
  while (i < s.size()) {
    if (IsWs(s[i])) {
      out.push_back(cur);
      cur.clear();
      while (i < s.size() && IsWs(s[i])) ++i;
    } else {
      cur.push_back(s[i++]);
    }
  }
  out.push_back(cur);
  return out;
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

bool IsX(std::string_view id) { return id.empty() || id == "x" || id == "X" || id == "*"; }

// JavaScript's `+digits + 1`, exact (the results that matter stay below 2^53).
std::string PlusOne(std::string_view digits) {
  std::string s(digits);
  size_t z = 0;
  while (z + 1 < s.size() && s[z] == '0') ++z;
  s.erase(0, z);
  int i = static_cast<int>(s.size()) - 1;
  while (i >= 0) {
    if (s[i] == '9') {
      s[i] = '0';
      --i;
    } else {
      ++s[i];
      return s;
    }
  }
  return "1" + s;
}

struct XParts {
  std::string_view M, m, p, pr;
};

// An identifier list of [0-9A-Za-z-]+ separated by '.'; `strict_numbers` rejects numeric
// identifiers with leading zeros. Advances i past what it read; false if nothing valid.
bool ReadIds(std::string_view s, size_t& i, bool strict_numbers) {
  while (true) {
    size_t start = i;
    bool all_digits = true;
    while (i < s.size() && (IsAlnum(s[i]) || s[i] == '-')) {
      all_digits = all_digits && IsDigit(s[i]);
      ++i;
    }
    if (i == start) return false;
    if (strict_numbers && all_digits && i - start > 1 && s[start] == '0') return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      continue;
    }
    return true;
  }
}

// node-semver's XRANGEPLAIN (XRANGEPLAINLOOSE when loose), matched against all of s.
bool MatchXRangePlain(std::string_view s, bool loose, XParts& out) {
  size_t i = 0;
  while (i < s.size() && (s[i] == 'v' || s[i] == '=' || IsWs(s[i]))) ++i;
  auto xid = [&](std::string_view& dst) {
    if (i < s.size() && (s[i] == 'x' || s[i] == 'X' || s[i] == '*')) {
      dst = s.substr(i++, 1);
      return true;
    }
    size_t start = i;
    if (!loose && i < s.size() && s[i] == '0') {
      ++i;
    } else {
      while (i < s.size() && IsDigit(s[i])) ++i;
    }
    dst = s.substr(start, i - start);
    return i > start;
  };
  out = XParts{};
  if (!xid(out.M)) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!xid(out.m)) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (!xid(out.p)) return false;
      // Prerelease: "-ids" (loose: the '-' is optional), then "+build".
      if (i < s.size() && (s[i] == '-' || (loose && (IsAlnum(s[i]))))) {
        if (s[i] == '-') {
          if (!loose || (i + 1 < s.size() && (IsAlnum(s[i + 1]) || s[i + 1] == '-'))) ++i;
        }
        size_t id_start = i;
        if (!ReadIds(s, i, !loose)) return false;
        out.pr = s.substr(id_start, i - id_start);
      }
      if (i < s.size() && s[i] == '+') {
        ++i;
        if (!ReadIds(s, i, false)) return false;
      }
    }
  }
  return i == s.size();
}

std::string ReplaceCaret(const std::string& comp, const NpmRangeOptions& o) {
  if (comp.empty() || comp[0] != '^') return comp;
  XParts x;
  if (!MatchXRangePlain(std::string_view(comp).substr(1), o.loose, x)) return comp;
  const std::string z = o.include_prerelease ? "-0" : "";
  std::string M(x.M), m(x.m), p(x.p), pr(x.pr);
  if (IsX(M)) return "";
  if (IsX(m)) return ">=" + M + ".0.0" + z + " <" + PlusOne(M) + ".0.0-0";
  if (IsX(p)) {
    if (M == "0") return ">=" + M + "." + m + ".0" + z + " <" + M + "." + PlusOne(m) + ".0-0";
    return ">=" + M + "." + m + ".0" + z + " <" + PlusOne(M) + ".0.0-0";
  }
  if (!pr.empty()) {
    if (M == "0") {
      if (m == "0") {
        return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + m + "." + PlusOne(p) +
               "-0";
      }
      return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + PlusOne(m) + ".0-0";
    }
    return ">=" + M + "." + m + "." + p + "-" + pr + " <" + PlusOne(M) + ".0.0-0";
  }
  if (M == "0") {
    if (m == "0") {
      return ">=" + M + "." + m + "." + p + " <" + M + "." + m + "." + PlusOne(p) + "-0";
    }
    return ">=" + M + "." + m + "." + p + " <" + M + "." + PlusOne(m) + ".0-0";
  }
  return ">=" + M + "." + m + "." + p + " <" + PlusOne(M) + ".0.0-0";
}

std::string ReplaceTilde(const std::string& comp, const NpmRangeOptions& o) {
  if (comp.empty() || comp[0] != '~') return comp;
  size_t start = 1;
  if (comp.size() > 1 && comp[1] == '>') start = 2;
  XParts x;
  if (!MatchXRangePlain(std::string_view(comp).substr(start), o.loose, x)) return comp;
  const std::string z = o.include_prerelease ? "-0" : "";
  std::string M(x.M), m(x.m), p(x.p), pr(x.pr);
  if (IsX(M)) return "";
  if (IsX(m)) return ">=" + M + ".0.0" + z + " <" + PlusOne(M) + ".0.0-0";
  if (IsX(p)) return ">=" + M + "." + m + ".0" + z + " <" + M + "." + PlusOne(m) + ".0-0";
  if (!pr.empty()) {
    return ">=" + M + "." + m + "." + p + "-" + pr + " <" + M + "." + PlusOne(m) + ".0-0";
  }
  return ">=" + M + "." + m + "." + p + " <" + M + "." + PlusOne(m) + ".0-0";
}

std::string ReplaceXRange(std::string_view raw, const NpmRangeOptions& o) {
  std::string comp(Trim(raw));
  size_t i = 0;
  std::string gtlt;
  if (i < comp.size() && (comp[i] == '<' || comp[i] == '>')) gtlt += comp[i++];
  if (i < comp.size() && comp[i] == '=') gtlt += comp[i++];
  while (i < comp.size() && IsWs(comp[i])) ++i;
  XParts x;
  if (!MatchXRangePlain(std::string_view(comp).substr(i), o.loose, x)) return comp;
  std::string M(x.M), m(x.m), p(x.p);
  // A number after an x ("1.x.5", "x.1") is not an x-range; the text stays as it is (and then
  // fails as a comparator). Carets, tildes and hyphen ranges do not have this rule.
  if ((IsX(M) && !IsX(m)) || (IsX(m) && !p.empty() && !IsX(p))) return comp;
  const bool xM = IsX(M);
  const bool xm = xM || IsX(m);
  const bool xp = xm || IsX(p);
  if (!xp) return comp;
  if (gtlt == "=") gtlt.clear();
  std::string pr = o.include_prerelease ? "-0" : "";
  if (xM) return (gtlt == ">" || gtlt == "<") ? "<0.0.0-0" : "*";
  if (!gtlt.empty()) {
    if (xm) m = "0";
    p = "0";
    if (gtlt == ">") {
      gtlt = ">=";
      if (xm) {
        M = PlusOne(M);
        m = "0";
      } else {
        m = PlusOne(m);
      }
      p = "0";
    } else if (gtlt == "<=") {
      gtlt = "<";
      if (xm) {
        M = PlusOne(M);
      } else {
        m = PlusOne(m);
      }
    }
    if (gtlt == "<") pr = "-0";
    return gtlt + M + "." + m + "." + p + pr;
  }
  if (xm) return ">=" + M + ".0.0" + pr + " <" + PlusOne(M) + ".0.0-0";
  return ">=" + M + "." + m + ".0" + pr + " <" + M + "." + PlusOne(m) + ".0-0";
}

// Removes the first `(<|>)?=?\s*\*`.
std::string ReplaceStars(std::string_view raw) {
  std::string s(Trim(raw));
  for (size_t i = 0; i < s.size(); ++i) {
    size_t j = i;
    if (s[j] == '<' || s[j] == '>') ++j;
    if (j < s.size() && s[j] == '=') ++j;
    while (j < s.size() && IsWs(s[j])) ++j;
    if (j < s.size() && s[j] == '*') {
      s.erase(i, j + 1 - i);
      return s;
    }
  }
  return s;
}

// Removes the first build suffix "+ids" (every one when `all`).
std::string StripBuild(std::string s, bool all = false) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  bool done = false;
  while (i < s.size()) {
    if (!done && s[i] == '+') {
      size_t j = i + 1;
      if (ReadIds(s, j, false)) {
        // ReadIds stops after a trailing '.', which the pattern does not include.
        if (s[j - 1] == '.') --j;
        i = j;
        done = !all;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string ParseComparatorText(const std::string& raw, const NpmRangeOptions& o) {
  std::string comp = StripBuild(raw);
  std::vector<std::string> parts = SplitWs(Trim(comp));
  for (std::string& c : parts) c = ReplaceCaret(c, o);
  comp = Join(parts, " ");
  parts = SplitWs(Trim(comp));
  for (std::string& c : parts) c = ReplaceTilde(c, o);
  comp = Join(parts, " ");
  parts = SplitWs(comp);
  for (std::string& c : parts) c = ReplaceXRange(c, o);
  comp = Join(parts, " ");
  return ReplaceStars(comp);
}

std::string ReplaceGte0(std::string_view raw, const NpmRangeOptions& o) {
  std::string_view s = Trim(raw);
  std::string_view t = s;
  if (t.substr(0, 2) != ">=") return std::string(s);
  t.remove_prefix(2);
  t = Trim(t);
  if (t == "0.0.0" && !o.include_prerelease) return "";
  if (t == "0.0.0-0" && o.include_prerelease) return "";
  return std::string(s);
}

// Hyphen range "A - B" over the whole text, or the text unchanged. An x-range holds blanks
// only in its leading [v=\s]* run, so there is at most one place the " - " can be: after the
// first blank-free token.
std::string ReplaceHyphen(std::string_view r, const NpmRangeOptions& o) {
  size_t p = 0;
  while (p < r.size() && (r[p] == 'v' || r[p] == '=' || IsWs(r[p]))) ++p;
  size_t k = p;
  while (k < r.size() && !IsWs(r[k])) ++k;
  while (k < r.size() && IsWs(r[k])) ++k;
  if (k == r.size() || r[k] != '-' || k + 1 >= r.size() || !IsWs(r[k + 1]) || !IsWs(r[k - 1])) {
    return std::string(r);
  }
  {
    std::string_view from = Trim(r.substr(0, k));
    std::string_view to = Trim(r.substr(k + 1));
    XParts f, t;
    if (!MatchXRangePlain(from, o.loose, f) || !MatchXRangePlain(to, o.loose, t)) {
      return std::string(r);
    }
    const bool inc = o.include_prerelease;
    std::string a, b;
    if (IsX(f.M)) {
      a = "";
    } else if (IsX(f.m)) {
      a = ">=" + std::string(f.M) + ".0.0" + (inc ? "-0" : "");
    } else if (IsX(f.p)) {
      a = ">=" + std::string(f.M) + "." + std::string(f.m) + ".0" + (inc ? "-0" : "");
    } else if (!f.pr.empty()) {
      a = ">=" + std::string(from);
    } else {
      a = ">=" + std::string(from) + (inc ? "-0" : "");
    }
    if (IsX(t.M)) {
      b = "";
    } else if (IsX(t.m)) {
      b = "<" + PlusOne(t.M) + ".0.0-0";
    } else if (IsX(t.p)) {
      b = "<" + std::string(t.M) + "." + PlusOne(t.m) + ".0-0";
    } else if (!t.pr.empty()) {
      b = "<=" + std::string(t.M) + "." + std::string(t.m) + "." + std::string(t.p) + "-" +
          std::string(t.pr);
    } else if (inc) {
      b = "<" + std::string(t.M) + "." + std::string(t.m) + "." + PlusOne(t.p) + "-0";
    } else {
      b = "<=" + std::string(to);
    }
    return std::string(Trim(a + " " + b));
  }
}

// Whitespace after an operator that precedes a version is dropped ("> 1.2" → ">1.2");
// "~ 1", "~> 1" → "~1"; "^ 1" → "^1".
std::string TrimOperators(std::string_view r) {
  std::string out;
  out.reserve(r.size());
  size_t i = 0;
  size_t run_end = 0;  // end of the last [v=\s]* run measured; later starts inside it share it
  while (i < r.size()) {
    const char c = r[i];
    if (c == '<' || c == '>' || c == '=') {
      size_t j = i + 1;
      if (c != '=' && j < r.size() && r[j] == '=') ++j;
      out.append(r.substr(i, j - i));
      size_t k = j;
      while (k < r.size() && IsWs(r[k])) ++k;
      size_t q = k;
      if (k < run_end) {
        q = run_end;
      } else {
        while (q < r.size() && (r[q] == 'v' || r[q] == '=' || IsWs(r[q]))) ++q;
        run_end = q;
      }
      const bool version_follows =
          q < r.size() && (IsDigit(r[q]) || r[q] == 'x' || r[q] == 'X' || r[q] == '*');
      i = version_follows ? k : j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  // Tilde and caret.
  std::string out2;
  out2.reserve(out.size());
  for (size_t a = 0; a < out.size();) {
    if (out[a] == '~' || out[a] == '^') {
      size_t b = a + 1;
      if (out[a] == '~' && b < out.size() && out[b] == '>') ++b;
      size_t e = b;
      while (e < out.size() && IsWs(out[e])) ++e;
      if (e > b) {
        out2.push_back(out[a]);
        a = e;
        continue;
      }
      out2.append(out, a, b - a);
      a = b;
      continue;
    }
    out2.push_back(out[a++]);
  }
  return out2;
}

std::string Normalize(const SemverParts& p) {
  auto strip = [](std::string_view d) {
    while (d.size() > 1 && d.front() == '0') d.remove_prefix(1);
    return std::string(d);
  };
  std::string out = strip(p.major) + "." + strip(p.minor) + "." + strip(p.patch);
  for (size_t i = 0; i < p.prerelease.size(); ++i) {
    out += i == 0 ? "-" : ".";
    std::string_view id = p.prerelease[i];
    bool digits = !id.empty();
    for (char c : id) digits = digits && IsDigit(c);
    // node-semver turns numeric identifiers below 2^53-1 into numbers.
    std::string s = digits ? strip(id) : std::string(id);
    if (digits && (s.size() > 16 || (s.size() == 16 && s >= "9007199254740991"))) {
      s = std::string(id);
    }
    out += s;
  }
  return out;
}

struct ParsedVersion {
  Version version;
  std::string text;
  std::string main;
  bool prerelease = false;
};

Result<ParsedVersion> ParseVersion(std::string_view text, bool loose) {
  ASSIGN_OR_RETURN(SemverParts parts,
                   ParseSemverParts("npm", text,
                                    SemverOptions{.allow_v = true, .loose = loose,
                                                  .npm_limits = true}));
  ParsedVersion out;
  out.text = Normalize(parts);
  SemverParts main = parts;
  main.prerelease.clear();
  out.main = Normalize(main);
  out.prerelease = !parts.prerelease.empty();
  ASSIGN_OR_RETURN(out.version, ParseNpmVersion(text, loose));
  return out;
}

Result<NpmRange::Comparator> MakeComparator(std::string_view s, const NpmRangeOptions& o) {
  NpmRange::Comparator c;
  if (s.empty()) return c;
  size_t i = 0;
  std::string op;
  if (s[i] == '<' || s[i] == '>') op += s[i++];
  if (i < s.size() && s[i] == '=') op += s[i++];
  while (i < s.size() && IsWs(s[i])) ++i;
  std::string_view rest = s.substr(i);
  if (rest.empty()) return InvalidArgument("npm range: comparator \"" + std::string(s) +
                                           "\" has no version");
  if (!o.loose && !rest.empty() && rest.front() == '=') {
    return InvalidArgument("npm range: invalid comparator \"" + std::string(s) + "\"");
  }
  Result<ParsedVersion> v = ParseVersion(rest, o.loose);
  if (!v.ok()) {
    return InvalidArgument("npm range: invalid comparator \"" +
                           std::string(s.substr(0, 64)) + "\": " + v.status().message());
  }
  if (op.empty() || op == "=") {
    c.op = NpmRange::Op::kEq;
  } else if (op == "<") {
    c.op = NpmRange::Op::kLt;
  } else if (op == "<=") {
    c.op = NpmRange::Op::kLe;
  } else if (op == ">") {
    c.op = NpmRange::Op::kGt;
  } else {
    c.op = NpmRange::Op::kGe;
  }
  c.version = std::move(v->version);
  c.text = std::move(v->text);
  c.main = std::move(v->main);
  c.prerelease = v->prerelease;
  return c;
}

std::string_view OpText(NpmRange::Op op) {
  switch (op) {
    case NpmRange::Op::kAny:
    case NpmRange::Op::kEq:
      return "";
    case NpmRange::Op::kLt:
      return "<";
    case NpmRange::Op::kLe:
      return "<=";
    case NpmRange::Op::kGt:
      return ">";
    case NpmRange::Op::kGe:
      return ">=";
  }
  return "";
}

std::string Value(const NpmRange::Comparator& c) {
  if (c.op == NpmRange::Op::kAny) return "";
  return std::string(OpText(c.op)) + c.text;
}

bool IsNullSet(const NpmRange::Comparator& c) { return Value(c) == "<0.0.0-0"; }

// A loose-mode token that node-semver keeps: `^((?:<|>)?=?)\s*(LOOSEPLAIN)$|^$`.
bool LooseComparatorShape(std::string_view s) {
  if (s.empty()) return true;
  size_t i = 0;
  if (s[i] == '<' || s[i] == '>') ++i;
  if (i < s.size() && s[i] == '=') ++i;
  while (i < s.size() && IsWs(s[i])) ++i;
  return ParseSemverParts("npm", s.substr(i), SemverOptions{.allow_v = true, .loose = true})
      .ok();
}

Result<std::vector<NpmRange::Comparator>> ParseSet(std::string_view part,
                                                   const NpmRangeOptions& o) {
  std::string r = ReplaceHyphen(StripBuild(std::string(part), /*all=*/true), o);
  r = TrimOperators(r);
  // JavaScript split(' '), parseComparator on each piece, join, split(/\s+/).
  std::vector<std::string> pieces;
  {
    size_t start = 0;
    while (true) {
      size_t sp = r.find(' ', start);
      pieces.push_back(ParseComparatorText(r.substr(start, sp == std::string::npos
                                                              ? std::string::npos
                                                              : sp - start),
                                           o));
      if (sp == std::string::npos) break;
      start = sp + 1;
    }
  }
  std::vector<std::string> list = SplitWs(Join(pieces, " "));
  for (std::string& c : list) c = ReplaceGte0(c, o);
  if (o.loose) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [](const std::string& c) { return !LooseComparatorShape(c); }),
               list.end());
  }
  // Like node-semver's Map keyed by the comparator's text: the first position, the last value.
  // Every comparator must be valid before a null set ("<0.0.0-0") short-cuts the rest.
  std::vector<NpmRange::Comparator> parsed;
  parsed.reserve(list.size());
  for (const std::string& text : list) {
    ASSIGN_OR_RETURN(NpmRange::Comparator c, MakeComparator(text, o));
    parsed.push_back(std::move(c));
  }
  std::vector<NpmRange::Comparator> out;
  std::unordered_map<std::string, size_t> index;
  for (NpmRange::Comparator& c : parsed) {
    if (IsNullSet(c)) return std::vector<NpmRange::Comparator>{std::move(c)};
    auto [it, inserted] = index.emplace(Value(c), out.size());
    if (inserted) {
      out.push_back(std::move(c));
    } else {
      out[it->second] = std::move(c);
    }
  }
  if (out.size() > 1) {
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const NpmRange::Comparator& c) {
                               return c.op == NpmRange::Op::kAny;
                             }),
              out.end());
  }
  return out;
}

bool Test(const NpmRange::Comparator& c, const Version& v) {
  if (c.op == NpmRange::Op::kAny) return true;
  const auto cmp = NpmScheme().Compare(v, c.version);
  switch (c.op) {
    case NpmRange::Op::kAny:
      return true;
    case NpmRange::Op::kEq:
      return cmp == 0;
    case NpmRange::Op::kLt:
      return cmp < 0;
    case NpmRange::Op::kLe:
      return cmp <= 0;
    case NpmRange::Op::kGt:
      return cmp > 0;
    case NpmRange::Op::kGe:
      return cmp >= 0;
  }
  return false;
}

}  // namespace

Result<NpmRange> NpmRange::Parse(std::string_view text, const NpmRangeOptions& options) {
  if (text.size() > kMaxRangeLength) return InvalidArgument("npm range longer than 65536 bytes");
  std::string raw = Join(SplitWs(Trim(text)), " ");
  NpmRange range;
  range.options_ = options;
  size_t start = 0;
  while (true) {
    size_t bar = raw.find("||", start);
    std::string_view part = std::string_view(raw).substr(
        start, bar == std::string::npos ? std::string::npos : bar - start);
    ASSIGN_OR_RETURN(std::vector<Comparator> set, ParseSet(Trim(part), options));
    if (!set.empty()) range.sets_.push_back(std::move(set));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  if (range.sets_.empty()) {
    return InvalidArgument("npm range: \"" + raw.substr(0, 64) + "\" is not a valid range");
  }
  if (range.sets_.size() > 1) {
    std::vector<std::vector<Comparator>> kept;
    for (auto& set : range.sets_) {
      if (!IsNullSet(set[0])) kept.push_back(set);
    }
    if (kept.empty()) {
      kept.push_back(range.sets_[0]);
    } else if (kept.size() > 1) {
      for (auto& set : kept) {
        if (set.size() == 1 && set[0].op == Op::kAny) {
          auto any = set;
          kept.clear();
          kept.push_back(std::move(any));
          break;
        }
      }
    }
    range.sets_ = std::move(kept);
  }
  return range;
}

bool NpmRange::Satisfies(const Version& v, bool has_prerelease, std::string_view main) const {
  for (const auto& set : sets_) {
    bool all = true;
    for (const Comparator& c : set) {
      if (!Test(c, v)) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    if (has_prerelease && !options_.include_prerelease) {
      bool allowed = false;
      for (const Comparator& c : set) {
        if (c.op != Op::kAny && c.prerelease && c.main == main) {
          allowed = true;
          break;
        }
      }
      if (!allowed) continue;
    }
    return true;
  }
  return false;
}

bool NpmRange::Satisfies(std::string_view version) const {
  Result<ParsedVersion> v = ParseVersion(version, options_.loose);
  if (!v.ok()) return false;
  return Satisfies(v->version, v->prerelease, v->main);
}

std::string NpmRange::ToString() const {
  std::string out;
  for (size_t i = 0; i < sets_.size(); ++i) {
    if (i) out += "||";
    std::string set;
    for (size_t k = 0; k < sets_[i].size(); ++k) {
      if (k) set += " ";
      set += Value(sets_[i][k]);
    }
    out += std::string(Trim(set));
  }
  return out.empty() ? "*" : out;
}

bool NpmRange::Outside(std::string_view version, bool above) const {
  Result<ParsedVersion> parsed = ParseVersion(version, options_.loose);
  if (!parsed.ok()) return false;
  const Version& v = parsed->version;
  if (Satisfies(v, parsed->prerelease, parsed->main)) return false;
  const Scheme& s = NpmScheme();
  auto gt = [&](const Version& a, const Version& b) { return s.Compare(a, b) > 0; };
  auto lt = [&](const Version& a, const Version& b) { return s.Compare(a, b) < 0; };
  const Op comp = above ? Op::kGt : Op::kLt;
  const Op ecomp = above ? Op::kGe : Op::kLe;
  Comparator zero;
  {
    Result<Comparator> z = MakeComparator(">=0.0.0", options_);
    if (z.ok()) zero = std::move(z).value();
  }
  for (const auto& set : sets_) {
    const Comparator* high = nullptr;
    const Comparator* low = nullptr;
    for (const Comparator& raw : set) {
      const Comparator* c = raw.op == Op::kAny ? &zero : &raw;
      if (high == nullptr) high = c;
      if (low == nullptr) low = c;
      if (above ? gt(c->version, high->version) : lt(c->version, high->version)) {
        high = c;
      } else if (above ? lt(c->version, low->version) : gt(c->version, low->version)) {
        low = c;
      }
    }
    if (high->op == comp || high->op == ecomp) return false;
    const bool lte = above ? s.Compare(v, low->version) <= 0 : s.Compare(v, low->version) >= 0;
    const bool ltn = above ? lt(v, low->version) : gt(v, low->version);
    if ((low->op == Op::kEq || low->op == comp) && lte) return false;
    if (low->op == ecomp && ltn) return false;
  }
  return true;
}

Result<NpmRange::Comparator> NpmRange::ParseComparator(std::string_view text,
                                                       const NpmRangeOptions& options) {
  if (text.size() > kMaxRangeLength) return InvalidArgument("npm comparator too long");
  return MakeComparator(Join(SplitWs(Trim(text)), " "), options);
}

bool NpmRange::Intersects(const Comparator& a, const Comparator& b,
                          const NpmRangeOptions& options) {
  auto single = [&](const Comparator& c) {
    NpmRange r;
    r.options_ = options;
    r.sets_.push_back({c});
    return r;
  };
  if (a.op == Op::kAny || b.op == Op::kAny) return true;
  if (a.op == Op::kEq) return single(b).Satisfies(a.version, a.prerelease, a.main);
  if (b.op == Op::kEq) return single(a).Satisfies(b.version, b.prerelease, b.main);
  const std::string va = Value(a);
  const std::string vb = Value(b);
  if (options.include_prerelease && (va == "<0.0.0-0" || vb == "<0.0.0-0")) return false;
  if (!options.include_prerelease &&
      (va.rfind("<0.0.0", 0) == 0 || vb.rfind("<0.0.0", 0) == 0)) {
    return false;
  }
  auto up = [](Op op) { return op == Op::kGt || op == Op::kGe; };
  auto down = [](Op op) { return op == Op::kLt || op == Op::kLe; };
  auto inclusive = [](Op op) { return op == Op::kGe || op == Op::kLe; };
  if (up(a.op) && up(b.op)) return true;
  if (down(a.op) && down(b.op)) return true;
  if (a.text == b.text && inclusive(a.op) && inclusive(b.op)) return true;
  const auto c = NpmScheme().Compare(a.version, b.version);
  if (c < 0 && up(a.op) && down(b.op)) return true;
  if (c > 0 && down(a.op) && up(b.op)) return true;
  return false;
}

namespace {

// node-semver's isSatisfiable: every pair of comparators in the set intersects.
bool Satisfiable(const std::vector<NpmRange::Comparator>& set, const NpmRangeOptions& o) {
  for (size_t i = set.size(); i-- > 1;) {
    for (size_t j = 0; j < i; ++j) {
      if (!NpmRange::Intersects(set[i], set[j], o)) return false;
    }
  }
  return true;
}

}  // namespace

bool NpmRange::Intersects(const NpmRange& other) const {
  for (const auto& mine : sets_) {
    if (!Satisfiable(mine, options_)) continue;
    for (const auto& theirs : other.sets_) {
      if (!Satisfiable(theirs, options_)) continue;
      bool all = true;
      for (const Comparator& a : mine) {
        for (const Comparator& b : theirs) {
          if (!Intersects(a, b, options_)) {
            all = false;
            break;
          }
        }
        if (!all) break;
      }
      if (all) return true;
    }
  }
  return false;
}

bool NpmRange::VersionAbove(std::string_view version) const { return Outside(version, true); }
bool NpmRange::VersionBelow(std::string_view version) const { return Outside(version, false); }

}  // namespace surveyor::versions
