// The durable outbox: events are rows of `events_outbox`, written in the same SQLite transaction as
// the state change that causes them, and routed to rule targets later by the Dispatcher
// (dispatcher.h). Producers (the registry observer, the scanner, findings) call Enqueue with their
// own store::Transaction open, or EnqueueNow when they have no state change of their own.
// Free functions plus a small value type; thread-safe through the Database lock.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "events/envelope.h"
#include "store/sqlite.h"

namespace surveyor::events {

// Who publishes: the account and region on every event, and the clock for `time`.
struct BusIdentity {
  std::string account = "123456789012";
  std::string region = "us-east-1";
  const Clock* clock = &SystemClock::Default();
};

// An envelope with a fresh random id and the current time.
EventEnvelope NewEnvelope(const BusIdentity& bus, std::string source, std::string detail_type,
                          std::vector<std::string> resources, Json detail);

// The ordering key of an event: its first resource ARN, else the repository (and digest) its
// detail names, else its detail-type. Deliveries of one key to one target keep their order.
std::string OrderingKey(const EventEnvelope& event);

// Writes `event` to the outbox. The caller must hold an open store::Transaction on `db` (the
// event commits or rolls back with the caller's change): FailedPrecondition when no transaction
// is open on `db`. InvalidArgument for a bad envelope. When no ENABLED rule could match the
// event's source and detail-type (AnyRuleCouldMatch) nothing is written: EventBridge routes an
// event to the rules that exist when it is put. The router matches the whole pattern later.
Status Enqueue(store::Database& db, const EventEnvelope& event);
// Whether some ENABLED rule could match an event of this source and detail-type: its pattern's
// top-level "source" and "detail-type" members (where it has them) accept these values. What
// else the pattern asks of an event is not looked at, so true may still route nothing; false
// means no rule would route such an event. Producers ask it before they build costly events.
Result<bool> AnyRuleCouldMatch(store::Database& db, std::string_view source,
                               std::string_view detail_type);
// For callers with no state change of their own: opens, writes and commits a transaction.
Status EnqueueNow(store::Database& db, const EventEnvelope& event);

// ---- Builders for the scanning and findings components (enqueue them inside your transaction).

// The source and detail-type of FindingEvent's events.
inline constexpr char kInspectorSource[] = "aws.inspector2";
inline constexpr char kFindingDetailType[] = "Inspector2 Finding";

// "Inspector2 Finding": `finding` is the Inspector2 Finding object (SPEC §7.3/§8.2). The detail
// gains a top-level "resourceType" (the first resource's type, default AWS_ECR_CONTAINER_IMAGE)
// so that SCENARIOS §7's rule matches; resources are the finding's resource ids.
EventEnvelope FindingEvent(const BusIdentity& bus, Json finding);
// "Inspector2 Scan" (INITIAL_SCAN_COMPLETE) for an image.
EventEnvelope InspectorScanEvent(const BusIdentity& bus, const std::string& repository,
                                 const std::string& digest, const std::vector<std::string>& tags,
                                 const std::map<std::string, int64_t>& severity_counts);
// "ECR Image Scan" for an image.
EventEnvelope EcrImageScanEvent(const BusIdentity& bus, const std::string& repository,
                                const std::string& digest, const std::vector<std::string>& tags,
                                const std::map<std::string, int64_t>& severity_counts);
// "ECR Scan Resource Change" for repositories (action e.g. SCAN_FREQUENCY_CHANGE).
EventEnvelope ScanResourceChangeEvent(const BusIdentity& bus, const std::string& action_type,
                                      const std::vector<ScanFrequencyChange>& repositories,
                                      const std::string& scan_type = "ENHANCED");
// "ECR Image Action" PUSH or DELETE.
EventEnvelope ImageActionEvent(const BusIdentity& bus, const std::string& action,
                               const std::string& repository, const std::string& digest,
                               const std::string& tag);

std::string RepositoryArn(const BusIdentity& bus, const std::string& repository);

}  // namespace surveyor::events
