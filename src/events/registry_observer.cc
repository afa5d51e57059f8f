#include "events/registry_observer.h"

#include "common/log.h"

namespace surveyor::events {
namespace {

void EnqueueOrLog(store::Database& db, const EventEnvelope& e) {
  Status s = EnqueueNow(db, e);
  if (!s.ok()) log::Error("cannot enqueue registry event", {{"error", s.ToString()}});
}

}  // namespace

void RegistryEventObserver::OnManifestPushed(std::string_view repository, const Digest& digest,
                                             std::string_view tag, std::string_view) {
  EnqueueOrLog(db_, ImageActionEvent(bus_, "PUSH", std::string(repository), digest.ToString(),
                                     std::string(tag)));
}

void RegistryEventObserver::OnManifestDeleted(std::string_view repository, const Digest& digest) {
  EnqueueOrLog(db_, ImageActionEvent(bus_, "DELETE", std::string(repository), digest.ToString(), ""));
}

void RegistryEventObserver::OnTagDeleted(std::string_view repository, std::string_view tag,
                                         const Digest& digest) {
  EnqueueOrLog(db_, ImageActionEvent(bus_, "DELETE", std::string(repository), digest.ToString(),
                                     std::string(tag)));
}

}  // namespace surveyor::events
