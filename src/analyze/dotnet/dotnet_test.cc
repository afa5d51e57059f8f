#include "analyze/dotnet/dotnet.h"

#include <gtest/gtest.h>

namespace surveyor::analyze::dotnet {
namespace {

TEST(DepsJson, PackagesOnly) {
  auto r = ParseDepsJson(R"({
    "runtimeTarget": {"name": ".NETCoreApp,Version=v6.0"},
    "targets": {},
    "libraries": {
      "MyApp/1.0.0": {"type": "project", "serviceable": false},
      "Newtonsoft.Json/13.0.1": {"type": "package", "serviceable": true, "sha512": "sha512-x"},
      "Serilog/2.10.0": {"type": "package"},
      "broken": {"type": "package"}
    }})");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> got;
  for (auto& p : *r) got.push_back(p.name + "@" + p.version);
  EXPECT_EQ(got, (std::vector<std::string>{"Newtonsoft.Json@13.0.1", "Serilog@2.10.0"}));
  EXPECT_FALSE(ParseDepsJson("{}").ok());
  EXPECT_FALSE(ParseDepsJson("nope").ok());
}

}  // namespace
}  // namespace surveyor::analyze::dotnet
