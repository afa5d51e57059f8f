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

Status EpssStream::Line(std::string_view line) {
  ++line_no_;
  if (failed_) return Status::Ok();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return Status::Ok();
  if (line[0] == '#') {
    if (const size_t at = line.find("score_date:"); at != std::string_view::npos) {
      std::string_view d = line.substr(at + 11);
      d = d.substr(0, d.find(','));
      date_ = std::string(d.substr(0, 10));
    }
    return Status::Ok();
  }
  if (!header_seen_) {
    if (line != "cve,epss,percentile") {
      sink_.OnSkip({name_, "EPSS header is not \"cve,epss,percentile\"", false});
      failed_ = true;
      return Status::Ok();
    }
    header_seen_ = true;
    return Status::Ok();
  }
  const size_t c1 = line.find(',');
  const size_t c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
  if (c2 == std::string_view::npos) {
    sink_.OnSkip({name_ + ":" + std::to_string(line_no_), "malformed EPSS row", false});
    return Status::Ok();
  }
  const std::string cve(line.substr(0, c1));
  double score = 0, percentile = 0;
  if (!IsCveId(cve) || !ParseProbability(line.substr(c1 + 1, c2 - c1 - 1), score) ||
      !ParseProbability(line.substr(c2 + 1), percentile)) {
    sink_.OnSkip({cve.empty() ? name_ + ":" + std::to_string(line_no_) : cve.substr(0, 40),
                  "malformed EPSS row", false});
    return Status::Ok();
  }
  Enrichment e;
  e.cve = cve;
  e.epss_score = score;
  e.epss_percentile = percentile;
  e.epss_date = date_;
  return sink_.OnEnrichment(std::move(e));
}

Status EpssStream::Feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const size_t nl = chunk.find('\n');
    const std::string_view piece = chunk.substr(0, nl);
    if (!overlong_) {
      if (partial_.size() + piece.size() > kMaxLine) {
        overlong_ = true;
        partial_.clear();
      } else if (nl != std::string_view::npos && partial_.empty()) {
        // The common case: a whole line inside the chunk, no copy.
        RETURN_IF_ERROR(Line(piece));
        chunk.remove_prefix(nl + 1);
        continue;
      } else {
        partial_.append(piece);
      }
    }
    if (nl == std::string_view::npos) break;
    if (overlong_) {
      ++line_no_;
      sink_.OnSkip({name_ + ":" + std::to_string(line_no_), "EPSS line longer than 4096 bytes", false});
      overlong_ = false;
    } else {
      RETURN_IF_ERROR(Line(partial_));
    }
    partial_.clear();
    chunk.remove_prefix(nl + 1);
  }
  return Status::Ok();
}

Status EpssStream::Finish() {
  if (overlong_) {
    ++line_no_;
    sink_.OnSkip({name_ + ":" + std::to_string(line_no_), "EPSS line longer than 4096 bytes", false});
    overlong_ = false;
  } else if (!partial_.empty()) {
    RETURN_IF_ERROR(Line(partial_));
  }
  partial_.clear();
  if (!header_seen_ && !failed_) sink_.OnSkip({name_, "EPSS document without a header", false});
  return Status::Ok();
}

Status ParseEpss(std::string_view text, std::string_view name, RecordSink& sink) {
  EpssStream stream(std::string(name), sink);
  RETURN_IF_ERROR(stream.Feed(text));
  return stream.Finish();
}

}  // namespace surveyor::vulndb
