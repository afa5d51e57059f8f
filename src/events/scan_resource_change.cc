#include "events/scan_resource_change.h"

#include "registry/repository_settings.h"

namespace surveyor::events {

Result<registry::ScanningConfiguration> ScanningInForce(store::Database& db) {
  ASSIGN_OR_RETURN(auto stored, registry::GetRegistrySetting(db, "scanning_configuration"));
  if (!stored) {
    registry::ScanningConfiguration config;
    config.scan_type = "ENHANCED";
    return config;
  }
  return registry::LoadScanningConfiguration(db);
}

Result<ScanningSnapshot> SnapshotScanning(store::Database& db) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(registry::ScanningConfiguration config, ScanningInForce(db));
  ASSIGN_OR_RETURN(auto repositories, registry::ListRepositories(db));
  ScanningSnapshot snapshot;
  snapshot.scan_type = config.scan_type;
  for (const auto& repo : repositories) {
    const registry::EffectiveScanning eff =
        registry::EffectiveScanningFor(config, repo.name, repo.settings.scan_on_push);
    snapshot.frequencies[repo.name] = eff.scan_frequency.empty() ? "MANUAL" : eff.scan_frequency;
  }
  return snapshot;
}

std::vector<EventEnvelope> ScanResourceChangeEvents(const BusIdentity& bus,
                                                    const ScanningSnapshot& before,
                                                    const ScanningSnapshot& after) {
  std::vector<EventEnvelope> events;
  if (before.scan_type != "ENHANCED" && after.scan_type != "ENHANCED") return events;
  std::vector<ScanFrequencyChange> changes;
  auto flush = [&] {
    if (changes.empty()) return;
    events.push_back(
        ScanResourceChangeEvent(bus, "SCAN_FREQUENCY_CHANGE", changes, after.scan_type));
    changes.clear();
  };
  for (const auto& [name, frequency] : after.frequencies) {
    auto old = before.frequencies.find(name);
    if (old == before.frequencies.end() || old->second == frequency) continue;
    changes.push_back({name, RepositoryArn(bus, name), frequency, old->second});
    if (changes.size() == kMaxRepositoriesPerScanChangeEvent) flush();
  }
  flush();
  return events;
}

Status ChangeScanningWithEvents(store::Database& db, const BusIdentity& bus,
                                const std::function<Status()>& change) {
  store::Transaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  ASSIGN_OR_RETURN(ScanningSnapshot before, SnapshotScanning(db));
  RETURN_IF_ERROR(change());
  ASSIGN_OR_RETURN(ScanningSnapshot after, SnapshotScanning(db));
  for (const EventEnvelope& e : ScanResourceChangeEvents(bus, before, after)) {
    RETURN_IF_ERROR(Enqueue(db, e));
  }
  return tx.Commit();
}

}  // namespace surveyor::events
