#include "events/rules.h"

#include <chrono>

#include "events/pattern.h"

namespace surveyor::events {
namespace {

Status Validation(std::string message) {
  return InvalidArgument(std::move(message), kValidationException);
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Rule ReadRule(const store::Statement& s) {
  Rule r;
  r.name = s.ColumnText(0);
  r.event_pattern = s.ColumnText(1);
  r.state = s.ColumnText(2);
  r.description = s.ColumnIsNull(3) ? "" : s.ColumnText(3);
  return r;
}

Result<Target> ReadTarget(const store::Statement& s) {
  Target t;
  t.key = s.ColumnInt(0);
  t.rule_name = s.ColumnText(1);
  t.id = s.ColumnText(2);
  t.arn = s.ColumnText(3);
  ASSIGN_OR_RETURN(t.spec, ParseJson(s.ColumnText(4)));
  return t;
}

bool StartsWith(const std::string& s, std::string_view p) { return s.rfind(p, 0) == 0; }

}  // namespace

Result<TargetKind> ClassifyTargetArn(const std::string& arn) {
  if (StartsWith(arn, "http://") || StartsWith(arn, "https://")) {
    if (arn.size() <= 8 || arn.find_first_of(" \r\n\t") != std::string::npos) {
      return Validation("Parameter Arn is not a valid URL.");
    }
    return TargetKind::kWebhook;
  }
  if (StartsWith(arn, "arn:aws:sns:")) {
    // arn:aws:sns:<region>:<account>:<topic>
    size_t colons = 0;
    for (char c : arn) colons += c == ':';
    if (colons != 5 || arn.back() == ':') return Validation("Parameter Arn is not a valid topic ARN.");
    return TargetKind::kTopic;
  }
  if (StartsWith(arn, "arn:surveyor:events:local:command/") && arn.size() > 34) {
    return TargetKind::kCommand;
  }
  if (StartsWith(arn, "arn:surveyor:events:local:file/") && arn.size() > 31) {
    return TargetKind::kFile;
  }
  return Validation("Parameter Arn '" + arn +
                    "' is not a supported target: use an http(s):// URL, an SNS topic ARN, or "
                    "arn:surveyor:events:local:command/<name> or .../file/<name>.");
}

Status ValidateRuleName(const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return Validation("1 validation error detected: Value at 'name' failed to satisfy constraint: "
                      "Member must have length between 1 and 64");
  }
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) {
      return Validation("1 validation error detected: Value '" + name +
                        "' at 'name' failed to satisfy constraint: Member must satisfy regular "
                        "expression pattern: [\\.\\-_A-Za-z0-9]+");
    }
  }
  return Status::Ok();
}

Status PutRule(store::Database& db, const Rule& rule) {
  RETURN_IF_ERROR(ValidateRuleName(rule.name));
  if (rule.event_pattern.empty()) {
    return Validation("Parameter(s) EventPattern or ScheduleExpression must be specified.");
  }
  RETURN_IF_ERROR(CompiledPattern::Compile(rule.event_pattern));
  if (rule.state != "ENABLED" && rule.state != "DISABLED") {
    return Validation("Parameter State must be ENABLED or DISABLED.");
  }
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt,
                   db.Prepare("INSERT INTO events_rules (name, event_pattern, state, description, "
                              "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                              "event_pattern = excluded.event_pattern, state = excluded.state, "
                              "description = excluded.description"));
  stmt.Bind(1, rule.name).Bind(2, rule.event_pattern).Bind(3, rule.state);
  stmt.Bind(4, rule.description).Bind(5, NowSeconds());
  return stmt.Run();
}

Result<std::optional<Rule>> GetRule(store::Database& db, const std::string& name) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT name, event_pattern, state, description FROM "
                                         "events_rules WHERE name = ?"));
  stmt.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Rule>();
  return std::optional<Rule>(ReadRule(stmt));
}

Result<std::vector<Rule>> ListRules(store::Database& db, const std::string& name_prefix) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT name, event_pattern, state, description FROM "
                                         "events_rules WHERE substr(name, 1, length(?1)) = ?1 "
                                         "ORDER BY name"));
  stmt.Bind(1, name_prefix);
  std::vector<Rule> rules;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    rules.push_back(ReadRule(stmt));
  }
  return rules;
}

Status DeleteRule(store::Database& db, const std::string& name) {
  store::Transaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT COUNT(*) FROM events_targets WHERE rule_name = ?"));
  count.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, count.Step());
  if (row && count.ColumnInt(0) > 0) {
    return Validation("Rule can't be deleted since it has targets.");
  }
  ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM events_rules WHERE name = ?"));
  del.Bind(1, name);
  RETURN_IF_ERROR(del.Run());
  return txn.Commit();
}

Status SetRuleState(store::Database& db, const std::string& name, const std::string& state) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE events_rules SET state = ? WHERE name = ?"));
  stmt.Bind(1, state).Bind(2, name);
  RETURN_IF_ERROR(stmt.Run());
  if (db.Changes() == 0) {
    return NotFound("Rule " + name + " does not exist on EventBus default.", kResourceNotFound);
  }
  return Status::Ok();
}

Result<TargetInput> TargetInputOf(const Json& spec) {
  TargetInput in;
  if (spec.contains("Input")) {
    if (!spec["Input"].is_string()) return Validation("Input must be a string.");
    in.input = spec["Input"].get<std::string>();
  }
  if (spec.contains("InputPath")) {
    if (!spec["InputPath"].is_string()) return Validation("InputPath must be a string.");
    in.input_path = spec["InputPath"].get<std::string>();
  }
  if (spec.contains("InputTransformer")) {
    const Json& t = spec["InputTransformer"];
    if (!t.is_object() || !t.contains("InputTemplate") || !t["InputTemplate"].is_string()) {
      return Validation("InputTransformer must have an InputTemplate string.");
    }
    InputTransformer tr;
    tr.input_template = t["InputTemplate"].get<std::string>();
    if (t.contains("InputPathsMap")) {
      if (!t["InputPathsMap"].is_object()) return Validation("InputPathsMap must be a map.");
      for (const auto& [k, v] : t["InputPathsMap"].items()) {
        if (!v.is_string()) return Validation("InputPathsMap values must be strings.");
        tr.input_paths_map[k] = v.get<std::string>();
      }
    }
    in.input_transformer = std::move(tr);
  }
  return in;
}

Status ValidateTargetSpec(const Json& spec) {
  if (!spec.is_object()) return Validation("Each target must be an object.");
  auto id = GetString(spec, "Id");
  auto arn = GetString(spec, "Arn");
  if (!id || id->empty() || id->size() > 64) return Validation("Target Id must have length 1-64.");
  if (!arn || arn->empty()) return Validation("Target Arn is required.");
  RETURN_IF_ERROR(ClassifyTargetArn(*arn));
  ASSIGN_OR_RETURN(TargetInput input, TargetInputOf(spec));
  RETURN_IF_ERROR(ValidateTargetInput(input));
  if (spec.contains("HttpParameters")) {
    const Json& hp = spec["HttpParameters"];
    if (!hp.is_object()) return Validation("HttpParameters must be an object.");
    if (const Json* h = GetObject(hp, "HeaderParameters")) {
      for (const auto& [k, v] : h->items()) {
        if (!v.is_string() || k.empty() || k.find_first_of(":\r\n ") != std::string::npos ||
            v.get<std::string>().find_first_of("\r\n") != std::string::npos) {
          return Validation("HeaderParameters entry '" + k + "' is not a valid header.");
        }
      }
    }
  }
  return Status::Ok();
}

Status PutTarget(store::Database& db, const std::string& rule_name, const Json& spec) {
  RETURN_IF_ERROR(ValidateTargetSpec(spec));
  const std::string id = spec["Id"].get<std::string>();
  const std::string arn = spec["Arn"].get<std::string>();
  store::Transaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT 1 FROM events_rules WHERE name = ?"));
  exists.Bind(1, rule_name);
  ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) {
    return NotFound("Rule " + rule_name + " does not exist on EventBus default.", kResourceNotFound);
  }
  ASSIGN_OR_RETURN(auto count, db.Prepare("SELECT COUNT(*) FROM events_targets WHERE rule_name = ? "
                                          "AND target_id <> ?"));
  count.Bind(1, rule_name).Bind(2, id);
  ASSIGN_OR_RETURN(bool row, count.Step());
  if (row && static_cast<size_t>(count.ColumnInt(0)) >= kMaxTargetsPerRule) {
    return ResourceExhausted("The requested resource exceeds the maximum number allowed.",
                             "LimitExceededException");
  }
  ASSIGN_OR_RETURN(auto up, db.Prepare("INSERT INTO events_targets (rule_name, target_id, arn, spec) "
                                       "VALUES (?, ?, ?, ?) ON CONFLICT(rule_name, target_id) DO "
                                       "UPDATE SET arn = excluded.arn, spec = excluded.spec"));
  up.Bind(1, rule_name).Bind(2, id).Bind(3, arn).Bind(4, DumpJson(spec));
  RETURN_IF_ERROR(up.Run());
  return txn.Commit();
}

Status RemoveTarget(store::Database& db, const std::string& rule_name, const std::string& id) {
  store::Transaction txn(db);
  RETURN_IF_ERROR(txn.begin_status());
  ASSIGN_OR_RETURN(auto find, db.Prepare("SELECT id FROM events_targets WHERE rule_name = ? AND "
                                         "target_id = ?"));
  find.Bind(1, rule_name).Bind(2, id);
  ASSIGN_OR_RETURN(bool row, find.Step());
  if (!row) return NotFound("target " + id + " not found");
  const int64_t key = find.ColumnInt(0);
  ASSIGN_OR_RETURN(auto del_d, db.Prepare("DELETE FROM events_deliveries WHERE target_key = ?"));
  del_d.Bind(1, key);
  RETURN_IF_ERROR(del_d.Run());
  ASSIGN_OR_RETURN(auto del_t, db.Prepare("DELETE FROM events_targets WHERE id = ?"));
  del_t.Bind(1, key);
  RETURN_IF_ERROR(del_t.Run());
  return txn.Commit();
}

Result<std::vector<Target>> ListTargets(store::Database& db, const std::string& rule_name) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT id, rule_name, target_id, arn, spec FROM "
                                         "events_targets WHERE rule_name = ? ORDER BY target_id"));
  stmt.Bind(1, rule_name);
  std::vector<Target> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Target t, ReadTarget(stmt));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<Target>> GetTargetByKey(store::Database& db, int64_t key) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT id, rule_name, target_id, arn, spec FROM "
                                         "events_targets WHERE id = ?"));
  stmt.Bind(1, key);
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<Target>();
  ASSIGN_OR_RETURN(Target t, ReadTarget(stmt));
  return std::optional<Target>(std::move(t));
}

Result<std::vector<int64_t>> AllTargetKeys(store::Database& db) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT id FROM events_targets ORDER BY id"));
  std::vector<int64_t> keys;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    keys.push_back(stmt.ColumnInt(0));
  }
  return keys;
}

}  // namespace surveyor::events
