#include "vulndb/kev/kev_parser.h"

#include "vulndb/advisory.h"
#include "vulndb/parse_util.h"

namespace surveyor::vulndb {

Status ParseKev(std::string_view text, std::string_view name, RecordSink& sink) {
  auto parsed = ParseJson(text, 16);
  if (!parsed.ok()) {
    sink.OnSkip({std::string(name), parsed.status().message(), false});
    return Status::Ok();
  }
  const Json* vulns = GetArray(*parsed, "vulnerabilities");
  if (vulns == nullptr) {
    sink.OnSkip({std::string(name), "KEV catalog without a vulnerabilities list", false});
    return Status::Ok();
  }
  for (const Json& v : *vulns) {
    const std::string cve = StringField(v, "cveID");
    const std::string added = StringField(v, "dateAdded");
    if (!IsCveId(cve)) {
      sink.OnSkip({cve.empty() ? std::string(name) : cve.substr(0, 40), "KEV entry without a valid cveID", false});
      continue;
    }
    Enrichment e;
    e.cve = cve;
    e.kev = true;
    e.kev_date_added = added;
    RETURN_IF_ERROR(sink.OnEnrichment(std::move(e)));
  }
  return Status::Ok();
}

}  // namespace surveyor::vulndb
