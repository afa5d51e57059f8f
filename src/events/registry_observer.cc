#include "events/registry_observer.h"

namespace surveyor::events {

Status RegistryEventObserver::InManifestPushed(store::Database& db, std::string_view repository,
                                               const Digest& digest, std::string_view tag,
                                               std::string_view) {
  return Enqueue(db, ImageActionEvent(bus_, "PUSH", std::string(repository), digest.ToString(),
                                      std::string(tag)));
}

Status RegistryEventObserver::InManifestDeleted(store::Database& db, std::string_view repository,
                                                const Digest& digest) {
  return Enqueue(db,
                 ImageActionEvent(bus_, "DELETE", std::string(repository), digest.ToString(), ""));
}

Status RegistryEventObserver::InTagDeleted(store::Database& db, std::string_view repository,
                                           std::string_view tag, const Digest& digest) {
  return Enqueue(db, ImageActionEvent(bus_, "DELETE", std::string(repository), digest.ToString(),
                                      std::string(tag)));
}

}  // namespace surveyor::events
