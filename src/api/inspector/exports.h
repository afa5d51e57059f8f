// Inspector2 findings reports (CreateFindingsReport, CSV or JSON) and SBOM exports
// (CreateSbomExport, CycloneDX or SPDX per image), written under a local export directory in
// place of S3: <export_dir>/<bucketName>/<keyPrefix>/<reportId>.{json,csv} and
// <export_dir>/<bucketName>/<keyPrefix>/SBOM_EXPORT_<reportId>/<repository>/<hex>.json.
// One worker thread runs the queued jobs (at most kMaxQueuedExports waiting); each report's state
// is kept in registry_settings ("inspector.report.<id>") so Get* answers after a restart too.
// Also: the registry's resources as coverage rows (ListCoverage, SBOM selection). Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api/aws/protocol.h"
#include "api/inspector/requests.h"
#include "common/clock.h"
#include "findings/query.h"
#include "scan/service.h"
#include "store/sqlite.h"

namespace surveyor::api::inspector {

inline constexpr size_t kMaxQueuedExports = 16;

// Every repository and image of the registry as ListCoverage rows, repositories by name, each
// followed by its images in push order. `scanner` may be null (scanning disabled).
Result<std::vector<CoverageRecord>> CollectCoverage(store::Database& db, scan::Service* scanner,
                                                    const aws::AwsContext& context);

enum class ExportKind { kFindingsReport, kSbom };

struct ExportRequest {
  ExportKind kind = ExportKind::kFindingsReport;
  std::string format;  // CSV | JSON | CYCLONEDX_1_4 | SPDX_2_3
  Destination destination;
  Json criteria = Json::object();  // FilterCriteria (validated) or ResourceFilterCriteria
};

class ExportRunner {
 public:
  ExportRunner(store::Database& db, scan::Service* scanner, std::string export_dir,
               aws::AwsContext context, const Clock& clock);
  ~ExportRunner();
  ExportRunner(const ExportRunner&) = delete;
  ExportRunner& operator=(const ExportRunner&) = delete;

  // Queues a job; its id (a UUID). ThrottlingException (ResourceExhausted) when the queue is full.
  Result<std::string> Submit(ExportRequest request);
  // The stored state: {reportId, kind, status, format, destination, filterCriteria, errorCode?,
  // errorMessage?}. `id` empty: the latest findings report. ResourceNotFoundException if unknown.
  Result<Json> Get(ExportKind kind, const std::string& id);
  Status Cancel(ExportKind kind, const std::string& id);
  // Blocks until the queue is empty and no job runs (tests, benchmarks).
  void WaitIdle();

 private:
  void Loop();
  Status Run(const std::string& id, const ExportRequest& request, Json& state);
  Status WriteFindingsReport(const std::string& id, const ExportRequest& request, Json& state);
  Status WriteSboms(const std::string& id, const ExportRequest& request, Json& state);
  Status SaveState(const std::string& id, const Json& state);
  bool Cancelled(const std::string& id);

  store::Database& db_;
  scan::Service* scanner_;
  std::string export_dir_;
  aws::AwsContext context_;
  const Clock& clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<std::string, ExportRequest>> queue_;
  std::set<std::string> live_;       // queued or running
  std::set<std::string> cancelled_;  // asked to stop
  bool running_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace surveyor::api::inspector
