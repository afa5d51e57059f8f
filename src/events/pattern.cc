#include "events/pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace surveyor::events {
namespace {

constexpr double kNumericLimit = 5.0e9;
constexpr size_t kMaxPatternDepth = 32;

Status Invalid(const std::string& reason) {
  return InvalidArgument("Event pattern is not valid. Reason: " + reason, kInvalidEventPattern);
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower-case mapping for the two-byte UTF-8 letters of Latin-1, Latin Extended-A, Greek and
// Cyrillic (each maps to a letter of the same encoded length, so folding keeps byte offsets).
uint32_t LowerCodePoint(uint32_t cp) {
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)) return cp + 0x20;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177))
    return (cp % 2 == 0) ? cp + 1 : cp;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
    return (cp % 2 == 1) ? cp + 1 : cp;
  if (cp == 0x178) return 0xFF;
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

// Case-folds ASCII and the two-byte letters above; other bytes are kept as they are.
std::string FoldCase(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i < out.size(); ++i) {
    const auto b = static_cast<unsigned char>(out[i]);
    if (b < 0x80) {
      out[i] = Lower(out[i]);
    } else if ((b & 0xE0) == 0xC0 && i + 1 < out.size() &&
               (static_cast<unsigned char>(out[i + 1]) & 0xC0) == 0x80) {
      const uint32_t cp = ((b & 0x1Fu) << 6) | (static_cast<unsigned char>(out[i + 1]) & 0x3Fu);
      const uint32_t lower = LowerCodePoint(cp);
      out[i] = static_cast<char>(0xC0 | (lower >> 6));
      out[i + 1] = static_cast<char>(0x80 | (lower & 0x3F));
      ++i;
    }
  }
  return out;
}

std::string LowerAscii(std::string s) { return FoldCase(s); }

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// `lowered` is already case-folded; compares `value` folded the same way.
bool EqualsLowered(std::string_view value, std::string_view lowered) {
  if (value.size() != lowered.size()) return false;
  if (!IsAscii(value)) return FoldCase(value) == lowered;
  for (size_t i = 0; i < value.size(); ++i) {
    if (Lower(value[i]) != lowered[i]) return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool EndsWith(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// Parses an IPv4 or IPv6 address; returns false for anything else.
bool ParseIp(const std::string& text, bool* v6, std::array<uint8_t, 16>* bytes) {
  bytes->fill(0);
  if (inet_pton(AF_INET, text.c_str(), bytes->data()) == 1) {
    *v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes->data()) == 1) {
    *v6 = true;
    return true;
  }
  return false;
}

bool PrefixEqual(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a.data(), b.data(), static_cast<size_t>(whole)) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (a[static_cast<size_t>(whole)] & mask) == (b[static_cast<size_t>(whole)] & mask);
}

Result<WildcardGlob> ParseWildcard(const std::string& text) {
  WildcardGlob glob;
  std::string current;
  bool last_was_star = false;
  bool any_part = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 < text.size() && (text[i + 1] == '*' || text[i + 1] == '\\')) {
        current.push_back(text[++i]);
        last_was_star = false;
        continue;
      }
      return Invalid("Invalid escape character at pos " + std::to_string(i));
    }
    if (c == '*') {
      if (last_was_star)
        return Invalid("Consecutive wildcard characters at pos " + std::to_string(i));
      if (!any_part && current.empty() && glob.parts.empty()) {
        glob.leading_star = true;
      } else {
        glob.parts.push_back(std::move(current));
        current.clear();
      }
      any_part = true;
      last_was_star = true;
      continue;
    }
    current.push_back(c);
    last_was_star = false;
  }
  if (last_was_star) {
    glob.trailing_star = true;
  } else {
    glob.parts.push_back(std::move(current));
  }
  return glob;
}

Status CheckNumber(const RawValue& v) {
  if (v.number < -kNumericLimit || v.number > kNumericLimit) {
    return Invalid("Value must be between -5.0E9 and 5.0E9, inclusive");
  }
  return Status::Ok();
}

Result<Matcher> ParseNumeric(const RawValue& spec) {
  if (!spec.is_array()) return Invalid("Value of numeric must be an array.");
  const auto& a = spec.items;
  Matcher m;
  m.op = MatchOp::kNumeric;
  if (a.empty() || !a[0].is_string()) {
    return Invalid("Invalid member in numeric match: " +
                   (a.empty() ? std::string("]") : DumpJson(Json(a[0].text))));
  }
  const std::string& op = a[0].text;
  auto value_at = [&](size_t i, const std::string& what) -> Result<double> {
    if (i >= a.size() || !a[i].is_number()) return Invalid("Value of " + what + " must be numeric");
    RETURN_IF_ERROR(CheckNumber(a[i]));
    return a[i].number;
  };
  if (op == "=") {
    ASSIGN_OR_RETURN(const double v, value_at(1, "equals"));
    if (a.size() > 2) return Invalid("Too many elements in numeric expression");
    m.has_low = m.has_high = true;
    m.low = m.high = v;
    return m;
  }
  if (op == ">=" || op == ">") {
    ASSIGN_OR_RETURN(const double v, value_at(1, op));
    m.has_low = true;
    m.low = v;
    m.low_open = op == ">";
    if (a.size() == 2) return m;
    if (!a[2].is_string()) return Invalid("Bad value in numeric range: " + a[2].text);
    const std::string& op2 = a[2].text;
    if (op2 != "<" && op2 != "<=") return Invalid("Bad numeric range operator: " + op2);
    ASSIGN_OR_RETURN(const double top, value_at(3, op2));
    if (a.size() > 4) return Invalid("Too many terms in numeric range expression");
    if (!(m.low < top)) return Invalid("Bottom must be less than top");
    m.has_high = true;
    m.high = top;
    m.high_open = op2 == "<";
    return m;
  }
  if (op == "<=" || op == "<") {
    ASSIGN_OR_RETURN(const double v, value_at(1, op));
    if (a.size() > 2) return Invalid("Too many elements in numeric expression");
    m.has_high = true;
    m.high = v;
    m.high_open = op == "<";
    return m;
  }
  return Invalid("Unrecognized numeric range operator: " + op);
}

// A list of strings or one string, for anything-but's equals-ignore-case and wildcard.
Result<std::vector<std::string>> StringOrStrings(const RawValue& v, const std::string& error) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.text);
  } else if (v.is_array() && !v.items.empty()) {
    for (const auto& item : v.items) {
      if (!item.is_string()) return Invalid(error);
      out.push_back(item.text);
    }
  } else {
    return Invalid(error);
  }
  return out;
}

Result<Matcher> ParseAnythingBut(const RawValue& spec) {
  Matcher m;
  if (spec.is_object()) {
    if (spec.members.empty()) return Invalid("Anything-But expression name not found");
    if (spec.members.size() > 1) return Invalid("Only one key allowed in match expression");
    const auto& [name, v] = spec.members[0];
    if (name == "prefix" || name == "suffix") {
      if (!v.is_string()) return Invalid("prefix/suffix match pattern must be a string");
      if (v.text.empty()) return Invalid("Null prefix/suffix not allowed");
      m.op = name == "prefix" ? MatchOp::kAnythingButPrefix : MatchOp::kAnythingButSuffix;
      m.text = v.text;
      return m;
    }
    if (name == "equals-ignore-case") {
      ASSIGN_OR_RETURN(auto texts, StringOrStrings(v,
                                                   "Inside anything-but/equals-ignore-case list, "
                                                   "number|start|null|boolean is not supported."));
      m.op = MatchOp::kAnythingButIgnoreCase;
      for (auto& t : texts) m.texts.push_back(LowerAscii(std::move(t)));
      return m;
    }
    if (name == "wildcard") {
      ASSIGN_OR_RETURN(auto texts, StringOrStrings(v, "wildcard match pattern must be a string"));
      m.op = MatchOp::kAnythingButWildcard;
      for (const auto& t : texts) {
        ASSIGN_OR_RETURN(WildcardGlob g, ParseWildcard(t));
        m.globs.push_back(std::move(g));
      }
      return m;
    }
    return Invalid("Unsupported anything-but pattern: " + name);
  }
  if (spec.is_string()) {
    m.op = MatchOp::kAnythingButStrings;
    m.texts.push_back(spec.text);
    return m;
  }
  if (spec.is_number()) {
    RETURN_IF_ERROR(CheckNumber(spec));
    m.op = MatchOp::kAnythingButNumbers;
    m.numbers.push_back(spec.number);
    return m;
  }
  if (!spec.is_array()) {
    return Invalid("Value of anything-but must be an array or single string/number value.");
  }
  bool has_string = false, has_number = false;
  for (const auto& item : spec.items) {
    if (item.is_string()) {
      has_string = true;
      m.texts.push_back(item.text);
    } else if (item.is_number()) {
      RETURN_IF_ERROR(CheckNumber(item));
      has_number = true;
      m.numbers.push_back(item.number);
    } else {
      return Invalid("Inside anything but list, start|null|boolean is not supported.");
    }
  }
  if (has_string == has_number) {
    return Invalid(
        "Inside anything but list, either all values are number or string, mixed type is not "
        "supported");
  }
  m.op = has_string ? MatchOp::kAnythingButStrings : MatchOp::kAnythingButNumbers;
  return m;
}

// One {"op": ...} object inside a field's list. `*exists_false` is set for {"exists": false}.
Result<Matcher> ParseMatchExpression(const RawValue& expr, bool* exists_false) {
  if (expr.members.empty()) return Invalid("Match expression name not found");
  if (expr.members.size() > 1) return Invalid("Only one key allowed in match expression");
  const auto& [name, v] = expr.members[0];
  Matcher m;
  if (name == "prefix" || name == "suffix") {
    const bool prefix = name == "prefix";
    if (v.is_string()) {
      m.op = prefix ? MatchOp::kPrefix : MatchOp::kSuffix;
      m.text = v.text;
      return m;
    }
    if (v.is_object() && v.members.size() == 1 && v.members[0].key == "equals-ignore-case" &&
        v.members[0].value.is_string()) {
      m.op = prefix ? MatchOp::kPrefixIgnoreCase : MatchOp::kSuffixIgnoreCase;
      m.text = LowerAscii(v.members[0].value.text);
      return m;
    }
    return Invalid(name + " match pattern must be a string");
  }
  if (name == "equals-ignore-case") {
    if (!v.is_string()) return Invalid("equals-ignore-case match pattern must be a string");
    m.op = MatchOp::kEqualsIgnoreCase;
    m.text = LowerAscii(v.text);
    return m;
  }
  if (name == "wildcard") {
    if (!v.is_string()) return Invalid("wildcard match pattern must be a string");
    ASSIGN_OR_RETURN(WildcardGlob g, ParseWildcard(v.text));
    m.op = MatchOp::kWildcard;
    m.globs.push_back(std::move(g));
    return m;
  }
  if (name == "numeric") return ParseNumeric(v);
  if (name == "anything-but") return ParseAnythingBut(v);
  if (name == "exists") {
    if (v.kind != RawValue::Kind::kBool) {
      return Invalid("exists match pattern must be either true or false.");
    }
    if (!v.boolean) *exists_false = true;
    m.op = MatchOp::kExists;
    return m;
  }
  if (name == "cidr") {
    if (!v.is_string()) return Invalid("cidr match pattern must be a string");
    const auto slash = v.text.find('/');
    if (slash == std::string::npos) return Invalid("Malformed CIDR, one '/' required");
    const std::string address = v.text.substr(0, slash);
    const std::string bits = v.text.substr(slash + 1);
    if (!ParseIp(address, &m.v6, &m.net)) return Invalid("Invalid CIDR: " + v.text);
    const int max_bits = m.v6 ? 128 : 32;
    if (bits.empty() || bits.size() > 3 ||
        !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(bits) > max_bits) {
      return Invalid("Invalid CIDR: " + v.text);
    }
    m.prefix_bits = std::stoi(bits);
    m.op = MatchOp::kCidr;
    return m;
  }
  return Invalid("Unrecognized match type " + name);
}

Result<FieldCondition> CompileField(const std::string& path, const RawValue& list) {
  if (list.items.empty()) return Invalid("Empty arrays are not allowed");
  FieldCondition field;
  field.path = path;
  for (const auto& item : list.items) {
    Matcher m;
    switch (item.kind) {
      case RawValue::Kind::kObject: {
        bool exists_false = false;
        ASSIGN_OR_RETURN(m, ParseMatchExpression(item, &exists_false));
        if (exists_false) {
          field.allow_absent = true;
          continue;
        }
        break;
      }
      case RawValue::Kind::kString:
        m.kind = ValueKind::kString;
        m.text = item.text;
        break;
      case RawValue::Kind::kNumber:
        m.kind = ValueKind::kNumber;
        m.text = item.text;
        break;
      case RawValue::Kind::kBool:
        m.kind = item.boolean ? ValueKind::kTrue : ValueKind::kFalse;
        m.text = item.boolean ? "true" : "false";
        break;
      case RawValue::Kind::kNull:
        m.kind = ValueKind::kNull;
        m.text = "null";
        break;
      case RawValue::Kind::kArray:
        return Invalid("Match value must be String, number, true, false, or null");
    }
    field.matchers.push_back(std::move(m));
  }
  return field;
}

void AddField(Conjunction& c, FieldCondition f) {
  for (auto& existing : c.fields) {
    if (existing.path == f.path) {  // a later mention of the same path replaces the earlier
      existing = std::move(f);
      return;
    }
  }
  c.fields.push_back(std::move(f));
}

Result<std::vector<Conjunction>> Cross(const std::vector<Conjunction>& a,
                                       const std::vector<Conjunction>& b) {
  if (a.size() * b.size() > kMaxOrCombinations) {
    return Invalid("The $or expansion of the pattern exceeds " +
                   std::to_string(kMaxOrCombinations) + " combinations");
  }
  std::vector<Conjunction> out;
  out.reserve(a.size() * b.size());
  for (const auto& x : a) {
    for (const auto& y : b) {
      Conjunction c = x;
      for (const auto& f : y.fields) AddField(c, f);
      out.push_back(std::move(c));
    }
  }
  return out;
}

bool IsReservedInOr(std::string_view key) {
  static constexpr std::string_view kReserved[] = {"anything-but", "cidr",    "equals-ignore-case",
                                                   "exists",       "numeric", "prefix",
                                                   "suffix",       "wildcard"};
  return std::find(std::begin(kReserved), std::end(kReserved), key) != std::end(kReserved);
}

// "$or" means OR only when it holds an array of at least two objects none of which uses an
// operator keyword as a field name; otherwise it is an ordinary field called "$or" (AWS keeps
// this for patterns written before $or existed).
bool IsOrRelationship(const RawValue& value) {
  if (!value.is_array() || value.items.size() < 2) return false;
  for (const auto& item : value.items) {
    if (!item.is_object()) return false;
    for (const auto& member : item.members) {
      if (IsReservedInOr(member.key)) return false;
    }
  }
  return true;
}

Result<std::vector<Conjunction>> CompileObject(const RawValue& object, const std::string& prefix,
                                               size_t depth) {
  if (depth > kMaxPatternDepth) return Invalid("Pattern nested too deeply");
  if (object.members.empty()) return Invalid("Empty objects are not allowed");
  std::vector<Conjunction> result(1);
  for (const auto& [key, value] : object.members) {
    if (key == "$or" && IsOrRelationship(value)) {
      std::vector<Conjunction> branches;
      for (const auto& item : value.items) {
        ASSIGN_OR_RETURN(auto sub, CompileObject(item, prefix, depth + 1));
        if (branches.size() + sub.size() > kMaxOrCombinations) {
          return Invalid("The $or expansion of the pattern exceeds " +
                         std::to_string(kMaxOrCombinations) + " combinations");
        }
        for (auto& c : sub) branches.push_back(std::move(c));
      }
      ASSIGN_OR_RETURN(result, Cross(result, branches));
      continue;
    }
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      ASSIGN_OR_RETURN(auto sub, CompileObject(value, path, depth + 1));
      ASSIGN_OR_RETURN(result, Cross(result, sub));
    } else if (value.is_array()) {
      ASSIGN_OR_RETURN(FieldCondition field, CompileField(path, value));
      for (auto& c : result) AddField(c, field);
    } else {
      return Invalid("\"" + key + "\" must be an object or an array");
    }
  }
  return result;
}

// Two leaves are consistent unless they sit in different elements of the same array.
bool Consistent(const FlatEvent& e, const FlatLeaf& a, const FlatLeaf& b) {
  const auto& m = e.memberships();
  for (uint32_t i = 0; i < a.membership_count; ++i) {
    const auto& x = m[a.membership_begin + i];
    for (uint32_t j = 0; j < b.membership_count; ++j) {
      const auto& y = m[b.membership_begin + j];
      if (x.first == y.first && x.second != y.second) return false;
    }
  }
  return true;
}

struct Search {
  const FlatEvent& event;
  const Conjunction& conj;
  std::vector<const FlatLeaf*> chosen;  // leaves inside arrays chosen so far
  size_t steps = 0;

  bool ConsistentWithChosen(const FlatLeaf& leaf) const {
    if (leaf.membership_count == 0) return true;
    for (const FlatLeaf* c : chosen) {
      if (!Consistent(event, leaf, *c)) return false;
    }
    return true;
  }

  static bool AnyMatcher(const FieldCondition& f, const FlatLeaf& leaf) {
    for (const auto& m : f.matchers) {
      if (m.Matches(leaf)) return true;
    }
    return false;
  }

  bool Run(size_t i) {
    if (i == conj.fields.size()) return true;
    const FieldCondition& f = conj.fields[i];
    const auto [begin, end] = event.Find(f.path);
    const auto& leaves = event.leaves();
    // A matching leaf outside every array constrains nothing: take it without backtracking.
    for (uint32_t k = begin; k < end; ++k) {
      if (++steps > kMaxMatchSteps) return false;
      const FlatLeaf& leaf = leaves[k];
      if (leaf.membership_count == 0 && AnyMatcher(f, leaf)) return Run(i + 1);
    }
    for (uint32_t k = begin; k < end; ++k) {
      if (++steps > kMaxMatchSteps) return false;
      const FlatLeaf& leaf = leaves[k];
      if (leaf.membership_count == 0 || !ConsistentWithChosen(leaf) || !AnyMatcher(f, leaf)) {
        continue;
      }
      chosen.push_back(&leaf);
      if (Run(i + 1)) return true;
      chosen.pop_back();
      if (steps > kMaxMatchSteps) return false;
    }
    if (f.allow_absent) {
      for (uint32_t k = begin; k < end; ++k) {
        if (ConsistentWithChosen(leaves[k])) return false;
      }
      return Run(i + 1);
    }
    return false;
  }
};

}  // namespace

bool WildcardGlob::Matches(std::string_view s) const {
  // parts[0] is anchored at the start unless leading_star; the last part at the end unless
  // trailing_star; the middle parts are found left to right (greedy is exact for `*` globs).
  if (parts.empty()) return leading_star || trailing_star || s.empty();
  size_t first = 0, last = parts.size();
  size_t pos = 0;
  if (!leading_star) {
    if (!StartsWith(s, parts[0])) return false;
    pos = parts[0].size();
    first = 1;
    if (parts.size() == 1 && !trailing_star) return s.size() == parts[0].size();
  }
  size_t end = s.size();
  if (!trailing_star && last > first) {
    const std::string& tail = parts[last - 1];
    if (s.size() < pos + tail.size() || !EndsWith(s, tail)) return false;
    end = s.size() - tail.size();
    --last;
  }
  for (size_t i = first; i < last; ++i) {
    const auto found = s.substr(0, end).find(parts[i], pos);
    if (found == std::string_view::npos) return false;
    pos = found + parts[i].size();
  }
  return pos <= end;
}

bool Matcher::Matches(const FlatLeaf& leaf) const {
  const bool is_string = leaf.kind == ValueKind::kString;
  const std::string_view v = leaf.text;
  switch (op) {
    case MatchOp::kExact:
      return leaf.kind == kind && v == text;
    case MatchOp::kPrefix:
      return is_string && StartsWith(v, text);
    case MatchOp::kPrefixIgnoreCase:
      return is_string && v.size() >= text.size() && EqualsLowered(v.substr(0, text.size()), text);
    case MatchOp::kSuffix:
      return is_string && EndsWith(v, text);
    case MatchOp::kSuffixIgnoreCase:
      return is_string && v.size() >= text.size() &&
             EqualsLowered(v.substr(v.size() - text.size()), text);
    case MatchOp::kEqualsIgnoreCase:
      return is_string && EqualsLowered(v, text);
    case MatchOp::kWildcard:
      return is_string && globs[0].Matches(v);
    case MatchOp::kNumeric: {
      if (leaf.kind != ValueKind::kNumber) return false;
      const double x = leaf.number;
      if (has_low && (low_open ? !(x > low) : !(x >= low))) return false;
      if (has_high && (high_open ? !(x < high) : !(x <= high))) return false;
      return true;
    }
    case MatchOp::kCidr: {
      if (!is_string) return false;
      bool addr_v6 = false;
      std::array<uint8_t, 16> addr{};
      if (!ParseIp(leaf.text, &addr_v6, &addr) || addr_v6 != v6) return false;
      return PrefixEqual(addr, net, prefix_bits);
    }
    case MatchOp::kExists:
      return true;
    case MatchOp::kAnythingButStrings:
      return !(is_string && std::find(texts.begin(), texts.end(), v) != texts.end());
    case MatchOp::kAnythingButNumbers:
      return !(leaf.kind == ValueKind::kNumber &&
               std::find(numbers.begin(), numbers.end(), leaf.number) != numbers.end());
    case MatchOp::kAnythingButPrefix:
      return !(is_string && StartsWith(v, text));
    case MatchOp::kAnythingButSuffix:
      return !(is_string && EndsWith(v, text));
    case MatchOp::kAnythingButIgnoreCase:
      if (!is_string) return true;
      for (const auto& t : texts) {
        if (EqualsLowered(v, t)) return false;
      }
      return true;
    case MatchOp::kAnythingButWildcard:
      if (!is_string) return true;
      for (const auto& g : globs) {
        if (g.Matches(v)) return false;
      }
      return true;
  }
  return false;
}

Result<CompiledPattern> CompiledPattern::Compile(const RawValue& pattern) {
  if (!pattern.is_object()) return Invalid("Filter is not an object");
  ASSIGN_OR_RETURN(auto alternatives, CompileObject(pattern, "", 0));
  for (auto& c : alternatives) {
    // Absence-only fields are checked after the positive ones have chosen their leaves.
    std::stable_partition(c.fields.begin(), c.fields.end(),
                          [](const FieldCondition& f) { return !f.matchers.empty(); });
  }
  CompiledPattern out;
  out.alternatives_ = std::move(alternatives);
  return out;
}

Result<CompiledPattern> CompiledPattern::Compile(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes) {
    return Invalid("Event pattern is longer than " + std::to_string(max_bytes) + " characters");
  }
  auto raw = ParseRawJson(text, RawJsonLimits{max_bytes, kMaxPatternDepth + 8});
  if (!raw.ok()) return Invalid(raw.status().message());
  return Compile(*raw);
}

namespace {

// Every field on its own: a matching leaf, or (for exists:false) no leaf at all. For an event
// without arrays this is the whole answer; with arrays it is a cheap necessary condition.
bool FieldsMatchIndependently(const Conjunction& conj, const FlatEvent& event, bool exact) {
  const auto& leaves = event.leaves();
  for (const auto& f : conj.fields) {
    const auto [begin, end] = event.Find(f.path);
    bool found = false;
    for (uint32_t k = begin; k < end && !found; ++k) found = Search::AnyMatcher(f, leaves[k]);
    if (found) continue;
    if (!f.allow_absent) return false;
    if (exact && begin != end) return false;
  }
  return true;
}

}  // namespace

bool CompiledPattern::Matches(const FlatEvent& event) const {
  const bool arrays = event.has_arrays();
  for (const auto& conj : alternatives_) {
    if (!FieldsMatchIndependently(conj, event, /*exact=*/!arrays)) continue;
    if (!arrays) return true;
    Search search{event, conj, {}, 0};
    if (search.Run(0)) return true;
  }
  return false;
}

Result<bool> TestEventPattern(std::string_view pattern_text, std::string_view event_text) {
  ASSIGN_OR_RETURN(CompiledPattern pattern, CompiledPattern::Compile(pattern_text));
  auto raw = ParseRawJson(event_text, RawJsonLimits{256 * 1024, 64});
  if (!raw.ok() || !raw->is_object()) {
    return InvalidArgument("Parameter Event is not valid.", "InvalidEventPatternException");
  }
  for (const char* name :
       {"id", "account", "source", "time", "region", "resources", "detail-type"}) {
    if (raw->Find(name) == nullptr) {
      return InvalidArgument(
          std::string("Parameter Event is not valid: missing field ") + name + ".",
          "InvalidEventPatternException");
    }
  }
  ASSIGN_OR_RETURN(FlatEvent event, FlatEvent::FromRaw(*raw));
  return pattern.Matches(event);
}

}  // namespace surveyor::events
