#include "api/events/routes.h"

#include <openssl/rand.h>

#include <chrono>

#include "api/aws/protocol.h"
#include "auth/errors.h"
#include "common/json.h"
#include "events/envelope.h"
#include "events/pattern.h"
#include "events/rules.h"
#include "events/senders.h"

namespace surveyor::api::events {
namespace ev = surveyor::events;
namespace {

constexpr char kTargetPrefix[] = "AWSEvents.";
constexpr char kJsonType[] = "application/x-amz-json-1.1";
constexpr char kSnsNs[] = "http://sns.amazonaws.com/doc/2010-03-31/";

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  RAND_bytes(buf.data(), static_cast<int>(buf.size()));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : buf) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string NewUuid() {
  std::array<uint8_t, 16> b{};
  RAND_bytes(b.data(), 16);
  return ev::FormatEventId(b);
}

// ---- EventBridge (JSON 1.1)

http::Response JsonError(int status, const std::string& type, const std::string& message) {
  Json body = {{"__type", type}, {"message", message}};
  return http::Response::JsonBody(status, body, kJsonType);
}

http::Response FromStatus(const Status& s) {
  if (s.code() == StatusCode::kInternal || s.code() == StatusCode::kDataLoss ||
      s.code() == StatusCode::kUnavailable) {
    return JsonError(500, "InternalException", s.message());
  }
  std::string type = s.domain_code();
  if (type.empty()) {
    type = s.code() == StatusCode::kNotFound ? ev::kResourceNotFound : ev::kValidationException;
  }
  return JsonError(400, type, s.message());
}

http::Response Ok(const Json& body) { return http::Response::JsonBody(200, body, kJsonType); }

std::string RuleArn(const Context& ctx, const std::string& name) {
  return "arn:aws:events:" + ctx.bus.region + ":" + ctx.bus.account + ":rule/" + name;
}

Result<std::string> RequiredString(const Json& body, const char* key) {
  auto v = GetString(body, key);
  if (!v || v->empty()) {
    return InvalidArgument(std::string("1 validation error detected: Value null at '") + key +
                               "' failed to satisfy constraint: Member must not be null",
                           ev::kValidationException);
  }
  return *v;
}

Status CheckDefaultBus(const Json& body) {
  auto bus = GetString(body, "EventBusName");
  if (bus && *bus != "default" && bus->find(":event-bus/default") == std::string::npos) {
    return NotFound("Event bus " + *bus + " does not exist.", ev::kResourceNotFound);
  }
  return Status::Ok();
}

void Wake(Context& ctx) {
  if (ctx.dispatcher) ctx.dispatcher->Wake();
}

Json RuleJson(const Context& ctx, const ev::Rule& r) {
  Json j = {{"Name", r.name},
            {"Arn", RuleArn(ctx, r.name)},
            {"EventPattern", r.event_pattern},
            {"State", r.state},
            {"EventBusName", "default"}};
  if (!r.description.empty()) j["Description"] = r.description;
  return j;
}

// Offset pagination: NextToken is the decimal index of the next item.
Result<std::pair<size_t, size_t>> Page(const Json& body, size_t total) {
  size_t start = 0, limit = 100;
  if (auto t = GetString(body, "NextToken")) {
    try {
      start = std::stoul(*t);
    } catch (...) {
      return InvalidArgument("The NextToken is not valid.", ev::kValidationException);
    }
    if (start > total) return InvalidArgument("The NextToken is not valid.", ev::kValidationException);
  }
  if (auto l = GetInt(body, "Limit")) {
    if (*l < 1 || *l > 100) {
      return InvalidArgument("Limit must be between 1 and 100.", ev::kValidationException);
    }
    limit = static_cast<size_t>(*l);
  }
  return std::make_pair(start, std::min(total, start + limit));
}

Result<Json> DoPutRule(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "Name"));
  if (body.contains("ScheduleExpression")) {
    return InvalidArgument("ScheduleExpression is not supported by Surveyor's event bus.",
                           ev::kValidationException);
  }
  ev::Rule rule;
  rule.name = name;
  rule.event_pattern = GetString(body, "EventPattern").value_or("");
  rule.state = GetString(body, "State").value_or("ENABLED");
  rule.description = GetString(body, "Description").value_or("");
  RETURN_IF_ERROR(ev::PutRule(ctx.db, rule));
  Wake(ctx);
  return Json{{"RuleArn", RuleArn(ctx, name)}};
}

Result<Json> DoDescribeRule(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "Name"));
  ASSIGN_OR_RETURN(auto rule, ev::GetRule(ctx.db, name));
  if (!rule) return NotFound("Rule " + name + " does not exist.", ev::kResourceNotFound);
  Json j = RuleJson(ctx, *rule);
  j["CreatedBy"] = ctx.bus.account;
  return j;
}

Result<Json> DoListRules(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(auto rules, ev::ListRules(ctx.db, GetString(body, "NamePrefix").value_or("")));
  ASSIGN_OR_RETURN(auto range, Page(body, rules.size()));
  Json out = {{"Rules", Json::array()}};
  for (size_t i = range.first; i < range.second; ++i) out["Rules"].push_back(RuleJson(ctx, rules[i]));
  if (range.second < rules.size()) out["NextToken"] = std::to_string(range.second);
  return out;
}

Result<Json> DoDeleteRule(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "Name"));
  RETURN_IF_ERROR(ev::DeleteRule(ctx.db, name));
  Wake(ctx);
  return Json::object();
}

Result<Json> DoSetState(const Json& body, Context& ctx, const char* state) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string name, RequiredString(body, "Name"));
  RETURN_IF_ERROR(ev::SetRuleState(ctx.db, name, state));
  Wake(ctx);
  return Json::object();
}

Result<Json> DoPutTargets(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string rule, RequiredString(body, "Rule"));
  const Json* targets = GetArray(body, "Targets");
  if (!targets || targets->empty() || targets->size() > 10) {
    return InvalidArgument("Targets must list 1 to 10 targets.", ev::kValidationException);
  }
  ASSIGN_OR_RETURN(auto existing, ev::GetRule(ctx.db, rule));
  if (!existing) {
    return NotFound("Rule " + rule + " does not exist on EventBus default.", ev::kResourceNotFound);
  }
  // Invalid input (pattern, template, Arn) fails the whole call, as AWS does.
  for (const Json& t : *targets) RETURN_IF_ERROR(ev::ValidateTargetSpec(t));
  Json failed = Json::array();
  for (const Json& t : *targets) {
    Status s = ev::PutTarget(ctx.db, rule, t);
    if (!s.ok()) {
      failed.push_back({{"TargetId", t.value("Id", "")},
                        {"ErrorCode", s.domain_code().empty() ? "InternalException" : s.domain_code()},
                        {"ErrorMessage", s.message()}});
    }
  }
  Wake(ctx);
  return Json{{"FailedEntryCount", failed.size()}, {"FailedEntries", failed}};
}

Result<Json> DoRemoveTargets(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string rule, RequiredString(body, "Rule"));
  const Json* ids = GetArray(body, "Ids");
  if (!ids || ids->empty()) return InvalidArgument("Ids must not be empty.", ev::kValidationException);
  ASSIGN_OR_RETURN(auto existing, ev::GetRule(ctx.db, rule));
  if (!existing) {
    return NotFound("Rule " + rule + " does not exist on EventBus default.", ev::kResourceNotFound);
  }
  Json failed = Json::array();
  for (const Json& id : *ids) {
    const std::string s_id = id.is_string() ? id.get<std::string>() : "";
    Status s = ev::RemoveTarget(ctx.db, rule, s_id);
    if (!s.ok()) {
      failed.push_back({{"TargetId", s_id},
                        {"ErrorCode", s.code() == StatusCode::kNotFound ? "ResourceNotFoundException"
                                                                        : "InternalException"},
                        {"ErrorMessage", s.message()}});
    }
  }
  Wake(ctx);
  return Json{{"FailedEntryCount", failed.size()}, {"FailedEntries", failed}};
}

Result<Json> DoListTargets(const Json& body, Context& ctx) {
  RETURN_IF_ERROR(CheckDefaultBus(body));
  ASSIGN_OR_RETURN(std::string rule, RequiredString(body, "Rule"));
  ASSIGN_OR_RETURN(auto existing, ev::GetRule(ctx.db, rule));
  if (!existing) return NotFound("Rule " + rule + " does not exist.", ev::kResourceNotFound);
  ASSIGN_OR_RETURN(auto targets, ev::ListTargets(ctx.db, rule));
  ASSIGN_OR_RETURN(auto range, Page(body, targets.size()));
  Json out = {{"Targets", Json::array()}};
  for (size_t i = range.first; i < range.second; ++i) {
    Json spec = targets[i].spec;
    // The signing secret is write-only.
    if (spec.contains("HttpParameters") && spec["HttpParameters"].is_object() &&
        spec["HttpParameters"].contains("HeaderParameters") &&
        spec["HttpParameters"]["HeaderParameters"].is_object()) {
      for (auto& [k, v] : spec["HttpParameters"]["HeaderParameters"].items()) {
        if (strcasecmp(k.c_str(), ev::kSigningSecretHeader) == 0) v = "********";
      }
    }
    out["Targets"].push_back(std::move(spec));
  }
  if (range.second < targets.size()) out["NextToken"] = std::to_string(range.second);
  return out;
}

Result<Json> DoTestEventPattern(const Json& body, Context&) {
  ASSIGN_OR_RETURN(std::string pattern, RequiredString(body, "EventPattern"));
  ASSIGN_OR_RETURN(std::string event, RequiredString(body, "Event"));
  auto result = ev::TestEventPattern(pattern, event);
  if (!result.ok()) {
    const Status& s = result.status();
    return InvalidArgument(s.message(),
                           s.domain_code().empty() ? ev::kValidationException : s.domain_code());
  }
  return Json{{"Result", *result}};
}

// ---- SNS (query protocol)

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

http::Response XmlOk(const std::string& action, const std::string& result_xml) {
  std::string xml = "<?xml version=\"1.0\"?>\n<" + action + "Response xmlns=\"" + kSnsNs + "\"><" +
                    action + "Result>" + result_xml + "</" + action + "Result><ResponseMetadata>" +
                    "<RequestId>" + NewUuid() + "</RequestId></ResponseMetadata></" + action +
                    "Response>";
  return http::Response::Text(200, xml, "text/xml");
}

http::Response XmlError(int status, const std::string& code, const std::string& message) {
  std::string xml = "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"" + std::string(kSnsNs) +
                    "\"><Error><Type>Sender</Type><Code>" + XmlEscape(code) + "</Code><Message>" +
                    XmlEscape(message) + "</Message></Error><RequestId>" + NewUuid() +
                    "</RequestId></ErrorResponse>";
  return http::Response::Text(status, xml, "text/xml");
}

using Form = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> FormValue(const Form& form, std::string_view key) {
  for (const auto& [k, v] : form) {
    if (k == key) return v;
  }
  return std::nullopt;
}

bool ValidTopicName(const std::string& name) {
  if (name.empty() || name.size() > 256) return false;
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

Result<bool> TopicExists(store::Database& db, const std::string& arn) {
  auto lock = db.Lock();
  ASSIGN_OR_RETURN(auto s, db.Prepare("SELECT 1 FROM events_topics WHERE arn = ?"));
  s.Bind(1, arn);
  return s.Step();
}

http::Response SnsCreateTopic(const Form& form, Context& ctx) {
  const std::string name = FormValue(form, "Name").value_or("");
  if (!ValidTopicName(name)) {
    return XmlError(400, "InvalidParameter", "Invalid parameter: Topic Name");
  }
  const std::string arn = "arn:aws:sns:" + ctx.bus.region + ":" + ctx.bus.account + ":" + name;
  auto lock = ctx.db.Lock();
  auto s = ctx.db.Prepare("INSERT OR IGNORE INTO events_topics (arn, name, created_at) VALUES "
                          "(?, ?, strftime('%s','now'))");
  if (!s.ok() || !s->Bind(1, arn).Bind(2, name).Run().ok()) {
    return XmlError(500, "InternalError", "cannot store topic");
  }
  return XmlOk("CreateTopic", "<TopicArn>" + XmlEscape(arn) + "</TopicArn>");
}

std::string HostOf(const http::Request& request) {
  auto host = request.headers.Get("Host");
  return host ? std::string(*host) : "127.0.0.1";
}

http::Response SnsSubscribe(const http::Request& request, const Form& form, Context& ctx) {
  const std::string topic = FormValue(form, "TopicArn").value_or("");
  const std::string protocol = FormValue(form, "Protocol").value_or("");
  const std::string endpoint = FormValue(form, "Endpoint").value_or("");
  auto exists = TopicExists(ctx.db, topic);
  if (!exists.ok()) return XmlError(500, "InternalError", exists.status().message());
  if (!*exists) return XmlError(404, "NotFound", "Topic does not exist");
  if (protocol != "http" && protocol != "https") {
    return XmlError(400, "InvalidParameter",
                    "Invalid parameter: Protocol (only http and https are supported)");
  }
  if (endpoint.rfind(protocol + "://", 0) != 0) {
    return XmlError(400, "InvalidParameter", "Invalid parameter: Endpoint must be a " + protocol +
                                                 " URL");
  }
  const std::string sub_arn = topic + ":" + NewUuid();
  const std::string token = RandomHex(64);
  {
    auto lock = ctx.db.Lock();
    auto s = ctx.db.Prepare("INSERT INTO events_subscriptions (arn, topic_arn, protocol, endpoint, "
                            "token, confirmed, created_at) VALUES (?, ?, ?, ?, ?, 0, "
                            "strftime('%s','now'))");
    if (!s.ok() || !s->Bind(1, sub_arn).Bind(2, topic).Bind(3, protocol).Bind(4, endpoint)
                        .Bind(5, token).Run().ok()) {
      return XmlError(500, "InternalError", "cannot store subscription");
    }
  }
  // The confirmation handshake: the endpoint must visit SubscribeURL or call ConfirmSubscription.
  const std::string subscribe_url = "http://" + HostOf(request) +
                                    "/?Action=ConfirmSubscription&TopicArn=" +
                                    http::PercentEncode(topic) + "&Token=" + token;
  OrderedJson msg;
  msg["Type"] = "SubscriptionConfirmation";
  msg["MessageId"] = NewUuid();
  msg["Token"] = token;
  msg["TopicArn"] = topic;
  msg["Message"] = "You have chosen to subscribe to the topic " + topic +
                   ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
  msg["SubscribeURL"] = subscribe_url;
  msg["Timestamp"] = ev::FormatEventTime(std::chrono::system_clock::now());
  msg["SignatureVersion"] = "1";
  auto sent = ev::HttpPost(endpoint,
                           {{"Content-Type", "text/plain; charset=UTF-8"},
                            {"x-amz-sns-message-type", "SubscriptionConfirmation"},
                            {"x-amz-sns-topic-arn", topic}},
                           DumpJson(msg), ctx.http_timeout);
  (void)sent;  // an unreachable endpoint stays pending, as in SNS
  const bool return_arn = FormValue(form, "ReturnSubscriptionArn").value_or("") == "true";
  return XmlOk("Subscribe", "<SubscriptionArn>" +
                                XmlEscape(return_arn ? sub_arn : "pending confirmation") +
                                "</SubscriptionArn>");
}

http::Response SnsConfirm(const Form& form, Context& ctx) {
  const std::string topic = FormValue(form, "TopicArn").value_or("");
  const std::string token = FormValue(form, "Token").value_or("");
  auto lock = ctx.db.Lock();
  auto s = ctx.db.Prepare("SELECT arn FROM events_subscriptions WHERE topic_arn = ? AND token = ?");
  if (!s.ok()) return XmlError(500, "InternalError", s.status().message());
  s->Bind(1, topic).Bind(2, token);
  auto row = s->Step();
  if (!row.ok() || !*row || token.empty()) {
    return XmlError(400, "InvalidParameter", "Invalid token");
  }
  const std::string arn = s->ColumnText(0);
  auto up = ctx.db.Prepare("UPDATE events_subscriptions SET confirmed = 1 WHERE arn = ?");
  if (!up.ok() || !up->Bind(1, arn).Run().ok()) {
    return XmlError(500, "InternalError", "cannot confirm");
  }
  return XmlOk("ConfirmSubscription", "<SubscriptionArn>" + XmlEscape(arn) + "</SubscriptionArn>");
}

http::Response SnsListSubscriptions(const Form& form, Context& ctx) {
  const std::string topic = FormValue(form, "TopicArn").value_or("");
  auto exists = TopicExists(ctx.db, topic);
  if (!exists.ok()) return XmlError(500, "InternalError", exists.status().message());
  if (!*exists) return XmlError(404, "NotFound", "Topic does not exist");
  auto lock = ctx.db.Lock();
  auto s = ctx.db.Prepare("SELECT arn, protocol, endpoint, confirmed FROM events_subscriptions "
                          "WHERE topic_arn = ? ORDER BY created_at, arn");
  if (!s.ok()) return XmlError(500, "InternalError", s.status().message());
  s->Bind(1, topic);
  std::string members;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) return XmlError(500, "InternalError", row.status().message());
    if (!*row) break;
    members += "<member><Owner>" + XmlEscape(ctx.bus.account) + "</Owner><Endpoint>" +
               XmlEscape(s->ColumnText(2)) + "</Endpoint><Protocol>" + XmlEscape(s->ColumnText(1)) +
               "</Protocol><SubscriptionArn>" +
               XmlEscape(s->ColumnInt(3) ? s->ColumnText(0) : "PendingConfirmation") +
               "</SubscriptionArn><TopicArn>" + XmlEscape(topic) + "</TopicArn></member>";
  }
  return XmlOk("ListSubscriptionsByTopic", "<Subscriptions>" + members + "</Subscriptions>");
}

http::Response SnsPublish(const Form& form, Context& ctx) {
  std::string topic = FormValue(form, "TopicArn").value_or(FormValue(form, "TargetArn").value_or(""));
  auto message = FormValue(form, "Message");
  if (!message || message->empty()) {
    return XmlError(400, "InvalidParameter", "Invalid parameter: Empty message");
  }
  auto exists = TopicExists(ctx.db, topic);
  if (!exists.ok()) return XmlError(500, "InternalError", exists.status().message());
  if (!*exists) return XmlError(404, "NotFound", "Topic does not exist");
  // Direct publishes are delivered once, synchronously; rule targets go through the outbox.
  (void)ev::PublishToTopic(ctx.db, topic, *message, ctx.http_timeout);
  return XmlOk("Publish", "<MessageId>" + NewUuid() + "</MessageId>");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos <= body.size() && out.size() < 1000) {
    size_t amp = body.find('&', pos);
    if (amp == std::string_view::npos) amp = body.size();
    std::string part(body.substr(pos, amp - pos));
    if (!part.empty()) {
      for (char& c : part) {
        if (c == '+') c = ' ';
      }
      size_t eq = part.find('=');
      if (eq == std::string::npos) {
        out.emplace_back(http::PercentDecode(part), "");
      } else {
        out.emplace_back(http::PercentDecode(part.substr(0, eq)),
                         http::PercentDecode(part.substr(eq + 1)));
      }
    }
    pos = amp + 1;
  }
  return out;
}

bool IsEventBridgeRequest(const http::Request& request) {
  auto target = request.headers.Get("X-Amz-Target");
  return request.method == http::Method::kPost && target &&
         target->rfind(kTargetPrefix, 0) == 0;
}

bool IsSnsRequest(const http::Request& request) {
  if (request.path != "/") return false;
  if (request.method == http::Method::kGet) {
    return request.QueryParam("Action").value_or("") == "ConfirmSubscription";
  }
  if (request.method != http::Method::kPost || request.headers.Get("X-Amz-Target")) return false;
  auto type = request.headers.Get("Content-Type");
  if (!type || type->find("application/x-www-form-urlencoded") == std::string_view::npos) {
    return false;
  }
  auto auth = request.headers.Get("Authorization");
  return !auth || auth->find("/sns/aws4_request") != std::string_view::npos;
}

http::Response HandleEventBridge(const http::Request& request, Context& ctx) {
  const std::string target(request.headers.Get("X-Amz-Target").value_or(""));
  const std::string op = target.substr(std::min(target.size(), sizeof(kTargetPrefix) - 1));
  auto text = request.body->ReadAll(kMaxRequestBytes);
  if (!text.ok()) return JsonError(400, ev::kValidationException, "request body too large");
  if (!ctx.verifier) {
    return JsonError(500, "InternalException", "signature verification is not configured");
  }
  auto verified = aws::VerifyRequest(*ctx.verifier, request, *text, kEventsService);
  if (!verified.ok()) {
    const Status& s = verified.status();
    if (s.domain_code().empty()) return JsonError(500, "InternalException", "internal error");
    return JsonError(auth::AuthErrorHttpStatus(auth::ErrorProtocol::kAwsJson), s.domain_code(),
                     s.message());
  }
  Json body = Json::object();
  if (!text->empty()) {
    auto parsed = ParseJson(*text, 64);
    if (!parsed.ok() || !parsed->is_object()) {
      return JsonError(400, "SerializationException", "the request body is not a JSON object");
    }
    body = std::move(*parsed);
  }
  Result<Json> result = Json::object();
  if (op == "PutRule") result = DoPutRule(body, ctx);
  else if (op == "DescribeRule") result = DoDescribeRule(body, ctx);
  else if (op == "ListRules") result = DoListRules(body, ctx);
  else if (op == "DeleteRule") result = DoDeleteRule(body, ctx);
  else if (op == "EnableRule") result = DoSetState(body, ctx, "ENABLED");
  else if (op == "DisableRule") result = DoSetState(body, ctx, "DISABLED");
  else if (op == "PutTargets") result = DoPutTargets(body, ctx);
  else if (op == "RemoveTargets") result = DoRemoveTargets(body, ctx);
  else if (op == "ListTargetsByRule") result = DoListTargets(body, ctx);
  else if (op == "TestEventPattern") result = DoTestEventPattern(body, ctx);
  else return JsonError(400, "UnknownOperationException", "Unknown operation " + op);
  if (!result.ok()) return FromStatus(result.status());
  return Ok(*result);
}

http::Response HandleSns(const http::Request& request, Context& ctx) {
  Form form;
  std::string text;
  if (request.method == http::Method::kGet) {
    form = ParseForm(request.query);
  } else {
    auto read = request.body->ReadAll(kMaxRequestBytes);
    if (!read.ok()) return XmlError(400, "InvalidParameter", "request body too large");
    text = std::move(*read);
    form = ParseForm(text);
  }
  const std::string action = FormValue(form, "Action").value_or("");
  // An unsigned ConfirmSubscription is a subscriber following its SubscribeURL: the Token it
  // carries (64 random bytes, known only to that endpoint) authorises it. Everything else, and a
  // ConfirmSubscription that does carry a signature, must verify.
  const bool unsigned_confirm =
      action == "ConfirmSubscription" && !request.headers.Get("Authorization");
  if (!unsigned_confirm) {
    if (!ctx.verifier) {
      return XmlError(500, "InternalError", "signature verification is not configured");
    }
    auto verified = aws::VerifyRequest(*ctx.verifier, request, text, kSnsService);
    if (!verified.ok()) {
      const Status& s = verified.status();
      if (s.domain_code().empty()) return XmlError(500, "InternalError", "internal error");
      return XmlError(auth::AuthErrorHttpStatus(auth::ErrorProtocol::kQuery), s.domain_code(),
                      s.message());
    }
  }
  if (action == "CreateTopic") return SnsCreateTopic(form, ctx);
  if (action == "Subscribe") return SnsSubscribe(request, form, ctx);
  if (action == "ConfirmSubscription") return SnsConfirm(form, ctx);
  if (action == "ListSubscriptionsByTopic") return SnsListSubscriptions(form, ctx);
  if (action == "Publish") return SnsPublish(form, ctx);
  return XmlError(400, "InvalidAction", "The action " + action + " is not valid for this endpoint.");
}

void AddRoutes(http::Router& router, Context& ctx) {
  router.Add("events", IsEventBridgeRequest,
             [&ctx](http::Request& r) { return HandleEventBridge(r, ctx); });
  router.Add("sns", IsSnsRequest, [&ctx](http::Request& r) { return HandleSns(r, ctx); });
}

}  // namespace surveyor::api::events
