// "ECR Scan Resource Change" for changes of what the scanner does with each repository: a
// snapshot of every repository's effective scan frequency is taken before and after a change
// (registry scanning configuration, a repository's scanOnPush, Inspector enablement), inside one
// transaction with the change, and the repositories whose frequency moved go to the outbox in
// that same transaction. Free functions over the metadata database; thread-safe through its lock.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "events/outbox.h"
#include "registry/scanning_config.h"
#include "store/sqlite.h"

namespace surveyor::events {

// At most this many repositories per event; larger changes become several events.
inline constexpr size_t kMaxRepositoriesPerScanChangeEvent = 100;

struct ScanningSnapshot {
  std::string scan_type;                           // BASIC | ENHANCED
  std::map<std::string, std::string> frequencies;  // repository → SCAN_ON_PUSH | CONTINUOUS_SCAN
                                                   // | MANUAL (MANUAL also when ENHANCED scans it
                                                   // not at all)
};

// The registry scanning configuration the scanner applies: the stored one, else Surveyor's
// default (ENHANCED with no rules: every repository, continuously).
Result<registry::ScanningConfiguration> ScanningInForce(store::Database& db);
// Every repository's effective frequency under ScanningInForce, as the scanner computes it.
Result<ScanningSnapshot> SnapshotScanning(store::Database& db);

// The events for the repositories whose frequency differs between `before` and `after`, in
// repository order, action-type SCAN_FREQUENCY_CHANGE, scan-type = after's. AWS sends these only
// while enhanced scanning is on, so nothing unless `before` or `after` is ENHANCED. Pure apart
// from the envelope ids and time.
std::vector<EventEnvelope> ScanResourceChangeEvents(const BusIdentity& bus,
                                                    const ScanningSnapshot& before,
                                                    const ScanningSnapshot& after);

// Runs `change` (writes through `db`, opening no transaction of its own) in one transaction with
// the snapshots around it and the resulting events; the change and its events commit together.
// A failing `change` rolls everything back and is returned.
Status ChangeScanningWithEvents(store::Database& db, const BusIdentity& bus,
                                const std::function<Status()>& change);

}  // namespace surveyor::events
