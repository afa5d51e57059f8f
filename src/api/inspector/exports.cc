#include "api/inspector/exports.h"

#include <openssl/rand.h>

#include "common/fs.h"
#include "findings/finding.h"
#include "registry/repository_settings.h"
#include "registry/scanning_config.h"
#include "report/sbom.h"
#include "scan/inventory_codec.h"

namespace surveyor::api::inspector {
namespace {

constexpr char kStatePrefix[] = "inspector.report.";
constexpr char kLatestFindingsReport[] = "inspector.report.latest";

std::string NewUuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

const char* KindName(ExportKind k) { return k == ExportKind::kSbom ? "sbom" : "findings"; }

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Str(const Json& j) {
  if (j.is_null()) return "";
  if (j.is_string()) return j.get<std::string>();
  return DumpJson(j);
}

std::string Time(const Json& j) {
  if (!j.is_number()) return "";
  return FormatRfc3339(FromEpochSeconds(j.get<double>()));
}

const char* kCsvHeader =
    "AWS Account Id,Severity,Status,Fix Available,Exploit Available,Finding Type,Title,"
    "Description,Finding ARN,First Seen,Last Seen,Last Updated,Resource ID,Repository,"
    "Image Digest,Container Image Tags,Region,Platform,Affected Packages,"
    "Package Installed Version,Fixed in Version,File Path,Remediation,Inspector Score,"
    "Vulnerability Id,Vendor,Vendor Severity,EPSS Score\n";

std::string CsvRow(const Json& f) {
  const Json& resource = f.contains("resources") && f["resources"].is_array() && !f["resources"].empty()
                             ? f["resources"][0]
                             : Json::object();
  const Json image = resource.contains("details")
                         ? resource["details"].value("awsEcrContainerImage", Json::object())
                         : Json::object();
  const Json details = f.value("packageVulnerabilityDetails", Json::object());
  std::string names, versions, fixed, paths;
  for (const Json& p : details.value("vulnerablePackages", Json::array())) {
    auto add = [](std::string& into, const std::string& v) { into += (into.empty() ? "" : "; ") + v; };
    add(names, Str(p.value("name", Json())));
    std::string version = Str(p.value("version", Json()));
    if (p.contains("release")) version += "-" + Str(p["release"]);
    add(versions, version);
    add(fixed, Str(p.value("fixedInVersion", Json())));
    add(paths, Str(p.value("filePath", Json())));
  }
  std::string tags;
  for (const Json& t : image.value("imageTags", Json::array())) tags += (tags.empty() ? "" : "; ") + Str(t);
  const Json remediation = f.value("remediation", Json::object()).value("recommendation", Json::object());
  const std::vector<std::string> cells = {
      Str(f.value("awsAccountId", Json())), Str(f.value("severity", Json())),
      Str(f.value("status", Json())), Str(f.value("fixAvailable", Json())),
      Str(f.value("exploitAvailable", Json())), Str(f.value("type", Json())),
      Str(f.value("title", Json())), Str(f.value("description", Json())),
      Str(f.value("findingArn", Json())), Time(f.value("firstObservedAt", Json())),
      Time(f.value("lastObservedAt", Json())), Time(f.value("updatedAt", Json())),
      Str(resource.value("id", Json())), Str(image.value("repositoryName", Json())),
      Str(image.value("imageHash", Json())), tags, Str(resource.value("region", Json())),
      Str(image.value("platform", Json())), names, versions, fixed, paths,
      Str(remediation.value("text", Json())), Str(f.value("inspectorScore", Json())),
      Str(details.value("vulnerabilityId", Json())), Str(details.value("source", Json())),
      Str(details.value("vendorSeverity", Json())),
      Str(f.value("epss", Json::object()).value("score", Json()))};
  std::string row;
  for (size_t i = 0; i < cells.size(); ++i) row += (i ? "," : "") + CsvField(cells[i]);
  return row + "\n";
}

std::string ImageReason(const std::string& status, bool& active) {
  active = true;
  if (status == "COMPLETE" || status == "ACTIVE") return "SUCCESSFUL";
  if (status == "PENDING") return "PENDING_INITIAL_SCAN";
  if (status == "IN_PROGRESS") return "SCAN_IN_PROGRESS";
  active = false;
  if (status == "UNSUPPORTED_IMAGE") return "UNSUPPORTED_MEDIA_TYPE";
  if (status == "SCAN_ELIGIBILITY_EXPIRED") return "SCAN_ELIGIBILITY_EXPIRED";
  return "INTERNAL_ERROR";  // FAILED and anything unforeseen
}

}  // namespace

Result<std::vector<CoverageRecord>> CollectCoverage(store::Database& db, scan::Service* scanner,
                                                    const aws::AwsContext& context) {
  // Surveyor's default when the registry scanning configuration was never set: ENHANCED,
  // continuous, every repository (as the scan service decides).
  registry::ScanningConfiguration config;
  ASSIGN_OR_RETURN(auto stored, registry::GetRegistrySetting(db, "scanning_configuration"));
  if (stored) {
    ASSIGN_OR_RETURN(config, registry::LoadScanningConfiguration(db));
  } else {
    config.scan_type = "ENHANCED";
  }
  ASSIGN_OR_RETURN(auto repos, registry::ListRepositories(db));
  std::sort(repos.begin(), repos.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<CoverageRecord> out;
  for (const auto& repo : repos) {
    const auto eff = registry::EffectiveScanningFor(config, repo.name, repo.settings.scan_on_push);
    CoverageRecord r;
    r.resource_type = "AWS_ECR_REPOSITORY";
    r.resource_id = context.RepositoryArn(repo.name);
    r.account_id = context.account_id;
    r.repository = repo.name;
    r.scan_frequency = eff.scan_frequency;
    if (!scanner || eff.scan_frequency.empty()) {
      r.status_code = "INACTIVE";
      r.reason = "NO_SCAN_CONFIGURATION_ASSOCIATED";
    } else if (eff.scan_frequency == "MANUAL") {
      r.status_code = "INACTIVE";
      r.reason = "SCAN_FREQUENCY_MANUAL";
    } else {
      r.status_code = "ACTIVE";
      r.reason = "SUCCESSFUL";
    }
    out.push_back(r);
    ASSIGN_OR_RETURN(auto images, registry::ListImageRecords(db, repo.id));
    for (const auto& img : images) {
      CoverageRecord i;
      i.resource_type = "AWS_ECR_CONTAINER_IMAGE";
      findings::ImageContext ctx;
      ctx.account_id = context.account_id;
      ctx.region = context.region;
      ctx.repository = repo.name;
      ctx.digest = img.digest;
      i.resource_id = findings::ImageResourceId(ctx);
      i.account_id = context.account_id;
      i.repository = repo.name;
      i.tags = img.tags;
      i.pushed_at = aws::EpochSeconds(img.pushed_at_ms);
      std::optional<scan::ScanStatus> status;
      if (scanner) {
        auto s = scanner->GetStatus(repo.name, img.digest);
        if (s.ok()) status = *s;
        else if (s.status().code() != StatusCode::kNotFound) return s.status();
      }
      if (status) {
        bool active = false;
        i.reason = ImageReason(status->status, active);
        i.status_code = active ? "ACTIVE" : "INACTIVE";
        if (status->completed_at != TimePoint{}) i.last_scanned_at = ToEpochSeconds(status->completed_at);
      } else if (r.status_code == "INACTIVE") {
        i.status_code = "INACTIVE";
        i.reason = r.reason;
      } else if (img.media_type == "application/vnd.oci.image.index.v1+json" ||
                 img.media_type == "application/vnd.docker.distribution.manifest.list.v2+json") {
        i.status_code = "INACTIVE";
        i.reason = "UNSUPPORTED_MEDIA_TYPE";
      } else {
        i.status_code = "ACTIVE";
        i.reason = "PENDING_INITIAL_SCAN";
      }
      out.push_back(std::move(i));
    }
  }
  return out;
}

ExportRunner::ExportRunner(store::Database& db, scan::Service* scanner, std::string export_dir,
                           aws::AwsContext context, const Clock& clock)
    : db_(db), scanner_(scanner), export_dir_(std::move(export_dir)), context_(std::move(context)),
      clock_(clock) {
  worker_ = std::thread([this] { Loop(); });
}

ExportRunner::~ExportRunner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

Status ExportRunner::SaveState(const std::string& id, const Json& state) {
  return registry::PutRegistrySetting(db_, kStatePrefix + id, DumpJson(state));
}

Result<std::string> ExportRunner::Submit(ExportRequest request) {
  if (export_dir_.empty()) {
    return FailedPrecondition("exports are turned off on this server (inspector.export_dir is empty)",
                              "AccessDeniedException");
  }
  const std::string id = NewUuid();
  Json state{{"reportId", id},
             {"kind", KindName(request.kind)},
             {"status", "IN_PROGRESS"},
             {"format", request.format},
             {"destination", request.destination.ToJson()},
             {"filterCriteria", request.criteria},
             {"createdAt", ToEpochSeconds(clock_.Now())}};
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= kMaxQueuedExports) {
      return Status(StatusCode::kResourceExhausted,
                    "too many reports waiting (at most " + std::to_string(kMaxQueuedExports) +
                        "); try again when some have finished",
                    "ThrottlingException");
    }
    RETURN_IF_ERROR(SaveState(id, state));
    if (request.kind == ExportKind::kFindingsReport) {
      RETURN_IF_ERROR(registry::PutRegistrySetting(db_, kLatestFindingsReport, id));
    }
    live_.insert(id);
    queue_.emplace_back(id, std::move(request));
  }
  cv_.notify_all();
  return id;
}

Result<Json> ExportRunner::Get(ExportKind kind, const std::string& given_id) {
  std::string id = given_id;
  if (id.empty()) {
    ASSIGN_OR_RETURN(auto latest, registry::GetRegistrySetting(db_, kLatestFindingsReport));
    if (!latest) return NotFound("no findings report has been created", "ResourceNotFoundException");
    id = *latest;
  }
  // Under mu_: the worker records a job's final state and forgets it under the same lock, so an
  // IN_PROGRESS state that is not live really was left by a previous process.
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(auto text, registry::GetRegistrySetting(db_, kStatePrefix + id));
  if (!text) return NotFound("report " + id + " does not exist", "ResourceNotFoundException");
  ASSIGN_OR_RETURN(Json state, ParseJson(*text));
  if (GetString(state, "kind").value_or("") != KindName(kind)) {
    return NotFound("report " + id + " does not exist", "ResourceNotFoundException");
  }
  const bool live = live_.contains(id);
  if (state["status"] == "IN_PROGRESS" && !live) {
    // Queued or running when a previous process stopped: it will not finish.
    state["status"] = "FAILED";
    state["errorCode"] = "INTERNAL_ERROR";
    state["errorMessage"] = "the server stopped before the report was written";
    RETURN_IF_ERROR(SaveState(id, state));
  }
  return state;
}

Status ExportRunner::Cancel(ExportKind kind, const std::string& id) {
  ASSIGN_OR_RETURN(Json state, Get(kind, id));
  if (state["status"] != "IN_PROGRESS") {
    return InvalidArgument("report " + id + " is already " + state["status"].get<std::string>(),
                           "ValidationException");
  }
  std::lock_guard lock(mu_);
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (it->first == id) {
      queue_.erase(it);
      live_.erase(id);
      state["status"] = "CANCELLED";
      return SaveState(id, state);
    }
  }
  if (live_.contains(id)) cancelled_.insert(id);  // running: stopped at its next page
  return Status::Ok();
}

bool ExportRunner::Cancelled(const std::string& id) {
  std::lock_guard lock(mu_);
  return stopping_ || cancelled_.contains(id);
}

void ExportRunner::WaitIdle() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return queue_.empty() && !running_; });
}

void ExportRunner::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    auto [id, request] = std::move(queue_.front());
    queue_.pop_front();
    running_ = true;
    lock.unlock();
    auto text = registry::GetRegistrySetting(db_, kStatePrefix + id);
    Json state = text.ok() && *text ? ParseJson(**text).value_or(Json::object()) : Json::object();
    Status s = Run(id, request, state);
    lock.lock();
    const bool cancelled = cancelled_.erase(id) > 0;
    if (cancelled) {
      state["status"] = "CANCELLED";
    } else if (!s.ok()) {
      state["status"] = "FAILED";
      if (!state.contains("errorCode")) state["errorCode"] = "INTERNAL_ERROR";
      state["errorMessage"] = s.message();
    } else {
      state["status"] = "SUCCEEDED";
    }
    state["completedAt"] = ToEpochSeconds(clock_.Now());
    (void)SaveState(id, state);
    live_.erase(id);
    running_ = false;
    cv_.notify_all();
  }
}

Status ExportRunner::Run(const std::string& id, const ExportRequest& request, Json& state) {
  return request.kind == ExportKind::kSbom ? WriteSboms(id, request, state)
                                           : WriteFindingsReport(id, request, state);
}

Status ExportRunner::WriteFindingsReport(const std::string& id, const ExportRequest& request,
                                         Json& state) {
  FileSystem& fs = PosixFileSystem::Default();
  const std::string dir = JoinPath(export_dir_, request.destination.RelativeDir());
  RETURN_IF_ERROR(fs.MakeDirs(dir));
  const bool csv = request.format == "CSV";
  const std::string name = id + (csv ? ".csv" : ".json");
  const std::string tmp = JoinPath(dir, "." + name + ".partial");
  ASSIGN_OR_RETURN(auto file, fs.OpenWritable(tmp, false));
  ASSIGN_OR_RETURN(auto criteria, findings::ParseFilterCriteria(request.criteria));
  RETURN_IF_ERROR(file->Append(csv ? kCsvHeader : "{\"findings\":["));
  std::string token;
  size_t count = 0;
  for (;;) {
    if (Cancelled(id)) {
      (void)file->Close();
      (void)fs.Remove(tmp);
      return Status::Ok();  // recorded as CANCELLED
    }
    ASSIGN_OR_RETURN(auto page, findings::ListFindings(db_, criteria, {}, 100, token));
    std::string chunk;
    for (const Json& f : page.findings) {
      if (csv) chunk += CsvRow(f);
      else chunk += (count ? "," : "") + DumpJson(f);
      ++count;
    }
    RETURN_IF_ERROR(file->Append(chunk));
    if (!page.next_token) break;
    token = *page.next_token;
  }
  if (!csv) RETURN_IF_ERROR(file->Append("]}\n"));
  RETURN_IF_ERROR(file->Sync());
  RETURN_IF_ERROR(file->Close());
  state["findings"] = count;
  if (count == 0) {
    (void)fs.Remove(tmp);
    state["errorCode"] = "NO_FINDINGS_FOUND";
    return NotFound("no findings match the report's filter criteria");
  }
  RETURN_IF_ERROR(fs.Rename(tmp, JoinPath(dir, name)));
  state["path"] = JoinPath(request.destination.RelativeDir(), name);
  return Status::Ok();
}

Status ExportRunner::WriteSboms(const std::string& id, const ExportRequest& request, Json& state) {
  FileSystem& fs = PosixFileSystem::Default();
  const std::string rel = JoinPath(request.destination.RelativeDir(), "SBOM_EXPORT_" + id);
  const std::string dir = JoinPath(export_dir_, rel);
  ASSIGN_OR_RETURN(auto resources, CollectCoverage(db_, scanner_, context_));
  const report::SbomFormat format =
      request.format == "SPDX_2_3" ? report::SbomFormat::kSpdx : report::SbomFormat::kCycloneDx;
  size_t written = 0;
  for (const auto& r : resources) {
    if (r.resource_type != "AWS_ECR_CONTAINER_IMAGE" || !ResourceMatches(request.criteria, r)) continue;
    if (Cancelled(id)) return Status::Ok();  // recorded as CANCELLED
    const std::string digest = r.resource_id.substr(r.resource_id.rfind('/') + 1);
    std::string inventory_text;
    {
      // The scan service's stored inventory: an SBOM needs no re-analysis.
      auto lock = db_.Lock();
      ASSIGN_OR_RETURN(auto stmt, db_.Prepare("SELECT inventory FROM scan_images WHERE repository "
                                              "= ? AND digest = ? AND inventory IS NOT NULL"));
      stmt.Bind(1, r.repository).Bind(2, digest);
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) continue;  // not analysed: nothing to describe yet
      inventory_text = stmt.ColumnText(0);
    }
    analyze::ImageAnalysis analysis;
    ASSIGN_OR_RETURN(analysis.inventory, scan::DecodeInventory(inventory_text));
    analysis.info.reference = r.repository + (r.tags.empty() ? "@" + digest : ":" + r.tags.front());
    analysis.info.manifest_digest = digest;
    const std::string doc = report::RenderSbom(analysis, format);
    const std::string image_dir = JoinPath(dir, r.repository);
    RETURN_IF_ERROR(fs.MakeDirs(image_dir));
    const std::string hex = digest.substr(digest.find(':') + 1);
    RETURN_IF_ERROR(fs.WriteFileAtomic(JoinPath(image_dir, hex + ".json"), doc));
    ++written;
  }
  state["resources"] = written;
  if (written == 0) {
    state["errorCode"] = "NO_FINDINGS_FOUND";
    return NotFound("no scanned image matches the resource filter criteria");
  }
  state["path"] = rel;
  return Status::Ok();
}

}  // namespace surveyor::api::inspector
