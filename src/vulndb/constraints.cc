#include "vulndb/constraints.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace surveyor::vulndb {
namespace {

struct Token {
  bool numeric;
  std::string text;
};

std::vector<Token> Tokenize(std::string_view v) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < v.size()) {
    const auto c = static_cast<unsigned char>(v[i]);
    if (std::isdigit(c)) {
      size_t j = i;
      while (j < v.size() && std::isdigit(static_cast<unsigned char>(v[j]))) ++j;
      std::string_view num = v.substr(i, j - i);
      while (num.size() > 1 && num[0] == '0') num.remove_prefix(1);
      out.push_back({true, std::string(num)});
      i = j;
    } else if (std::isalpha(c)) {
      size_t j = i;
      while (j < v.size() && std::isalpha(static_cast<unsigned char>(v[j]))) ++j;
      std::string t(v.substr(i, j - i));
      for (char& ch : t) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      out.push_back({false, std::move(t)});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsWildcard(std::string_view part) { return part == "x" || part == "X" || part == "*"; }

// Splits a dotted version into parts, for caret/tilde/x-range arithmetic.
std::vector<std::string> Parts(std::string_view v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = v.find('.', start);
    out.emplace_back(v.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string Join(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n && i < parts.size(); ++i) {
    if (i) out.push_back('.');
    out += parts[i];
  }
  return out;
}

std::string Increment(const std::string& digits) {
  return std::to_string(std::strtoull(digits.c_str(), nullptr, 10) + 1);
}

// Tightens `into` with `other` (intersection).
void Intersect(Interval& into, const Interval& other) {
  if (!other.lo.empty()) {
    const int c = into.lo.empty() ? -1 : LooseVersionCompare(into.lo, other.lo);
    if (c < 0 || (c == 0 && !other.lo_inclusive)) {
      into.lo = other.lo;
      into.lo_inclusive = other.lo_inclusive;
    }
  }
  if (!other.hi.empty()) {
    const int c = into.hi.empty() ? 1 : LooseVersionCompare(into.hi, other.hi);
    if (c > 0 || (c == 0 && !other.hi_inclusive)) {
      into.hi = other.hi;
      into.hi_inclusive = other.hi_inclusive;
    }
  }
}

bool Empty(const Interval& i) {
  if (i.lo.empty() || i.hi.empty()) return false;
  const int c = LooseVersionCompare(i.lo, i.hi);
  return c > 0 || (c == 0 && !(i.lo_inclusive && i.hi_inclusive));
}

Result<Interval> ParseOne(std::string_view comp) {
  comp = Trim(comp);
  if (comp.empty()) return InvalidArgument("empty version constraint");
  std::string_view op;
  for (std::string_view candidate : {"~>", ">=", "<=", "==", "!=", ">", "<", "=", "^", "~"}) {
    if (comp.substr(0, candidate.size()) == candidate) {
      op = candidate;
      break;
    }
  }
  std::string_view ver = Trim(comp.substr(op.size()));
  if (!ver.empty() && (ver[0] == 'v' || ver[0] == 'V') && ver.size() > 1 &&
      std::isdigit(static_cast<unsigned char>(ver[1]))) {
    ver.remove_prefix(1);
  }
  if (op == "!=") return InvalidArgument("unsupported constraint \"" + std::string(comp) + "\"");
  Interval out;
  if (ver.empty() || IsWildcard(ver)) {
    if (op.empty() || op == "=" || op == "==") return out;  // "*": everything
    return InvalidArgument("constraint without a version: \"" + std::string(comp) + "\"");
  }
  for (char c : ver) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || c == '.' || c == '-' || c == '+' || c == '_' || c == '*')) {
      return InvalidArgument("invalid version \"" + std::string(ver) + "\"");
    }
  }
  if (!std::isalnum(static_cast<unsigned char>(ver[0]))) {
    return InvalidArgument("invalid version \"" + std::string(ver) + "\"");
  }
  std::vector<std::string> parts = Parts(ver);
  // x-ranges: "1.x", "1.2.*" → [1.0.0, 2.0.0) etc.
  size_t wild = parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsWildcard(parts[i])) {
      wild = i;
      break;
    }
  }
  if (wild < parts.size()) {
    if (!op.empty() && op != "=" && op != "==") {
      return InvalidArgument("unsupported constraint \"" + std::string(comp) + "\"");
    }
    if (wild == 0) return out;
    for (size_t i = 0; i < wild; ++i) {
      if (!AllDigits(parts[i])) return InvalidArgument("invalid version \"" + std::string(ver) + "\"");
    }
    std::vector<std::string> lo(parts.begin(), parts.begin() + static_cast<long>(wild));
    while (lo.size() < 3) lo.push_back("0");
    out.lo = Join(lo, lo.size());
    std::vector<std::string> hi(parts.begin(), parts.begin() + static_cast<long>(wild));
    hi.back() = Increment(hi.back());
    while (hi.size() < 3) hi.push_back("0");
    out.hi = Join(hi, hi.size());
    out.hi_inclusive = false;
    return out;
  }
  const std::string v(ver);
  if (op == ">=") {
    out.lo = v;
  } else if (op == ">") {
    out.lo = v;
    out.lo_inclusive = false;
  } else if (op == "<") {
    out.hi = v;
  } else if (op == "<=") {
    out.hi = v;
    out.hi_inclusive = true;
  } else if (op.empty() || op == "=" || op == "==") {
    out.lo = v;
    out.hi = v;
    out.hi_inclusive = true;
  } else if (op == "~>") {
    // RubyGems pessimistic: drop trailing non-numeric parts and the last part, bump the new last.
    std::vector<std::string> p;
    for (const auto& s : parts) {
      if (!AllDigits(s)) break;
      p.push_back(s);
    }
    if (p.empty()) return InvalidArgument("invalid version \"" + v + "\"");
    if (p.size() > 1) p.pop_back();
    p.back() = Increment(p.back());
    out.lo = v;
    out.hi = Join(p, p.size());
  } else if (op == "^" || op == "~") {
    for (size_t i = 0; i < parts.size() && i < 3; ++i) {
      // the pre-release / build suffix of the last part is kept in `lo` only
      std::string digits;
      for (char c : parts[i]) {
        if (!std::isdigit(static_cast<unsigned char>(c))) break;
        digits.push_back(c);
      }
      if (digits.empty()) return InvalidArgument("invalid version \"" + v + "\"");
      parts[i] = digits;
    }
    out.lo = v;
    std::vector<std::string> p(parts.begin(), parts.begin() + static_cast<long>(std::min<size_t>(parts.size(), 3)));
    size_t bump;
    if (op == "~") {
      bump = p.size() >= 2 ? 1 : 0;
    } else {
      bump = 0;
      while (bump + 1 < p.size() && p[bump] == "0") ++bump;
    }
    std::vector<std::string> hi(p.begin(), p.begin() + static_cast<long>(bump + 1));
    hi.back() = Increment(hi.back());
    while (hi.size() < 3) hi.push_back("0");
    out.hi = Join(hi, hi.size()) + "-0";  // below every pre-release of the next version
    if (LooseVersionCompare(out.hi, v) <= 0) out.hi = Join(hi, hi.size());
  }
  return out;
}

}  // namespace

int LooseVersionCompare(std::string_view a, std::string_view b) {
  const std::vector<Token> ta = Tokenize(a), tb = Tokenize(b);
  size_t i = 0;
  for (; i < ta.size() && i < tb.size(); ++i) {
    const Token& x = ta[i];
    const Token& y = tb[i];
    if (x.numeric && y.numeric) {
      if (x.text.size() != y.text.size()) return x.text.size() < y.text.size() ? -1 : 1;
      if (x.text != y.text) return x.text < y.text ? -1 : 1;
    } else if (x.numeric != y.numeric) {
      return x.numeric ? 1 : -1;  // a letter run (pre-release) sorts before a number
    } else if (x.text != y.text) {
      return x.text < y.text ? -1 : 1;
    }
  }
  // One ran out: trailing zeros are equal, a trailing letter run is a pre-release (smaller).
  auto rest = [](const std::vector<Token>& t, size_t from) {
    for (size_t k = from; k < t.size(); ++k) {
      if (!t[k].numeric) {
        // Patch-level suffixes ("2.4.4-p9", "1.0-patch1", "1.0.post1") come after the release.
        const std::string& w = t[k].text;
        if (w == "p" || w == "pl" || w == "patch" || w == "post") return 1;
        return -1;  // only zeros before it: a pre-release of the shorter version
      }
      if (t[k].text != "0") return 1;
    }
    return 0;
  };
  if (i < ta.size()) return rest(ta, i);
  if (i < tb.size()) return -rest(tb, i);
  return 0;
}

std::vector<std::string> SplitComparators(std::string_view s) {
  std::vector<std::string> raw;
  std::string cur;
  for (char c : s) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) raw.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) raw.push_back(cur);
  // Re-attach a bare operator to the version after it (">= 1.2").
  std::vector<std::string> out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const std::string& t = raw[i];
    const bool bare_op = std::all_of(t.begin(), t.end(), [](char c) {
      return c == '<' || c == '>' || c == '=' || c == '~' || c == '^' || c == '!';
    });
    if (bare_op && i + 1 < raw.size()) {
      out.push_back(t + raw[i + 1]);
      ++i;
    } else {
      out.push_back(t);
    }
  }
  return out;
}

Result<Interval> ParseComparatorSet(const std::vector<std::string>& comparators) {
  if (comparators.empty()) return InvalidArgument("empty version constraint");
  Interval out;
  for (const std::string& c : comparators) {
    ASSIGN_OR_RETURN(Interval one, ParseOne(c));
    Intersect(out, one);
  }
  if (Empty(out)) return InvalidArgument("version constraint matches nothing");
  return out;
}

namespace {

// npm treats a partial version as an x-range: "<=1.2" is "<1.3.0-0", ">1.2" is ">=1.3.0",
// ">=1.2"/"<1.2" are "1.2.0". Returns the comparator rewritten with a full version.
std::string CompleteNpmPartial(const std::string& comp) {
  size_t i = 0;
  while (i < comp.size() && (comp[i] == '<' || comp[i] == '>' || comp[i] == '=')) ++i;
  const std::string op = comp.substr(0, i);
  std::string ver = comp.substr(i);
  if (!ver.empty() && (ver[0] == 'v' || ver[0] == 'V')) ver = ver.substr(1);
  std::vector<std::string> parts = Parts(ver);
  if (parts.size() >= 3 || parts.empty()) return comp;
  for (const auto& p : parts) {
    if (!AllDigits(p)) return comp;  // wildcards and tags are handled elsewhere
  }
  if (op == "<=" || op == ">") {
    parts.back() = Increment(parts.back());
    while (parts.size() < 3) parts.push_back("0");
    return (op == "<=" ? "<" : ">=") + Join(parts, 3) + (op == "<=" ? "-0" : "");
  }
  while (parts.size() < 3) parts.push_back("0");
  if (op.empty() || op == "=") {
    // "1.2" alone means 1.2.x
    std::vector<std::string> hi = parts;
    hi[ver.find('.') == std::string::npos ? 0 : 1] = Increment(hi[ver.find('.') == std::string::npos ? 0 : 1]);
    if (ver.find('.') == std::string::npos) hi[1] = "0";
    hi[2] = "0";
    return ">=" + Join(parts, 3) + " <" + Join(hi, 3) + "-0";
  }
  return op + Join(parts, 3);
}

}  // namespace

Result<std::vector<Interval>> ParseNpmRange(std::string_view range) {
  std::vector<Interval> out;
  size_t start = 0;
  while (true) {
    const size_t bar = range.find("||", start);
    std::string_view alt = Trim(range.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start));
    std::vector<std::string> raw = SplitComparators(alt);
    if (raw.size() == 3 && raw[1] == "-") {
      // Hyphen range "A - B": partial A fills with zeros, partial B is an x-range.
      ASSIGN_OR_RETURN(Interval lo, ParseComparatorSet(SplitComparators(CompleteNpmPartial(">=" + raw[0]))));
      ASSIGN_OR_RETURN(Interval hi, ParseComparatorSet(SplitComparators(CompleteNpmPartial("<=" + raw[2]))));
      Interval i = lo;
      i.hi = hi.hi;
      i.hi_inclusive = hi.hi_inclusive;
      out.push_back(i);
    } else if (raw.empty()) {
      out.push_back(Interval{});  // "" means any version in npm
    } else {
      std::vector<std::string> comps;
      for (const std::string& c : raw) {
        for (const std::string& piece : SplitComparators(CompleteNpmPartial(c))) comps.push_back(piece);
      }
      ASSIGN_OR_RETURN(Interval i, ParseComparatorSet(comps));
      out.push_back(i);
    }
    if (bar == std::string_view::npos) break;
    start = bar + 2;
  }
  return out;
}

std::vector<Range> AffectedRanges(const std::vector<Interval>& affected, std::string_view type) {
  std::vector<Range> out;
  for (const Interval& i : affected) {
    Range r;
    r.type = std::string(type);
    r.events.push_back({EventKind::kIntroduced, i.lo.empty() ? "0" : i.lo});
    if (!i.lo.empty() && !i.lo_inclusive) {
      // OSV has no exclusive lower bound; the bound itself is over-approximated as affected.
      r.database_specific["lower_bound_exclusive"] = i.lo;
    }
    if (!i.hi.empty()) {
      r.events.push_back({i.hi_inclusive ? EventKind::kLastAffected : EventKind::kFixed, i.hi});
    }
    out.push_back(std::move(r));
  }
  return out;
}

Range ComplementRange(std::vector<Interval> safe, std::string_view type) {
  std::sort(safe.begin(), safe.end(), [](const Interval& a, const Interval& b) {
    if (a.lo.empty() != b.lo.empty()) return a.lo.empty();
    return LooseVersionCompare(a.lo, b.lo) < 0;
  });
  // Merge overlapping safe intervals into a disjoint, ordered list.
  std::vector<Interval> merged;
  for (const Interval& s : safe) {
    if (!merged.empty()) {
      Interval& cur = merged.back();
      if (cur.hi.empty()) continue;  // already safe up to infinity
      const int c = s.lo.empty() ? -1 : LooseVersionCompare(s.lo, cur.hi);
      if (c < 0 || (c == 0 && (s.lo_inclusive || cur.hi_inclusive))) {
        if (s.hi.empty() || LooseVersionCompare(s.hi, cur.hi) > 0) {
          cur.hi = s.hi;
          cur.hi_inclusive = s.hi_inclusive;
        }
        continue;
      }
    }
    merged.push_back(s);
  }
  // The gaps between safe intervals are affected.
  Range r;
  r.type = std::string(type);
  std::string from = "0";
  for (const Interval& m : merged) {
    if (!m.lo.empty()) {
      r.events.push_back({EventKind::kIntroduced, from});
      r.events.push_back({m.lo_inclusive ? EventKind::kFixed : EventKind::kLastAffected, m.lo});
    }
    if (m.hi.empty()) return r;
    if (m.hi_inclusive) {
      // OSV has no exclusive "introduced"; the bound itself is over-approximated as affected.
      r.database_specific["introduced_exclusive"] = m.hi;
    }
    from = m.hi;
  }
  r.events.push_back({EventKind::kIntroduced, from});
  return r;
}

}  // namespace surveyor::vulndb
