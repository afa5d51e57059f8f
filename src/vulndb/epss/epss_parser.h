// EPSS CSV importer parser: an optional "#model_version:…,score_date:…" comment line, the header
// "cve,epss,percentile", then one row per CVE → Enrichment (score, percentile, date). EpssStream
// takes the text in chunks of any size and keeps one line at most (kMaxLine bytes; longer lines
// are skipped), so the daily file (or its .csv.gz, decompressed by the importer) is streamed.
// A wrong header fails the document. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "vulndb/feed.h"
#include "vulndb/json_stream.h"

namespace surveyor::vulndb {

Status ParseEpss(std::string_view text, std::string_view name, RecordSink& sink);

class EpssStream final : public StreamParser {
 public:
  static constexpr size_t kMaxLine = 4096;
  EpssStream(std::string name, RecordSink& sink) : name_(std::move(name)), sink_(sink) {}
  Status Feed(std::string_view chunk) override;
  Status Finish() override;

 private:
  Status Line(std::string_view line);

  std::string name_;
  RecordSink& sink_;
  std::string partial_;    // the line being read
  bool overlong_ = false;  // the line being read is over kMaxLine: dropped
  bool header_seen_ = false;
  bool failed_ = false;    // wrong header: the rest of the document is ignored
  std::string date_;
  size_t line_no_ = 0;
};

}  // namespace surveyor::vulndb
