#include "cli/config.h"

#include <gtest/gtest.h>

#include <fstream>

namespace surveyor::cli {
namespace {

std::string WriteTemp(const std::string& text) {
  static int n = 0;
  const std::string path = "/tmp/surveyor-config-test-" + std::to_string(::getpid()) + "-" +
                           std::to_string(n++) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(ConfigTest, FileOverridesDefaults) {
  ServeConfig c;
  const std::string path = WriteTemp(
      "listen: 0.0.0.0:6000\ndata: /srv/surveyor\nlog:\n  level: debug\n  json: true\n"
      "registry:\n  max_manifest_bytes: 1024\n  create_repository_on_push: false\n"
      "http:\n  idle_timeout_seconds: 5\n");
  ASSERT_TRUE(LoadConfigFile(path, c).ok());
  EXPECT_EQ(c.listen, "0.0.0.0:6000");
  EXPECT_EQ(c.data_dir, "/srv/surveyor");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_TRUE(c.log_json);
  EXPECT_EQ(c.max_manifest_bytes, 1024u);
  EXPECT_FALSE(c.create_repository_on_push);
  EXPECT_EQ(c.idle_timeout_seconds, 5u);
  EXPECT_EQ(c.io_timeout_seconds, 60u);  // untouched default
}

TEST(ConfigTest, ErrorsNameTheKey) {
  const struct {
    std::string text;
    std::string message;
  } cases[] = {
      {"lisen: x\n", "unknown config key 'lisen'"},
      {"http:\n  idle_timeout_seconds: soon\n", "'http.idle_timeout_seconds' must be a non-negative"},
      {"registry:\n  create_repository_on_push: maybe\n", "must be true or false"},
      {"http: 3\n", "section 'http' must be a mapping"},
      {"listen: [1\n", "config file"},
  };
  for (const auto& c : cases) {
    ServeConfig config;
    Status s = LoadConfigFile(WriteTemp(c.text), config);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
  ServeConfig config;
  EXPECT_EQ(LoadConfigFile("/nonexistent/surveyor.yaml", config).code(), StatusCode::kNotFound);
}

TEST(ConfigTest, InspectorExportDir) {
  ServeConfig c;
  EXPECT_EQ(c.inspector_export_dir, "");  // serve uses <data>/exports
  ASSERT_TRUE(LoadConfigFile(WriteTemp("inspector:\n  export_dir: /srv/exports\n"), c).ok());
  EXPECT_EQ(c.inspector_export_dir, "/srv/exports");
  Status s = LoadConfigFile(WriteTemp("inspector:\n  export_bucket: x\n"), c);
  EXPECT_NE(s.message().find("unknown config key 'inspector.export_bucket'"), std::string::npos)
      << s.message();
}

TEST(ConfigTest, LifecycleInterval) {
  ServeConfig defaults;
  EXPECT_EQ(defaults.lifecycle_interval_seconds, 3600u);  // hourly
  const struct {
    std::string text;
    bool ok;
    uint64_t seconds;
  } cases[] = {
      {"1h", true, 3600},    {"30m", true, 1800},  {"90s", true, 90},
      {"2d", true, 172800},  {"45", true, 45},     {"0", true, 0},
      {"0h", true, 0},       {"", false, 0},       {"h", false, 0},
      {"1.5h", false, 0},    {"-1h", false, 0},    {"1w", false, 0},
      {"1 h", false, 0},     {"99999999999d", false, 0},
  };
  for (const auto& c : cases) {
    auto r = ParseDurationSeconds(c.text, "lifecycle.interval");
    ASSERT_EQ(r.ok(), c.ok) << "'" << c.text << "'";
    if (c.ok) {
      EXPECT_EQ(*r, c.seconds) << c.text;
    } else {
      EXPECT_NE(r.status().message().find("lifecycle.interval"), std::string::npos);
    }
  }
  ServeConfig c;
  ASSERT_TRUE(LoadConfigFile(WriteTemp("lifecycle:\n  interval: 15m\n"), c).ok());
  EXPECT_EQ(c.lifecycle_interval_seconds, 900u);
  ServeConfig off;
  ASSERT_TRUE(LoadConfigFile(WriteTemp("lifecycle:\n  interval: 0\n"), off).ok());
  EXPECT_EQ(off.lifecycle_interval_seconds, 0u);
  ServeConfig bad;
  EXPECT_FALSE(LoadConfigFile(WriteTemp("lifecycle:\n  interval: soon\n"), bad).ok());
  EXPECT_FALSE(LoadConfigFile(WriteTemp("lifecycle:\n  every: 1h\n"), bad).ok());
}

TEST(ConfigTest, SplitListen) {
  std::string host;
  uint16_t port = 1;
  ASSERT_TRUE(SplitListen("127.0.0.1:0", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(SplitListen("127.0.0.1", host, port).ok());
  EXPECT_FALSE(SplitListen(":80", host, port).ok());
  EXPECT_FALSE(SplitListen("h:65536", host, port).ok());
  EXPECT_FALSE(SplitListen("h:8x", host, port).ok());
}

}  // namespace
}  // namespace surveyor::cli
