#include "vulndb/cvss/cvss.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "vulndb/cvss/cvss4_tables.h"

namespace surveyor::vulndb {
namespace {

constexpr size_t kMaxVectorLength = 512;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
                        s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

// One metric's definition: abbreviation and allowed values.
struct MetricDef {
  std::string_view name;
  std::vector<std::string_view> values;
};

bool Allowed(const MetricDef& def, std::string_view v) {
  return std::find(def.values.begin(), def.values.end(), v) != def.values.end();
}

// Splits "A:B/C:D" into ordered (metric, value) pairs with basic shape checks.
Result<std::vector<std::pair<std::string, std::string>>> SplitPairs(std::string_view body,
                                                                     std::string_view whole) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view part : Split(body, '/')) {
    const size_t colon = part.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == part.size() ||
        part.find(':', colon + 1) != std::string_view::npos) {
      return InvalidArgument("CVSS vector \"" + std::string(whole) + "\": malformed part \"" +
                             std::string(part) + "\"");
    }
    out.emplace_back(std::string(part.substr(0, colon)), std::string(part.substr(colon + 1)));
  }
  return out;
}

double Round1(double x) { return std::round(x * 10.0) / 10.0; }

// ---------------------------------------------------------------- v2

const std::vector<MetricDef>& V2Defs() {
  static const std::vector<MetricDef> defs = {
      {"AV", {"L", "A", "N"}},       {"AC", {"H", "M", "L"}},
      {"Au", {"M", "S", "N"}},       {"C", {"N", "P", "C"}},
      {"I", {"N", "P", "C"}},        {"A", {"N", "P", "C"}},
      {"E", {"U", "POC", "F", "H", "ND"}},  {"RL", {"OF", "TF", "W", "U", "ND"}},
      {"RC", {"UC", "UR", "C", "ND"}},      {"CDP", {"N", "L", "LM", "MH", "H", "ND"}},
      {"TD", {"N", "L", "M", "H", "ND"}},   {"CR", {"L", "M", "H", "ND"}},
      {"IR", {"L", "M", "H", "ND"}},        {"AR", {"L", "M", "H", "ND"}},
  };
  return defs;
}

double V2Weight(std::string_view metric, std::string_view v) {
  if (metric == "AV") return v == "L" ? 0.395 : v == "A" ? 0.646 : 1.0;
  if (metric == "AC") return v == "H" ? 0.35 : v == "M" ? 0.61 : 0.71;
  if (metric == "Au") return v == "M" ? 0.45 : v == "S" ? 0.56 : 0.704;
  if (metric == "C" || metric == "I" || metric == "A") return v == "N" ? 0 : v == "P" ? 0.275 : 0.660;
  if (metric == "E") return v == "U" ? 0.85 : v == "POC" ? 0.9 : v == "F" ? 0.95 : 1.0;
  if (metric == "RL") return v == "OF" ? 0.87 : v == "TF" ? 0.90 : v == "W" ? 0.95 : 1.0;
  if (metric == "RC") return v == "UC" ? 0.90 : v == "UR" ? 0.95 : 1.0;
  if (metric == "CDP") {
    return v == "L" ? 0.1 : v == "LM" ? 0.3 : v == "MH" ? 0.4 : v == "H" ? 0.5 : 0.0;
  }
  if (metric == "TD") return v == "N" ? 0 : v == "L" ? 0.25 : v == "M" ? 0.75 : 1.0;
  // CR, IR, AR
  return v == "L" ? 0.5 : v == "H" ? 1.51 : 1.0;
}

double V2Base(double impact, double exploitability) {
  const double f = impact == 0 ? 0 : 1.176;
  return Round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f);
}

}  // namespace

std::string_view CvssVersionName(CvssVersion v) {
  switch (v) {
    case CvssVersion::kV2: return "2.0";
    case CvssVersion::kV30: return "3.0";
    case CvssVersion::kV31: return "3.1";
    case CvssVersion::kV40: return "4.0";
  }
  return "?";
}

Result<Cvss> ParseCvssV2(std::string_view input) {
  std::string_view vec = Trim(input);
  if (vec.size() > kMaxVectorLength) return InvalidArgument("CVSS vector too long");
  if (vec.size() >= 2 && vec.front() == '(' && vec.back() == ')') vec = vec.substr(1, vec.size() - 2);
  const std::string whole(vec);
  ASSIGN_OR_RETURN(auto pairs, SplitPairs(vec, whole));
  const auto& defs = V2Defs();
  // v2 metrics appear in the specified order, in whole groups: base (6), temporal (3), env (5).
  Cvss out;
  out.version = CvssVersion::kV2;
  out.vector = whole;
  size_t i = 0;
  auto take_group = [&](size_t first, size_t count, bool required) -> Result<bool> {
    if (i >= pairs.size()) {
      if (required) return InvalidArgument("CVSS v2 vector \"" + whole + "\": missing base metrics");
      return false;
    }
    if (pairs[i].first != defs[first].name) {
      if (required) {
        return InvalidArgument("CVSS v2 vector \"" + whole + "\": expected " +
                               std::string(defs[first].name) + " at position " +
                               std::to_string(i + 1));
      }
      return false;
    }
    for (size_t k = 0; k < count; ++k, ++i) {
      const MetricDef& def = defs[first + k];
      if (i >= pairs.size() || pairs[i].first != def.name) {
        return InvalidArgument("CVSS v2 vector \"" + whole + "\": incomplete metric group, expected " +
                               std::string(def.name));
      }
      if (!Allowed(def, pairs[i].second)) {
        return InvalidArgument("CVSS v2 vector \"" + whole + "\": invalid value \"" +
                               pairs[i].second + "\" for " + std::string(def.name));
      }
      out.metrics[pairs[i].first] = pairs[i].second;
    }
    return true;
  };
  ASSIGN_OR_RETURN(bool base_ok, take_group(0, 6, true));
  (void)base_ok;
  ASSIGN_OR_RETURN(out.has_temporal, take_group(6, 3, false));
  ASSIGN_OR_RETURN(out.has_environmental, take_group(9, 5, false));
  if (i != pairs.size()) {
    return InvalidArgument("CVSS v2 vector \"" + whole + "\": unexpected metric \"" +
                           pairs[i].first + "\"");
  }
  auto w = [&](std::string_view m) {
    auto it = out.metrics.find(std::string(m));
    return V2Weight(m, it == out.metrics.end() ? "ND" : std::string_view(it->second));
  };
  const double c = w("C"), in = w("I"), a = w("A");
  const double impact = 10.41 * (1 - (1 - c) * (1 - in) * (1 - a));
  const double exploitability = 20 * w("AV") * w("AC") * w("Au");
  out.base_score = V2Base(impact, exploitability);
  const double temporal_factor = w("E") * w("RL") * w("RC");
  out.temporal_score = Round1(out.base_score * temporal_factor);
  if (out.has_environmental) {
    const double adjusted_impact =
        std::min(10.0, 10.41 * (1 - (1 - c * w("CR")) * (1 - in * w("IR")) * (1 - a * w("AR"))));
    const double adjusted_base = V2Base(adjusted_impact, exploitability);
    const double adjusted_temporal = Round1(adjusted_base * temporal_factor);
    out.environmental_score =
        Round1((adjusted_temporal + (10 - adjusted_temporal) * w("CDP")) * w("TD"));
  } else {
    out.environmental_score = out.temporal_score;
  }
  out.score = out.has_environmental ? out.environmental_score
              : out.has_temporal    ? out.temporal_score
                                    : out.base_score;
  return out;
}

// ---------------------------------------------------------------- v3

namespace {

const std::vector<MetricDef>& V3Defs() {
  static const std::vector<MetricDef> defs = {
      {"AV", {"N", "A", "L", "P"}},       {"AC", {"L", "H"}},
      {"PR", {"N", "L", "H"}},            {"UI", {"N", "R"}},
      {"S", {"U", "C"}},                  {"C", {"H", "L", "N"}},
      {"I", {"H", "L", "N"}},             {"A", {"H", "L", "N"}},
      {"E", {"X", "H", "F", "P", "U"}},   {"RL", {"X", "U", "W", "T", "O"}},
      {"RC", {"X", "C", "R", "U"}},       {"CR", {"X", "H", "M", "L"}},
      {"IR", {"X", "H", "M", "L"}},       {"AR", {"X", "H", "M", "L"}},
      {"MAV", {"X", "N", "A", "L", "P"}}, {"MAC", {"X", "L", "H"}},
      {"MPR", {"X", "N", "L", "H"}},      {"MUI", {"X", "N", "R"}},
      {"MS", {"X", "U", "C"}},            {"MC", {"X", "H", "L", "N"}},
      {"MI", {"X", "H", "L", "N"}},       {"MA", {"X", "H", "L", "N"}},
  };
  return defs;
}

// CVSS v3.1 Roundup: the smallest number with one decimal that is >= x, computed on integers
// to avoid floating-point surprises (spec appendix A).
double RoundupV31(double x) {
  const int64_t scaled = static_cast<int64_t>(std::llround(x * 100000.0));
  if (scaled % 10000 == 0) return static_cast<double>(scaled) / 100000.0;
  return (std::floor(static_cast<double>(scaled) / 10000.0) + 1) / 10.0;
}
double RoundupV30(double x) { return std::ceil(x * 10.0) / 10.0; }

double V3Weight(std::string_view m, std::string_view v, bool scope_changed) {
  if (m == "AV") return v == "N" ? 0.85 : v == "A" ? 0.62 : v == "L" ? 0.55 : 0.2;
  if (m == "AC") return v == "L" ? 0.77 : 0.44;
  if (m == "PR") {
    if (v == "N") return 0.85;
    if (v == "L") return scope_changed ? 0.68 : 0.62;
    return scope_changed ? 0.5 : 0.27;
  }
  if (m == "UI") return v == "N" ? 0.85 : 0.62;
  if (m == "C" || m == "I" || m == "A") return v == "H" ? 0.56 : v == "L" ? 0.22 : 0;
  if (m == "E") return v == "F" ? 0.97 : v == "P" ? 0.94 : v == "U" ? 0.91 : 1;
  if (m == "RL") return v == "W" ? 0.97 : v == "T" ? 0.96 : v == "O" ? 0.95 : 1;
  if (m == "RC") return v == "R" ? 0.96 : v == "U" ? 0.92 : 1;
  // CR, IR, AR
  return v == "H" ? 1.5 : v == "L" ? 0.5 : 1;
}

}  // namespace

Result<Cvss> ParseCvssV3(std::string_view input) {
  const std::string_view vec = Trim(input);
  if (vec.size() > kMaxVectorLength) return InvalidArgument("CVSS vector too long");
  const std::string whole(vec);
  Cvss out;
  out.vector = whole;
  if (vec.substr(0, 9) == "CVSS:3.0/") {
    out.version = CvssVersion::kV30;
  } else if (vec.substr(0, 9) == "CVSS:3.1/") {
    out.version = CvssVersion::kV31;
  } else {
    return InvalidArgument("CVSS v3 vector \"" + whole + "\": must start with CVSS:3.0/ or CVSS:3.1/");
  }
  ASSIGN_OR_RETURN(auto pairs, SplitPairs(vec.substr(9), whole));
  const auto& defs = V3Defs();
  for (const auto& pair : pairs) {
    const std::string& name = pair.first;
    const std::string& value = pair.second;
    auto def = std::find_if(defs.begin(), defs.end(), [&](const MetricDef& d) { return d.name == name; });
    if (def == defs.end()) {
      return InvalidArgument("CVSS v3 vector \"" + whole + "\": unknown metric \"" + name + "\"");
    }
    if (!Allowed(*def, value)) {
      return InvalidArgument("CVSS v3 vector \"" + whole + "\": invalid value \"" + value +
                             "\" for " + name);
    }
    if (!out.metrics.emplace(name, value).second) {
      return InvalidArgument("CVSS v3 vector \"" + whole + "\": duplicate metric " + name);
    }
    const size_t idx = static_cast<size_t>(def - defs.begin());
    if (idx >= 8 && idx < 11) out.has_temporal = true;
    if (idx >= 11) out.has_environmental = true;
  }
  for (size_t k = 0; k < 8; ++k) {
    if (!out.metrics.count(std::string(defs[k].name))) {
      return InvalidArgument("CVSS v3 vector \"" + whole + "\": missing base metric " +
                             std::string(defs[k].name));
    }
  }
  const bool v30 = out.version == CvssVersion::kV30;
  auto roundup = [&](double x) { return v30 ? RoundupV30(x) : RoundupV31(x); };
  auto get = [&](const std::string& m) -> std::string {
    auto it = out.metrics.find(m);
    return it == out.metrics.end() ? "X" : it->second;
  };
  // Modified metric value, falling back to the base value when not defined.
  auto mod = [&](const std::string& m) {
    std::string v = get("M" + m);
    return v == "X" ? get(m) : v;
  };
  const bool changed = get("S") == "C";
  const double iss = 1 - (1 - V3Weight("C", get("C"), changed)) *
                             (1 - V3Weight("I", get("I"), changed)) *
                             (1 - V3Weight("A", get("A"), changed));
  const double impact =
      changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  const double exploitability = 8.22 * V3Weight("AV", get("AV"), changed) *
                                V3Weight("AC", get("AC"), changed) *
                                V3Weight("PR", get("PR"), changed) * V3Weight("UI", get("UI"), changed);
  if (impact <= 0) {
    out.base_score = 0;
  } else if (changed) {
    out.base_score = roundup(std::min(1.08 * (impact + exploitability), 10.0));
  } else {
    out.base_score = roundup(std::min(impact + exploitability, 10.0));
  }
  const double tf = V3Weight("E", get("E"), false) * V3Weight("RL", get("RL"), false) *
                    V3Weight("RC", get("RC"), false);
  out.temporal_score = roundup(out.base_score * tf);
  if (out.has_environmental) {
    const bool mchanged = mod("S") == "C";
    const double miss =
        std::min(1 - (1 - V3Weight("C", mod("C"), false) * V3Weight("CR", get("CR"), false)) *
                         (1 - V3Weight("I", mod("I"), false) * V3Weight("IR", get("IR"), false)) *
                         (1 - V3Weight("A", mod("A"), false) * V3Weight("AR", get("AR"), false)),
                 0.915);
    double mimpact;
    if (!mchanged) {
      mimpact = 6.42 * miss;
    } else if (v30) {
      mimpact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss - 0.02, 15);
    } else {
      mimpact = 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13);
    }
    const double mexpl = 8.22 * V3Weight("AV", mod("AV"), mchanged) *
                         V3Weight("AC", mod("AC"), mchanged) *
                         V3Weight("PR", mod("PR"), mchanged) * V3Weight("UI", mod("UI"), mchanged);
    if (mimpact <= 0) {
      out.environmental_score = 0;
    } else if (mchanged) {
      out.environmental_score = roundup(roundup(std::min(1.08 * (mimpact + mexpl), 10.0)) * tf);
    } else {
      out.environmental_score = roundup(roundup(std::min(mimpact + mexpl, 10.0)) * tf);
    }
  } else {
    out.environmental_score = out.temporal_score;
  }
  out.score = out.has_environmental ? out.environmental_score
              : out.has_temporal    ? out.temporal_score
                                    : out.base_score;
  return out;
}

// ---------------------------------------------------------------- v4

namespace {

// In specification order; the vector must list metrics in this order.
const std::vector<MetricDef>& V4Defs() {
  static const std::vector<MetricDef> defs = {
      {"AV", {"N", "A", "L", "P"}},  {"AC", {"L", "H"}},           {"AT", {"N", "P"}},
      {"PR", {"N", "L", "H"}},       {"UI", {"N", "P", "A"}},      {"VC", {"H", "L", "N"}},
      {"VI", {"H", "L", "N"}},       {"VA", {"H", "L", "N"}},      {"SC", {"H", "L", "N"}},
      {"SI", {"H", "L", "N"}},       {"SA", {"H", "L", "N"}},      {"E", {"X", "A", "P", "U"}},
      {"CR", {"X", "H", "M", "L"}},  {"IR", {"X", "H", "M", "L"}}, {"AR", {"X", "H", "M", "L"}},
      {"MAV", {"X", "N", "A", "L", "P"}}, {"MAC", {"X", "L", "H"}}, {"MAT", {"X", "N", "P"}},
      {"MPR", {"X", "N", "L", "H"}}, {"MUI", {"X", "N", "P", "A"}}, {"MVC", {"X", "H", "L", "N"}},
      {"MVI", {"X", "H", "L", "N"}}, {"MVA", {"X", "H", "L", "N"}}, {"MSC", {"X", "H", "L", "N"}},
      {"MSI", {"X", "S", "H", "L", "N"}}, {"MSA", {"X", "S", "H", "L", "N"}},
      {"S", {"X", "N", "P"}},        {"AU", {"X", "N", "Y"}},      {"R", {"X", "A", "U", "I"}},
      {"V", {"X", "D", "C"}},        {"RE", {"X", "L", "M", "H"}},
      {"U", {"X", "Clear", "Green", "Amber", "Red"}},
  };
  return defs;
}
constexpr size_t kV4BaseCount = 11;

// Severity distance of one metric value ("level"), per the reference calculator.
double V4Level(std::string_view m, std::string_view v) {
  if (m == "AV") return v == "N" ? 0.0 : v == "A" ? 0.1 : v == "L" ? 0.2 : 0.3;
  if (m == "PR") return v == "N" ? 0.0 : v == "L" ? 0.1 : 0.2;
  if (m == "UI") return v == "N" ? 0.0 : v == "P" ? 0.1 : 0.2;
  if (m == "AC") return v == "L" ? 0.0 : 0.1;
  if (m == "AT") return v == "N" ? 0.0 : 0.1;
  if (m == "VC" || m == "VI" || m == "VA") return v == "H" ? 0.0 : v == "L" ? 0.1 : 0.2;
  if (m == "SC" || m == "SI" || m == "SA") {
    return v == "S" ? 0.0 : v == "H" ? 0.1 : v == "L" ? 0.2 : 0.3;
  }
  // CR, IR, AR
  return v == "H" ? 0.0 : v == "M" ? 0.1 : 0.2;
}

// Value from a "AV:N/PR:N/UI:N/" style max-vector fragment.
std::string_view FragmentValue(std::string_view fragment, std::string_view metric) {
  size_t pos = 0;
  while (pos < fragment.size()) {
    const size_t slash = fragment.find('/', pos);
    const std::string_view part = fragment.substr(pos, slash - pos);
    const size_t colon = part.find(':');
    if (part.substr(0, colon) == metric) return part.substr(colon + 1);
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return {};
}

std::optional<double> LookupMacro(int e1, int e2, int e3, int e4, int e5, int e6) {
  if (e1 < 0 || e2 < 0 || e3 < 0 || e4 < 0 || e5 < 0 || e6 < 0) return std::nullopt;
  if (e1 > 9 || e2 > 9 || e3 > 9 || e4 > 9 || e5 > 9 || e6 > 9) return std::nullopt;
  char key[7] = {static_cast<char>('0' + e1), static_cast<char>('0' + e2),
                 static_cast<char>('0' + e3), static_cast<char>('0' + e4),
                 static_cast<char>('0' + e5), static_cast<char>('0' + e6), 0};
  return Cvss4MacroScore(key);
}

double V4Score(const std::map<std::string, std::string>& metrics, bool base_only) {
  // Effective value: threat/env defaults to worst case, modified metrics override base ones.
  auto m = [&](const std::string& name) -> std::string {
    auto get = [&](const std::string& k) -> std::string {
      auto it = metrics.find(k);
      return it == metrics.end() ? "X" : it->second;
    };
    const std::string v = get(name);
    if (base_only && (name == "E" || name == "CR" || name == "IR" || name == "AR")) {
      return name == "E" ? "A" : "H";
    }
    if (name == "E" && v == "X") return "A";
    if ((name == "CR" || name == "IR" || name == "AR") && v == "X") return "H";
    if (!base_only) {
      const std::string mv = get("M" + name);
      if (mv != "X") return mv;
    }
    return v;
  };
  const std::string av = m("AV"), pr = m("PR"), ui = m("UI"), ac = m("AC"), at = m("AT");
  const std::string vc = m("VC"), vi = m("VI"), va = m("VA"), sc = m("SC"), si = m("SI"),
                    sa = m("SA");
  if (vc == "N" && vi == "N" && va == "N" && sc == "N" && si == "N" && sa == "N") return 0.0;
  int eq1;
  if (av == "N" && pr == "N" && ui == "N") {
    eq1 = 0;
  } else if ((av == "N" || pr == "N" || ui == "N") && av != "P") {
    eq1 = 1;
  } else {
    eq1 = 2;
  }
  const int eq2 = (ac == "L" && at == "N") ? 0 : 1;
  int eq3;
  if (vc == "H" && vi == "H") {
    eq3 = 0;
  } else if (vc == "H" || vi == "H" || va == "H") {
    eq3 = 1;
  } else {
    eq3 = 2;
  }
  // MSI/MSA "S" (safety) only exists as a modified metric; m() already substituted it.
  int eq4;
  if (si == "S" || sa == "S") {
    eq4 = 0;
  } else if (sc == "H" || si == "H" || sa == "H") {
    eq4 = 1;
  } else {
    eq4 = 2;
  }
  const std::string e = m("E");
  const int eq5 = e == "A" ? 0 : e == "P" ? 1 : 2;
  const std::string cr = m("CR"), ir = m("IR"), ar = m("AR");
  const int eq6 = ((cr == "H" && vc == "H") || (ir == "H" && vi == "H") || (ar == "H" && va == "H")) ? 0 : 1;

  const std::optional<double> value_opt = LookupMacro(eq1, eq2, eq3, eq4, eq5, eq6);
  if (!value_opt) return 0.0;  // cannot happen for valid metrics; keep total
  double value = *value_opt;

  const auto next1 = LookupMacro(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  const auto next2 = LookupMacro(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  std::optional<double> next36;
  if (eq3 == 1 && eq6 == 1) {
    next36 = LookupMacro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  } else if (eq3 == 0 && eq6 == 1) {
    next36 = LookupMacro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  } else if (eq3 == 1 && eq6 == 0) {
    next36 = LookupMacro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  } else if (eq3 == 0 && eq6 == 0) {
    const auto left = LookupMacro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    const auto right = LookupMacro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    if (left && right) {
      next36 = *left > *right ? left : right;
    } else {
      next36 = left ? left : right;
    }
  } else {
    next36 = LookupMacro(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1);
  }
  const auto next4 = LookupMacro(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  const auto next5 = LookupMacro(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  // Find the first highest-severity vector of this macro vector that dominates ours.
  static const char* const kMetricsOrder[] = {"AV", "PR", "UI", "AC", "AT", "VC", "VI",
                                              "VA", "SC", "SI", "SA", "CR", "IR", "AR"};
  std::map<std::string, double> dist;
  const auto& m1 = Cvss4MaxComposedEq1(eq1);
  const auto& m2 = Cvss4MaxComposedEq2(eq2);
  const auto& m36 = Cvss4MaxComposedEq3Eq6(eq3, eq6);
  const auto& m4 = Cvss4MaxComposedEq4(eq4);
  std::vector<std::string> max_vectors;
  for (const auto& a : m1)
    for (const auto& b : m2)
      for (const auto& c : m36)
        for (const auto& d : m4)
          max_vectors.push_back(std::string(a) + std::string(b) + std::string(c) + std::string(d));
  // As in the reference calculator: the first dominating vector, else the last one tried.
  for (const std::string& max_vector : max_vectors) {
    bool negative = false;
    for (const char* met : kMetricsOrder) {
      const double dv = V4Level(met, m(met)) - V4Level(met, FragmentValue(max_vector, met));
      dist[met] = dv;
      if (dv < 0) negative = true;
    }
    if (!negative) break;
  }
  const double step = 0.1;
  const double csd1 = dist["AV"] + dist["PR"] + dist["UI"];
  const double csd2 = dist["AC"] + dist["AT"];
  const double csd36 = dist["VC"] + dist["VI"] + dist["VA"] + dist["CR"] + dist["IR"] + dist["AR"];
  const double csd4 = dist["SC"] + dist["SI"] + dist["SA"];
  const double ms1 = Cvss4MaxSeverityEq1(eq1) * step;
  const double ms2 = Cvss4MaxSeverityEq2(eq2) * step;
  const double ms36 = Cvss4MaxSeverityEq3Eq6(eq3, eq6) * step;
  const double ms4 = Cvss4MaxSeverityEq4(eq4) * step;
  int n = 0;
  double sum = 0;
  if (next1) { ++n; sum += (value - *next1) * (csd1 / ms1); }
  if (next2) { ++n; sum += (value - *next2) * (csd2 / ms2); }
  if (next36) { ++n; sum += (value - *next36) * (csd36 / ms36); }
  if (next4) { ++n; sum += (value - *next4) * (csd4 / ms4); }
  if (next5) { ++n; }  // eq5 has no intra-macro distance
  const double mean = n == 0 ? 0 : sum / n;
  value -= mean;
  value = std::clamp(value, 0.0, 10.0);
  return std::round(value * 10) / 10;
}

}  // namespace

Result<Cvss> ParseCvssV4(std::string_view input) {
  const std::string_view vec = Trim(input);
  if (vec.size() > kMaxVectorLength) return InvalidArgument("CVSS vector too long");
  const std::string whole(vec);
  if (vec.substr(0, 9) != "CVSS:4.0/") {
    return InvalidArgument("CVSS v4 vector \"" + whole + "\": must start with CVSS:4.0/");
  }
  ASSIGN_OR_RETURN(auto pairs, SplitPairs(vec.substr(9), whole));
  const auto& defs = V4Defs();
  Cvss out;
  out.version = CvssVersion::kV40;
  out.vector = whole;
  size_t next_def = 0;  // metrics must follow the specification order
  for (const auto& pair : pairs) {
    const std::string& name = pair.first;
    const std::string& value = pair.second;
    auto def = std::find_if(defs.begin(), defs.end(), [&](const MetricDef& d) { return d.name == name; });
    if (def == defs.end()) {
      return InvalidArgument("CVSS v4 vector \"" + whole + "\": unknown metric \"" + name + "\"");
    }
    const size_t idx = static_cast<size_t>(def - defs.begin());
    if (idx < next_def) {
      return InvalidArgument("CVSS v4 vector \"" + whole + "\": metric " + name +
                             (out.metrics.count(name) ? " repeated" : " out of order"));
    }
    if (idx >= kV4BaseCount && next_def < kV4BaseCount) {
      return InvalidArgument("CVSS v4 vector \"" + whole + "\": missing base metric " +
                             std::string(defs[next_def].name));
    }
    if (idx < kV4BaseCount && idx != next_def) {
      return InvalidArgument("CVSS v4 vector \"" + whole + "\": missing base metric " +
                             std::string(defs[next_def].name));
    }
    if (!Allowed(*def, value)) {
      return InvalidArgument("CVSS v4 vector \"" + whole + "\": invalid value \"" + value +
                             "\" for " + name);
    }
    out.metrics.emplace(name, value);
    next_def = idx + 1;
  }
  if (next_def < kV4BaseCount) {
    return InvalidArgument("CVSS v4 vector \"" + whole + "\": missing base metric " +
                           std::string(defs[next_def].name));
  }
  out.base_score = V4Score(out.metrics, /*base_only=*/true);
  out.score = V4Score(out.metrics, /*base_only=*/false);
  out.temporal_score = out.score;
  out.environmental_score = out.score;
  return out;
}

Result<Cvss> ParseCvss(std::string_view input) {
  const std::string_view vec = Trim(input);
  if (vec.substr(0, 9) == "CVSS:4.0/") return ParseCvssV4(vec);
  if (vec.substr(0, 7) == "CVSS:3.") return ParseCvssV3(vec);
  if (vec.substr(0, 5) == "CVSS:") {
    return InvalidArgument("CVSS vector \"" + std::string(vec.substr(0, 64)) +
                           "\": unsupported version");
  }
  return ParseCvssV2(vec);
}

}  // namespace surveyor::vulndb
