#include "api/inspector/filter_criteria.h"

#include <gtest/gtest.h>

namespace surveyor::api::inspector {
namespace {

TEST(FilterCriteria, ScenarioCriteriaAreValid) {
  // SCENARIOS §5 and §6.
  const char* ok[] = {
      R"({"resourceType":[{"comparison":"EQUALS","value":"AWS_ECR_CONTAINER_IMAGE"}],
          "findingStatus":[{"comparison":"EQUALS","value":"ACTIVE"}]})",
      R"({"ecrImageRepositoryName":[{"comparison":"EQUALS","value":"prod-my-app"}],
          "ecrImageTags":[{"comparison":"PREFIX","value":"v"}],
          "severity":[{"comparison":"EQUALS","value":"CRITICAL"}]})",
      R"({"firstObservedAt":[{"startInclusive":1704067200,"endInclusive":1706704215}],
          "inspectorScore":[{"lowerInclusive":7.0}],
          "resourceTags":[{"comparison":"EQUALS","key":"team","value":"sec"}],
          "portRange":[{"beginInclusive":22,"endInclusive":22}],
          "vulnerablePackages":[{"name":{"comparison":"EQUALS","value":"openssl"},
                                 "epoch":{"lowerInclusive":0}}]})",
  };
  for (const char* text : ok) {
    auto j = ParseJson(text);
    ASSERT_TRUE(j.ok());
    Status s = ValidateFilterCriteria(*j, "filterCriteria");
    EXPECT_TRUE(s.ok()) << s.message();
  }
}

TEST(FilterCriteria, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* field;
  };
  const Case cases[] = {
      {R"({"severity":[{"comparison":"LIKE","value":"HIGH"}]})",
       "'filterCriteria.severity.1.member.comparison'"},
      {R"({"severity":[{"comparison":"EQUALS","value":""}]})",
       "'filterCriteria.severity.1.member.value'"},
      {R"({"severity":[]})", "'filterCriteria.severity'"},
      {R"({"colour":[{"comparison":"EQUALS","value":"red"}]})", "'filterCriteria.colour'"},
      {R"({"portRange":[{"beginInclusive":70000}]})",
       "'filterCriteria.portRange.1.member.beginInclusive'"},
      {R"({"firstObservedAt":[{"startInclusive":"yesterday"}]})",
       "'filterCriteria.firstObservedAt.1.member.startInclusive'"},
      {R"({"resourceTags":[{"comparison":"EQUALS"}]})",
       "'filterCriteria.resourceTags.1.member.key'"},
      {R"({"vulnerablePackages":[{"name":{"comparison":"EQUALS"}}]})",
       "'filterCriteria.vulnerablePackages.1.member.name.value'"},
      {R"({"title":[{"comparison":"EQUALS","value":"x"},{"comparison":"EQUALS","value":"x"},
          {"comparison":"EQUALS","value":"x"},{"comparison":"EQUALS","value":"x"},
          {"comparison":"EQUALS","value":"x"},{"comparison":"EQUALS","value":"x"},
          {"comparison":"EQUALS","value":"x"},{"comparison":"EQUALS","value":"x"},
          {"comparison":"EQUALS","value":"x"},{"comparison":"EQUALS","value":"x"},
          {"comparison":"EQUALS","value":"x"}]})",
       "'filterCriteria.title'"},
  };
  for (const auto& c : cases) {
    auto j = ParseJson(c.json);
    ASSERT_TRUE(j.ok()) << c.json;
    Status s = ValidateFilterCriteria(*j, "filterCriteria");
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.domain_code(), "ValidationException");
    EXPECT_NE(s.message().find(c.field), std::string::npos) << s.message();
  }
}

}  // namespace
}  // namespace surveyor::api::inspector
