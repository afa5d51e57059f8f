// Emits "ECR Image Action" PUSH and DELETE events for the registry. It is a
// registry::TransactionObserver: each event is written to the outbox inside the registry's own
// write transaction, so a push or deletion and its event commit (or roll back) together; a
// failure to enqueue fails the registry operation. Thread-safe: stateless apart from the bus.
#pragma once

#include "events/outbox.h"
#include "registry/registry.h"

namespace surveyor::events {

class RegistryEventObserver final : public registry::TransactionObserver {
 public:
  explicit RegistryEventObserver(BusIdentity bus) : bus_(std::move(bus)) {}

  Status InManifestPushed(store::Database& db, std::string_view repository, const Digest& digest,
                          std::string_view tag, std::string_view media_type) override;
  Status InManifestDeleted(store::Database& db, std::string_view repository,
                           const Digest& digest) override;
  Status InTagDeleted(store::Database& db, std::string_view repository, std::string_view tag,
                      const Digest& digest) override;

 private:
  BusIdentity bus_;
};

}  // namespace surveyor::events
