// Emits "ECR Image Action" PUSH and DELETE events for the registry (registry::Observer). The
// registry calls observers after its transaction committed, so each event is enqueued in its own
// transaction right after (a crash between the two loses that one event; see README.md).
// Thread-safe: stateless apart from the bus identity.
#pragma once

#include "events/outbox.h"
#include "registry/registry.h"

namespace surveyor::events {

class RegistryEventObserver final : public registry::Observer {
 public:
  RegistryEventObserver(store::Database& db, BusIdentity bus) : db_(db), bus_(std::move(bus)) {}

  void OnManifestPushed(std::string_view repository, const Digest& digest, std::string_view tag,
                        std::string_view media_type) override;
  void OnManifestDeleted(std::string_view repository, const Digest& digest) override;
  void OnTagDeleted(std::string_view repository, std::string_view tag,
                    const Digest& digest) override;

 private:
  store::Database& db_;
  BusIdentity bus_;
};

}  // namespace surveyor::events
