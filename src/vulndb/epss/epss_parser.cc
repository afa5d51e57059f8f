#include "vulndb/epss/epss_parser.h"

#include <cstdlib>
#include <string>

#include "vulndb/advisory.h"

namespace surveyor::vulndb {
namespace {

bool ParseProbability(std::string_view s, double& out) {
  if (s.empty() || s.size() > 32) return false;
  const std::string tmp(s);
  char* end = nullptr;
  out = std::strtod(tmp.c_str(), &end);
  return end == tmp.c_str() + tmp.size() && out >= 0 && out <= 1;
}

}  // namespace

Status ParseEpss(std::string_view text, std::string_view name, RecordSink& sink) {
  std::string date;
  bool header_seen = false;
  size_t pos = 0;
  size_t line_no = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (const size_t at = line.find("score_date:"); at != std::string_view::npos) {
        std::string_view d = line.substr(at + 11);
        d = d.substr(0, d.find(','));
        date = std::string(d.substr(0, 10));
      }
      continue;
    }
    if (!header_seen) {
      if (line != "cve,epss,percentile") {
        sink.OnSkip({std::string(name), "EPSS header is not \"cve,epss,percentile\"", false});
        return Status::Ok();
      }
      header_seen = true;
      continue;
    }
    const size_t c1 = line.find(',');
    const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
    if (c2 == std::string_view::npos) {
      sink.OnSkip({std::string(name) + ":" + std::to_string(line_no), "malformed EPSS row", false});
      continue;
    }
    const std::string cve(line.substr(0, c1));
    Enrichment e;
    double score = 0, percentile = 0;
    if (!IsCveId(cve) || !ParseProbability(line.substr(c1 + 1, c2 - c1 - 1), score) ||
        !ParseProbability(line.substr(c2 + 1), percentile)) {
      sink.OnSkip({cve.empty() ? std::string(name) + ":" + std::to_string(line_no) : cve.substr(0, 40),
                   "malformed EPSS row", false});
      continue;
    }
    e.cve = cve;
    e.epss_score = score;
    e.epss_percentile = percentile;
    e.epss_date = date;
    RETURN_IF_ERROR(sink.OnEnrichment(std::move(e)));
  }
  if (!header_seen) sink.OnSkip({std::string(name), "EPSS document without a header", false});
  return Status::Ok();
}

}  // namespace surveyor::vulndb
