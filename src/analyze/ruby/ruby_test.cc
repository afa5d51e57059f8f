#include "analyze/ruby/ruby.h"

#include <gtest/gtest.h>

#include "analyze/test_util.h"

namespace surveyor::analyze::ruby {
namespace {

TEST(GemfileLock, TrivyNormal) {
  LOAD_SHARED_OR_SKIP(text, "trivy/pkg/dependency/parser/ruby/bundler/testdata/Gemfile_normal.lock");
  auto r = ParseGemfileLock(text);
  ASSERT_TRUE(r.ok());
  std::vector<std::string> got;
  for (auto& p : *r) got.push_back(p.name + "@" + p.version);
  EXPECT_EQ(got, (std::vector<std::string>{"coderay@1.1.2", "concurrent-ruby@1.1.5", "dotenv@2.7.2",
                                           "faker@1.9.3", "i18n@1.6.0", "method_source@0.9.2",
                                           "pry@0.12.2"}));
  EXPECT_FALSE(ParseGemfileLock("    indented only\n").ok());
}

TEST(Gemspec, RubygemsStyle) {
  auto p = ParseGemspec(
      "# -*- encoding: utf-8 -*-\n# stub: rake 13.0.6 ruby lib\n\nGem::Specification.new do |s|\n"
      "  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\n  s.summary = \"x\"\nend\n");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "rake");
  EXPECT_EQ(p->version, "13.0.6");
  auto q = ParseGemspec("Gem::Specification.new do |spec|\n spec.name = 'x'\n spec.version = Gem::Version.new('1.2')\nend\n");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->version, "1.2");
  EXPECT_FALSE(ParseGemspec("s.name = \"only\"\n").ok());
}

}  // namespace
}  // namespace surveyor::analyze::ruby
