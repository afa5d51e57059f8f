// Data tables of the CVSS v4.0 scoring method (FIRST specification, section 8): the score of each
// MacroVector (EQ1..EQ6 digits), the highest-severity vectors of each EQ level, and the depth
// ("max severity") of each EQ level. Immutable static data; thread-safe.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace surveyor::vulndb {

// Score of a MacroVector given as six digits ("000000"); nullopt when it does not exist.
std::optional<double> Cvss4MacroScore(std::string_view macro);

// Highest-severity vector fragments ("AV:N/PR:N/UI:N/") per EQ level.
const std::vector<std::string_view>& Cvss4MaxComposedEq1(int level);
const std::vector<std::string_view>& Cvss4MaxComposedEq2(int level);
const std::vector<std::string_view>& Cvss4MaxComposedEq3Eq6(int eq3, int eq6);
const std::vector<std::string_view>& Cvss4MaxComposedEq4(int level);

// Depth of each EQ level, in steps of 0.1.
double Cvss4MaxSeverityEq1(int level);
double Cvss4MaxSeverityEq2(int level);
double Cvss4MaxSeverityEq3Eq6(int eq3, int eq6);
double Cvss4MaxSeverityEq4(int level);

}  // namespace surveyor::vulndb
