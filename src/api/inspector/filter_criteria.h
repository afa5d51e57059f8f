// Inspector2 FilterCriteria (SPEC §7.2, §7.6, appendix C): structural validation of the
// filterCriteria member of CreateFilter/UpdateFilter/ListFindings. Every field of the newest
// model is known with its filter shape; each list holds 1–10 filters; StringFilter comparisons
// are EQUALS|PREFIX|NOT_EQUALS with 1–1024 character values. Errors are ValidationException
// (domain code) whose message names the field as AWS does
// ("filterCriteria.severity.1.member.comparison"). Pure; thread-safe.
#pragma once

#include <string>

#include "common/json.h"
#include "common/status.h"

namespace surveyor::api::inspector {

// `criteria` is the value of the member named `field` ("filterCriteria").
Status ValidateFilterCriteria(const Json& criteria, const std::string& field);

}  // namespace surveyor::api::inspector
