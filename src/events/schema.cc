#include "events/schema.h"

namespace surveyor::events {

const std::vector<store::Migration>& Migrations() {
  static const std::vector<store::Migration> kMigrations = {
      {1, "events: outbox, rules, targets, deliveries, dead letters, topics", R"sql(
CREATE TABLE events_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  resource TEXT NOT NULL,
  body TEXT NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE TABLE events_rules (
  name TEXT PRIMARY KEY,
  event_pattern TEXT NOT NULL,
  state TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL
);
CREATE TABLE events_targets (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_name TEXT NOT NULL REFERENCES events_rules(name) ON DELETE CASCADE,
  target_id TEXT NOT NULL,
  arn TEXT NOT NULL,
  spec TEXT NOT NULL,
  UNIQUE (rule_name, target_id)
);
CREATE TABLE events_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target_key INTEGER NOT NULL,
  resource TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE INDEX events_deliveries_target ON events_deliveries(target_key, id);
CREATE TABLE events_dead_letters (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target_key INTEGER NOT NULL,
  rule_name TEXT NOT NULL,
  target_id TEXT NOT NULL,
  target_arn TEXT NOT NULL,
  resource TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  failed_ms INTEGER NOT NULL
);
CREATE TABLE events_topics (
  arn TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE events_subscriptions (
  arn TEXT PRIMARY KEY,
  topic_arn TEXT NOT NULL REFERENCES events_topics(arn) ON DELETE CASCADE,
  protocol TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  token TEXT NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_subscriptions_topic ON events_subscriptions(topic_arn);
)sql"},
  };
  return kMigrations;
}

Status Migrate(store::Database& db) { return db.Migrate("events", Migrations()); }

}  // namespace surveyor::events
