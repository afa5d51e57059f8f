#include "events/outbox.h"

#include <openssl/rand.h>

#include <chrono>
#include <mutex>
#include <random>
#include <unordered_map>

#include "events/pattern.h"

namespace surveyor::events {
namespace {

// The part of a rule's pattern that an event's source and detail-type alone decide: its
// top-level "source" and "detail-type" members, compiled. Null when the pattern constrains
// neither (members under "$or" are not looked at, so a rule that names its sources there counts
// as one that could match anything). Compiled once per pattern text; the cache is cleared when it
// grows past 1,024 patterns.
std::shared_ptr<const CompiledPattern> SourceAndTypePart(const std::string& pattern) {
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const CompiledPattern>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(pattern); it != cache.end()) return it->second;
  std::shared_ptr<const CompiledPattern> part;
  auto parsed = ParseJson(pattern);
  if (parsed.ok() && parsed->is_object()) {
    Json members = Json::object();
    for (const char* key : {"source", "detail-type"}) {
      if (auto it = parsed->find(key); it != parsed->end()) members[key] = *it;
    }
    if (!members.empty()) {
      auto compiled = CompiledPattern::Compile(DumpJson(members));
      if (compiled.ok()) part = std::make_shared<const CompiledPattern>(std::move(*compiled));
    }
  }
  if (cache.size() >= 1024) cache.clear();
  cache.emplace(pattern, part);
  return part;
}

std::array<uint8_t, 16> RandomBytes() {
  std::array<uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<uint8_t>(rd());
  }
  return bytes;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

EventEnvelope NewEnvelope(const BusIdentity& bus, std::string source, std::string detail_type,
                          std::vector<std::string> resources, Json detail) {
  EventEnvelope e;
  e.id = FormatEventId(RandomBytes());
  e.source = std::move(source);
  e.detail_type = std::move(detail_type);
  e.time = bus.clock->Now();
  e.region = bus.region;
  e.account = bus.account;
  e.resources = std::move(resources);
  e.detail = std::move(detail);
  return e;
}

std::string RepositoryArn(const BusIdentity& bus, const std::string& repository) {
  return "arn:aws:ecr:" + bus.region + ":" + bus.account + ":repository/" + repository;
}

std::string OrderingKey(const EventEnvelope& event) {
  if (!event.resources.empty()) return event.resources.front();
  if (event.detail.is_object()) {
    auto repo = GetString(event.detail, "repository-name");
    if (repo) {
      auto digest = GetString(event.detail, "image-digest");
      return "repository/" + *repo + (digest ? "/" + *digest : "");
    }
  }
  return event.detail_type;
}

Result<bool> AnyRuleCouldMatch(store::Database& db, std::string_view source,
                               std::string_view detail_type) {
  std::vector<std::string> patterns;
  {
    auto lock = db.Lock();
    ASSIGN_OR_RETURN(auto rules, db.Prepare("SELECT event_pattern FROM events_rules WHERE state = "
                                            "'ENABLED'"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, rules.Step());
      if (!row) break;
      patterns.push_back(rules.ColumnText(0));
    }
  }
  if (patterns.empty()) return false;
  auto probe = FlatEvent::FromJson(Json{{"source", source}, {"detail-type", detail_type}});
  if (!probe.ok()) return true;
  for (const std::string& pattern : patterns) {
    const auto part = SourceAndTypePart(pattern);
    if (!part || part->Matches(*probe)) return true;
  }
  return false;
}

Status Enqueue(store::Database& db, const EventEnvelope& event) {
  RETURN_IF_ERROR(ValidateEnvelope(event));
  auto lock = db.Lock();
  // An event written outside the change's transaction could be lost (or survive a rolled-back
  // change); refuse rather than silently autocommit.
  if (!db.InTransaction()) {
    return FailedPrecondition("events::Enqueue needs the caller's transaction to be open");
  }
  // An event goes to the rules that exist when it is put, as in EventBridge: when no enabled rule
  // could match its source and detail-type there is nobody to route it to, and nothing is
  // written (the router would drop it).
  ASSIGN_OR_RETURN(bool any, AnyRuleCouldMatch(db, event.source, event.detail_type));
  if (!any) return Status::Ok();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO events_outbox (resource, body, created_ms) "
                                         "VALUES (?, ?, ?)"));
  stmt.Bind(1, OrderingKey(event)).Bind(2, SerializeEvent(event)).Bind(3, NowMs());
  return stmt.Run();
}

Status EnqueueNow(store::Database& db, const EventEnvelope& event) {
  store::Transaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  RETURN_IF_ERROR(Enqueue(db, event));
  return txn.Commit();
}

EventEnvelope FindingEvent(const BusIdentity& bus, Json finding) {
  if (!finding.is_object()) finding = Json::object();
  std::vector<std::string> resources;
  std::string resource_type = "AWS_ECR_CONTAINER_IMAGE";
  if (const Json* rs = GetArray(finding, "resources")) {
    for (const auto& r : *rs) {
      if (!r.is_object()) continue;
      if (auto id = GetString(r, "id")) resources.push_back(*id);
    }
    if (!rs->empty() && rs->front().is_object()) {
      if (auto t = GetString(rs->front(), "type")) resource_type = *t;
    }
  }
  finding["resourceType"] = resource_type;
  return NewEnvelope(bus, kInspectorSource, kFindingDetailType, std::move(resources),
                     std::move(finding));
}

EventEnvelope InspectorScanEvent(const BusIdentity& bus, const std::string& repository,
                                 const std::string& digest, const std::vector<std::string>& tags,
                                 const std::map<std::string, int64_t>& severity_counts) {
  const std::string arn = RepositoryArn(bus, repository);
  return NewEnvelope(bus, kInspectorSource, "Inspector2 Scan", {arn},
                     Inspector2ScanDetail(arn, digest, tags, severity_counts));
}

EventEnvelope EcrImageScanEvent(const BusIdentity& bus, const std::string& repository,
                                const std::string& digest, const std::vector<std::string>& tags,
                                const std::map<std::string, int64_t>& severity_counts) {
  return NewEnvelope(bus, "aws.ecr", "ECR Image Scan", {RepositoryArn(bus, repository)},
                     EcrImageScanDetail(repository, digest, tags, severity_counts));
}

EventEnvelope ScanResourceChangeEvent(const BusIdentity& bus, const std::string& action_type,
                                      const std::vector<ScanFrequencyChange>& repositories,
                                      const std::string& scan_type) {
  return NewEnvelope(bus, "aws.ecr", "ECR Scan Resource Change", {},
                     EcrScanResourceChangeDetail(action_type, repositories, scan_type));
}

EventEnvelope ImageActionEvent(const BusIdentity& bus, const std::string& action,
                               const std::string& repository, const std::string& digest,
                               const std::string& tag) {
  return NewEnvelope(bus, "aws.ecr", "ECR Image Action", {},
                     EcrImageActionDetail(action, repository, digest, tag));
}

}  // namespace surveyor::events
