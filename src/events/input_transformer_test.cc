// Input, InputPath and InputTransformer rendering and validation. Expected outputs are the
// examples of AWS's "Amazon EventBridge input transformation" page and SPEC.md §10, worked by hand.
#include "events/input_transformer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "events/flat_event.h"
#include "events/pattern.h"

namespace surveyor::events {
namespace {

const Json kEc2Event = Json::parse(R"({"version":"0","id":"7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012",
  "time":"2015-11-11T21:29:54Z","region":"us-east-1",
  "resources":["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  "detail":{"instance-id":"i-0123456789","state":"RUNNING","count":3,"tags":["a","b"]}})");

const ReservedVariables kReserved{"arn:aws:events:us-east-1:123456789012:rule/my-rule", "my-rule",
                                  "2015-11-11T21:29:55Z"};

struct RenderCase {
  const char* name;
  std::map<std::string, std::string> paths;
  const char* input_template;
  const char* expected;
};

TEST(InputTransformer, RendersAwsExamples) {
  const std::map<std::string, std::string> paths = {{"instance", "$.detail.instance-id"},
                                                    {"state", "$.detail.state"}};
  const RenderCase cases[] = {
      {"string template", paths, R"("instance <instance> is in <state>")",
       R"("instance i-0123456789 is in RUNNING")"},
      {"json template, values", paths, R"({"instance" : <instance>, "state": <state>})",
       R"({"instance" : "i-0123456789", "state": "RUNNING"})"},
      {"json template, mixed static", paths,
       R"({"instance" : <instance>, "state": [ 9, <state>, true ], "Transformed" : "Yes"})",
       R"({"instance" : "i-0123456789", "state": [ 9, "RUNNING", true ], "Transformed" : "Yes"})"},
      {"string template with escaped quotes", paths, R"("<instance> is in state \"<state>\"")",
       R"("i-0123456789 is in state \"RUNNING\"")"},
      {"placeholder inside a json string", paths,
       R"({"msg": "instance \"<instance>\" is in <state>"})",
       R"({"msg": "instance \"i-0123456789\" is in RUNNING"})"},
      {"number and array values",
       {{"n", "$.detail.count"}, {"t", "$.detail.tags"}},
       R"({"n": <n>, "t": <t>, "s": "<n> and <t>"})",
       R"({"n": 3, "t": ["a","b"], "s": "3 and ["a","b"]"})"},
      {"array index path",
       {{"r", "$.resources[0]"}},
       R"({"r": <r>})",
       R"({"r": "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"})"},
      {"bracketed member name",
       {{"dt", "$['detail-type']"}},
       R"("<dt>")",
       R"("EC2 Instance State-change Notification")"},
      {"missing path",
       {{"x", "$.detail.nope"}},
       R"({"x": <x>, "s": "[<x>]"})",
       R"({"x": null, "s": "[]"})"},
      {"reserved variables",
       {},
       R"({"rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "at": <aws.events.event.ingestion-time>})",
       R"({"rule": "my-rule", "arn": "arn:aws:events:us-east-1:123456789012:rule/my-rule", "at": "2015-11-11T21:29:55Z"})"},
      {"unknown placeholder stays literal", paths, R"("<b>bold</b> <state>")",
       R"("<b>bold</b> RUNNING")"},
  };
  for (const auto& c : cases) {
    InputTransformer t{c.paths, c.input_template};
    EXPECT_TRUE(ValidateInputTransformer(t).ok() ||
                std::string(c.name) == "number and array values")
        << c.name << ": " << ValidateInputTransformer(t).ToString();
    auto out = RenderInputTransformer(t, kEc2Event, kReserved);
    ASSERT_TRUE(out.ok()) << c.name << ": " << out.status().ToString();
    EXPECT_EQ(*out, c.expected) << c.name;
  }
}

TEST(InputTransformer, EventVariables) {
  InputTransformer t{{}, R"({"e": <aws.events.event>, "full": <aws.events.event.json>})"};
  ASSERT_TRUE(ValidateInputTransformer(t).ok());
  auto out = RenderInputTransformer(t, kEc2Event, kReserved);
  ASSERT_TRUE(out.ok());
  auto parsed = ParseJson(*out);
  ASSERT_TRUE(parsed.ok()) << *out;
  EXPECT_FALSE((*parsed)["e"].contains("detail"));
  EXPECT_EQ((*parsed)["e"]["source"], "aws.ec2");
  EXPECT_EQ((*parsed)["full"], kEc2Event);
}

TEST(InputTransformer, ValidationErrors) {
  const std::map<std::string, std::string> ok_paths = {{"state", "$.detail.state"}};
  const std::pair<InputTransformer, const char*> bad[] = {
      {{ok_paths, ""}, "empty"},
      {{ok_paths, std::string(8193, ' ')}, "longer than 8192"},
      {{ok_paths, R"({"a": <state>)"}, "not valid JSON"},
      {{ok_paths, R"({<state>: 1})"}, "object key"},
      {{ok_paths, R"({"a": <undefined>})"}, "not valid JSON"},
      {{{}, R"("x <aws.events.event> y")"}, "inside a quoted string"},
      {{{}, R"({"a": "<aws.events.event.json>"})"}, "inside a quoted string"},
      {{{{"bad.key", "$.a"}}, R"("x")"}, "[A-Za-z0-9_-]+"},
      {{{{"", "$.a"}}, R"("x")"}, "1 to 256"},
      {{{{"k", "$." + std::string(300, 'a')}}, R"("x")"}, "longer than 256"},
  };
  for (const auto& [t, fragment] : bad) {
    const Status s = ValidateInputTransformer(t);
    ASSERT_FALSE(s.ok()) << t.input_template;
    EXPECT_EQ(s.domain_code(), kValidationException);
    EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
  }
  InputTransformer many;
  many.input_template = R"("x")";
  for (int i = 0; i < 101; ++i) many.input_paths_map["k" + std::to_string(i)] = "$.a";
  EXPECT_FALSE(ValidateInputTransformer(many).ok());
  many.input_paths_map.erase("k0");
  EXPECT_TRUE(ValidateInputTransformer(many).ok());
}

TEST(JsonPath, ParsesAndRejects) {
  auto p = ParseJsonPath("$.detail.resources[0]['detail-type'].x_y-z");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 5u);
  EXPECT_EQ(std::get<std::string>((*p)[0]), "detail");
  EXPECT_EQ(std::get<size_t>((*p)[2]), 0u);
  EXPECT_EQ(std::get<std::string>((*p)[3]), "detail-type");
  EXPECT_TRUE(ParseJsonPath("$").ok());
  const std::pair<const char*, const char*> bad[] = {
      {"detail.state", "must start with $"}, {"$.a[x]", "bracket"}, {"$..a", "empty member name"},
      {"$.a.*", "only member names"},        {"$.a[0", "unclosed"}, {"$a", "expected . or ["},
  };
  for (const auto& [path, fragment] : bad) {
    auto r = ParseJsonPath(path);
    ASSERT_FALSE(r.ok()) << path;
    EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().message();
  }
  // An unparseable InputPathsMap value is accepted at creation and finds nothing at delivery.
  InputTransformer t{{{"k", "detail.state"}}, R"({"v": <k>, "s": "[<k>]"})"};
  EXPECT_TRUE(ValidateInputTransformer(t).ok());
  EXPECT_EQ(*RenderInputTransformer(t, kEc2Event, kReserved), R"({"v": null, "s": "[]"})");
}

TEST(TargetInput, InputAndInputPath) {
  TargetInput whole;
  auto out = RenderTargetInput(whole, kEc2Event, kReserved);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*ParseJson(*out), kEc2Event);

  TargetInput constant;
  constant.input = R"({"fixed": true})";
  EXPECT_TRUE(ValidateTargetInput(constant).ok());
  EXPECT_EQ(*RenderTargetInput(constant, kEc2Event, kReserved), R"({"fixed": true})");

  TargetInput path;
  path.input_path = "$.detail";
  EXPECT_TRUE(ValidateTargetInput(path).ok());
  EXPECT_EQ(*ParseJson(*RenderTargetInput(path, kEc2Event, kReserved)), kEc2Event["detail"]);

  TargetInput both = constant;
  both.input_path = "$.detail";
  EXPECT_FALSE(ValidateTargetInput(both).ok());
  TargetInput bad_json;
  bad_json.input = "{nope";
  EXPECT_FALSE(ValidateTargetInput(bad_json).ok());
  TargetInput bad_path;
  bad_path.input_path = "detail";
  EXPECT_FALSE(ValidateTargetInput(bad_path).ok());
}

Json LoadEvent(const std::string& name) {
  std::ifstream in(std::string(SURVEYOR_SOURCE_DIR) + "/src/events/testdata/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseJson(ss.str());
  EXPECT_TRUE(parsed.ok()) << name;
  return parsed.ok() ? *parsed : Json::object();
}

TEST(InputTransformer, SpecWorkedExampleOnFindingEvent) {
  const Json event = LoadEvent("inspector2_finding_event.json");
  InputTransformer t{
      {{"repo", "$.detail.resources[0].details.awsEcrContainerImage.repositoryName"},
       {"cve", "$.detail.packageVulnerabilityDetails.vulnerabilityId"},
       {"sev", "$.detail.severity"},
       {"score", "$.detail.inspectorScore"}},
      R"({"text": "<sev> <cve> in <repo>", "score": <score>, "rule": <aws.events.rule-name>})"};
  ASSERT_TRUE(ValidateInputTransformer(t).ok());
  auto out = RenderInputTransformer(t, event, kReserved);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(
      *out,
      R"({"text": "MEDIUM CVE-2019-17498 in amazon/amazon-ecs-sample", "score": 6.5, "rule": "my-rule"})");
}

// SCENARIOS.md §7: the alert rule and its transformer on a CRITICAL finding for prod-my-app:v1.
TEST(Scenario7, CriticalFindingAlert) {
  const Json event = LoadEvent("finding_critical_prod_my_app.json");
  auto flat = FlatEvent::FromJson(event);
  ASSERT_TRUE(flat.ok());
  // The pattern exactly as SCENARIOS.md writes it names "detail.resourceType", an Inspector2
  // *filter* criterion; the Finding in the event has resources[].type instead (SPEC.md §7.2
  // table), so under AWS's semantics it cannot match a finding event of the §8.2 shape.
  auto verbatim = CompiledPattern::Compile(
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],
          "detail":{"severity":["CRITICAL"],"status":["ACTIVE"],"resourceType":["AWS_ECR_CONTAINER_IMAGE"]}})");
  ASSERT_TRUE(verbatim.ok());
  EXPECT_FALSE(verbatim->Matches(*flat));
  // The same rule written against the event's shape.
  auto rule = CompiledPattern::Compile(
      R"({"source":["aws.inspector2"],"detail-type":["Inspector2 Finding"],
          "detail":{"severity":["CRITICAL"],"status":["ACTIVE"],"resources":{"type":["AWS_ECR_CONTAINER_IMAGE"]}}})");
  ASSERT_TRUE(rule.ok());
  EXPECT_TRUE(rule->Matches(*flat));
  Json medium = event;
  medium["detail"]["severity"] = "MEDIUM";
  EXPECT_FALSE(rule->Matches(*FlatEvent::FromJson(medium)));

  InputTransformer t{{{"repo", "$.detail.resources[0].details.awsEcrContainerImage.repositoryName"},
                      {"tag", "$.detail.resources[0].details.awsEcrContainerImage.imageTags[0]"},
                      {"title", "$.detail.title"},
                      {"severity", "$.detail.severity"}},
                     R"("Critical vulnerability in <repo>:<tag> - <title>")"};
  ASSERT_TRUE(ValidateInputTransformer(t).ok());
  auto out = RenderInputTransformer(t, event, kReserved);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, R"("Critical vulnerability in prod-my-app:v1 - CVE-2019-17498 - libssh2")");
  EXPECT_EQ(PayloadAsText(*out),
            "Critical vulnerability in prod-my-app:v1 - CVE-2019-17498 - libssh2");
}

}  // namespace
}  // namespace surveyor::events
