// CVSS vector parsing and score computation for v2.0, v3.0, v3.1 and v4.0.
// A vector is parsed strictly (known metrics, valid values, no duplicates, mandatory base metrics,
// v2 and v4 in their specified order) into a Cvss value; Score() gives the most specific score the
// vector defines (v2/v3: environmental > temporal > base; v4: the single CVSS-BTE score).
// Pure functions over value types; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor::vulndb {

enum class CvssVersion { kV2, kV30, kV31, kV40 };

// "2.0", "3.0", "3.1", "4.0".
std::string_view CvssVersionName(CvssVersion v);

struct Cvss {
  CvssVersion version = CvssVersion::kV31;
  std::string vector;                        // as given, trimmed
  std::map<std::string, std::string> metrics;  // metric abbreviation → value abbreviation
  double base_score = 0;      // v2/v3 base score; v4: the score of the base metrics alone
  double temporal_score = 0;  // v2/v3; equal to base when no temporal metric is given
  double environmental_score = 0;  // v2/v3; equal to temporal when none is given
  double score = 0;                // the most specific score (see above)
  bool has_temporal = false;
  bool has_environmental = false;
};

// Parses any supported version: "CVSS:4.0/…", "CVSS:3.1/…", "CVSS:3.0/…", or a bare v2 vector
// ("AV:N/AC:L/…", optionally wrapped as "(AV:N/…)"). InvalidArgument names the offending part.
Result<Cvss> ParseCvss(std::string_view vector);
Result<Cvss> ParseCvssV2(std::string_view vector);
Result<Cvss> ParseCvssV3(std::string_view vector);
Result<Cvss> ParseCvssV4(std::string_view vector);

}  // namespace surveyor::vulndb
