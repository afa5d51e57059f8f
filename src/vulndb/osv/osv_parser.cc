#include "vulndb/osv/osv_parser.h"

#include <cctype>

#include "vulndb/osv/osv_simdjson.h"
#include "vulndb/parse_util.h"
#include "vulndb/yaml_adapter.h"

namespace surveyor::vulndb {

std::string CvssSourceForId(std::string_view id) {
  const size_t dash = id.find('-');
  std::string prefix(id.substr(0, dash == std::string_view::npos ? 0 : dash));
  for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return prefix.empty() ? "osv" : prefix;
}

namespace {

// Clears what only our own storage writes, then normalises and emits.
Status EmitParsed(Advisory a, RecordSink& sink) {
  a.canonical_id.clear();
  a.cvss.clear();
  a.vendor_severity.clear();
  a.epss_score.reset();
  a.epss_percentile.reset();
  a.kev = false;
  a.kev_date_added.clear();
  a.provenance = Json();
  const std::string source = CvssSourceForId(a.id);
  return EmitAdvisory(std::move(a), "", source, sink);
}

}  // namespace

Status EmitOsvRecord(const Json& record, std::string_view name, RecordSink& sink) {
  auto parsed = FromJson(record);
  if (!parsed.ok()) {
    std::string id = StringField(record, "id");
    sink.OnSkip({id.empty() ? std::string(name) : id, parsed.status().message(), false});
    return Status::Ok();
  }
  return EmitParsed(std::move(parsed).value(), sink);
}

namespace {

Status EmitJsonDocument(const Json& doc, std::string_view name, RecordSink& sink) {
  if (doc.is_array()) {
    for (const Json& record : doc) RETURN_IF_ERROR(EmitOsvRecord(record, name, sink));
    return Status::Ok();
  }
  return EmitOsvRecord(doc, name, sink);
}

}  // namespace

Status ParseOsvJson(std::string_view text, std::string_view name, RecordSink& sink) {
  Status doc = ReadOsvJsonRecords(text, [&](Result<Advisory> record, std::string_view id) -> Status {
    if (!record.ok()) {
      sink.OnSkip({id.empty() ? std::string(name) : std::string(id), record.status().message(), false});
      return Status::Ok();
    }
    return EmitParsed(std::move(record).value(), sink);
  });
  if (!doc.ok() && doc.code() == StatusCode::kInvalidArgument) {
    sink.OnSkip({std::string(name), doc.message(), false});
    return Status::Ok();
  }
  return doc;
}

Status ParseOsvYaml(std::string_view text, std::string_view name, RecordSink& sink) {
  auto doc = ParseYamlAsJson(text);
  if (!doc.ok()) {
    sink.OnSkip({std::string(name), doc.status().message(), false});
    return Status::Ok();
  }
  return EmitJsonDocument(*doc, name, sink);
}

}  // namespace surveyor::vulndb
