// Rules and their targets, stored in the metadata database (tables events_rules/events_targets).
// Validation happens here so every writer (the EventBridge API, tests) gets AWS's errors:
// InvalidEventPatternException for patterns, ValidationException for target input.
// Free functions; thread-safe through the Database lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/status.h"
#include "events/input_transformer.h"
#include "store/sqlite.h"

namespace surveyor::events {

inline constexpr char kResourceNotFound[] = "ResourceNotFoundException";
inline constexpr size_t kMaxTargetsPerRule = 5;  // AWS's limit

struct Rule {
  std::string name;
  std::string event_pattern;
  std::string state = "ENABLED";  // ENABLED | DISABLED
  std::string description;
};

// What kind of target an Arn names (see README.md for the mapping).
enum class TargetKind { kWebhook, kTopic, kCommand, kFile };
// http(s)://... → webhook; arn:aws:sns:<region>:<account>:<topic> → topic;
// arn:surveyor:events:local:command/<name> and .../file/<name> → config-declared local targets.
Result<TargetKind> ClassifyTargetArn(const std::string& arn);

struct Target {
  int64_t key = 0;  // events_targets.id: the delivery queue
  std::string rule_name;
  std::string id;
  std::string arn;
  Json spec = Json::object();  // the AWS Target object as stored (Id, Arn, Input..., HttpParameters)
};

// Rule names: 1-64 of [.\-_A-Za-z0-9] (ValidationException otherwise).
Status ValidateRuleName(const std::string& name);
Status PutRule(store::Database& db, const Rule& rule);
Result<std::optional<Rule>> GetRule(store::Database& db, const std::string& name);
Result<std::vector<Rule>> ListRules(store::Database& db, const std::string& name_prefix);
// ValidationException when the rule still has targets; ResourceNotFound is not an error (AWS).
Status DeleteRule(store::Database& db, const std::string& name);
Status SetRuleState(store::Database& db, const std::string& name, const std::string& state);

// The TargetInput of a stored Target object (Input / InputPath / InputTransformer).
Result<TargetInput> TargetInputOf(const Json& spec);
// Id, Arn (ClassifyTargetArn), the input (ValidateTargetInput) and HttpParameters headers.
Status ValidateTargetSpec(const Json& spec);
// Validates and upserts one target of an existing rule.
Status PutTarget(store::Database& db, const std::string& rule_name, const Json& spec);
// Removes a target and its pending deliveries. NotFound when absent.
Status RemoveTarget(store::Database& db, const std::string& rule_name, const std::string& id);
Result<std::vector<Target>> ListTargets(store::Database& db, const std::string& rule_name);
Result<std::optional<Target>> GetTargetByKey(store::Database& db, int64_t key);
Result<std::vector<int64_t>> AllTargetKeys(store::Database& db);

}  // namespace surveyor::events
