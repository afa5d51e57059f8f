// The events component's tables in the metadata database (its own migration track "events"):
// the outbox, rules and targets, pending deliveries, dead letters, SNS-style topics and
// subscriptions. Call Migrate once at start-up, after the registry's.
#pragma once

#include <vector>

#include "store/sqlite.h"

namespace surveyor::events {

const std::vector<store::Migration>& Migrations();
Status Migrate(store::Database& db);

}  // namespace surveyor::events
