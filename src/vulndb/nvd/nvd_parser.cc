#include "vulndb/nvd/nvd_parser.h"

#include "vulndb/advisory.h"
#include "vulndb/cvss/cvss.h"
#include "vulndb/parse_util.h"

namespace surveyor::vulndb {

Status EmitNvdCve(const Json& cve, std::string_view name, RecordSink& sink) {
  const std::string id = StringField(cve, "id");
  if (!IsCveId(id)) {
    sink.OnSkip({id.empty() ? std::string(name) : id, "NVD entry without a CVE id", false});
    return Status::Ok();
  }
  Enrichment e;
  e.cve = id;
  if (const Json* descriptions = GetArray(cve, "descriptions")) {
    for (const Json& d : *descriptions) {
      if (StringField(d, "lang") == "en") {
        e.description = StringField(d, "value");
        break;
      }
    }
  }
  if (const Json* metrics = GetObject(cve, "metrics")) {
    for (const char* key : {"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"}) {
      const Json* list = GetArray(*metrics, key);
      if (list == nullptr) continue;
      for (const Json& m : *list) {
        const Json* data = GetObject(m, "cvssData");
        const std::string vector = data ? StringField(*data, "vectorString") : "";
        auto parsed = ParseCvss(vector);
        if (!parsed.ok()) {
          sink.OnSkip({id, "invalid CVSS vector \"" + vector.substr(0, 80) + "\"", true});
          continue;
        }
        std::string source = StringField(m, "source");
        // NVD's own assessments are "nvd"; others keep the CNA that made them.
        if (source.empty() || source == "nvd@nist.gov") source = "nvd";
        CvssEntry entry{source, std::string(CvssVersionName(parsed->version)), parsed->vector,
                        parsed->base_score};
        if (source != "nvd") entry.source = "nvd/" + source;
        e.cvss.push_back(std::move(entry));
      }
    }
  }
  return sink.OnEnrichment(std::move(e));
}

Status ParseNvd(std::string_view text, std::string_view name, RecordSink& sink) {
  std::optional<NvdPaging> paging;
  return ParseNvdPage(text, name, sink, paging);
}

Status ParseNvdPage(std::string_view text, std::string_view name, RecordSink& sink,
                    std::optional<NvdPaging>& paging) {
  paging.reset();
  auto parsed = ParseJson(text, 64);
  if (!parsed.ok()) {
    sink.OnSkip({std::string(name), parsed.status().message(), false});
    return Status::Ok();
  }
  const Json& doc = *parsed;
  if (const Json* vulns = GetArray(doc, "vulnerabilities")) {
    const auto start = GetInt(doc, "startIndex");
    const auto per_page = GetInt(doc, "resultsPerPage");
    const auto total = GetInt(doc, "totalResults");
    if (start && per_page && total) paging = NvdPaging{*start, *per_page, *total};
    for (const Json& v : *vulns) {
      const Json* cve = GetObject(v, "cve");
      if (cve == nullptr) {
        sink.OnSkip({std::string(name), "NVD vulnerability without a cve object", false});
        continue;
      }
      RETURN_IF_ERROR(EmitNvdCve(*cve, name, sink));
    }
    return Status::Ok();
  }
  if (doc.is_object() && doc.contains("id")) return EmitNvdCve(doc, name, sink);
  sink.OnSkip({std::string(name), "not an NVD CVE API 2.0 document", false});
  return Status::Ok();
}

}  // namespace surveyor::vulndb
