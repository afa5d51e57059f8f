// ECR repository policies (SetRepositoryPolicy): parsing with validation, and a pure evaluator.
// Supported subset of the IAM policy grammar:
//   { "Version": "2012-10-17" | "2008-10-17" (optional), "Id": string (optional),
//     "Statement": object | [object, ...] (1-100) }
//   statement: "Sid" (optional, unique), "Effect": "Allow" | "Deny",
//     "Principal": "*" | {"AWS": "*" | account id | IAM ARN | [...], "Service": name | [...]},
//     "Action": "*" | "ecr:<name with * and ? wildcards>" | [...] (case-insensitive),
//     "Resource" (optional): ARN pattern | [...] (case-sensitive wildcards),
//     "Condition" (optional): {operator: {key: value | [values]}} with operators
//       StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
//       StringLike, StringNotLike, ArnEquals, ArnNotEquals, ArnLike, ArnNotLike, Bool.
// NotPrincipal / NotAction / NotResource, ForAnyValue:/ForAllValues: qualifiers, ...IfExists
// operators and other principal types are refused at validation, never silently ignored.
// Values are immutable; Decide is pure and thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace surveyor::auth {

inline constexpr size_t kMaxPolicyTextBytes = 10240;  // the model's max for policyText
inline constexpr size_t kMaxPolicyStatements = 100;
inline constexpr size_t kMaxPolicyListItems = 200;  // per Action / Resource / Principal list
inline constexpr std::string_view kInvalidPolicyMessage =
    "Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy "
    "provided'";

enum class Effect { kAllow, kDeny };
enum class Decision { kAllow, kDeny, kNoOpinion };
std::string_view DecisionName(Decision d);

struct PolicyCondition {
  std::string op;   // as written, e.g. "StringLike"
  std::string key;  // lower-cased, e.g. "aws:principalarn"
  std::vector<std::string> values;
};

struct PolicyStatement {
  std::string sid;
  Effect effect = Effect::kDeny;
  bool any_principal = false;                   // "*" or {"AWS": "*"}
  std::vector<std::string> aws_principals;      // account ids and ARNs
  std::vector<std::string> service_principals;  // kept, never match an access key
  std::vector<std::string> actions;             // lower-cased patterns
  std::vector<std::string> resources;           // patterns; empty = any
  std::vector<PolicyCondition> conditions;      // all must hold
};

struct Policy {
  std::string version;
  std::vector<PolicyStatement> statements;
};

// Parses and validates a policy text. Errors: kInvalidArgument with domain code
// InvalidParameterException and kInvalidPolicyMessage followed by the specific reason.
Result<Policy> ParseRepositoryPolicy(std::string_view text);

struct AccessRequest {
  std::string_view principal_arn;  // "arn:aws:iam::123456789012:user/alice"; empty = anonymous
  std::string_view action;         // "ecr:BatchGetImage"
  std::string_view resource_arn;   // the repository's ARN; empty matches any Resource
  // Extra condition keys (lower-case names). aws:PrincipalArn, aws:PrincipalAccount and
  // aws:username are derived from principal_arn and need not be given.
  const std::map<std::string, std::string>* context = nullptr;
};

// Explicit Deny wins over Allow; no matching statement gives kNoOpinion (the caller applies its
// default, e.g. "the registry's own keys may do everything").
Decision Decide(const Policy& policy, const AccessRequest& request);
Decision Decide(const Policy& policy, std::string_view principal_arn, std::string_view action);

// "arn:aws:iam::<account>:user/<name>": the principal an access key acts as.
std::string UserArn(std::string_view account_id, std::string_view user_name);
// Case-insensitive glob with '*' (any run) and '?' (one char); linear-time backtracking.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

}  // namespace surveyor::auth
