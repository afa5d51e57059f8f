// End-to-end: botocore's own SigV4 signer (Debian's /usr/bin/python3 with python3-botocore)
// signs requests with the key written by EnsureBootstrapKey; our verifier over the SQLite key
// store must accept the good ones and give the exact error name for the bad ones.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "auth/bootstrap.h"
#include "auth/crypto.h"
#include "auth/sigv4.h"
#include "auth/sigv4_test_util.h"
#include "auth/sqlite_key_store.h"
#include "common/fs.h"
#include "common/json.h"

namespace surveyor::auth {
namespace {

namespace fs = std::filesystem;

TEST(Boto3EndToEndTest, BotocoreSignedRequestsVerify) {
  const char* python = "/usr/bin/python3";
  if (::access(python, X_OK) != 0) GTEST_SKIP() << "no " << python;
  const fs::path dir =
      fs::temp_directory_path() / ("surveyor-auth-e2e-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = SqliteKeyStore::Open({(dir / "keys.db").string(), (dir / "keys.key").string()});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto boot = EnsureBootstrapKey(dir.string(), **store);
  ASSERT_TRUE(boot.ok()) << boot.status().ToString();
  ASSERT_TRUE(boot->created);

  const std::string script = std::string(SURVEYOR_SOURCE_DIR) + "/src/auth/testdata/boto3_sign.py";
  const std::string out = (dir / "signed.json").string();
  const std::string cmd = std::string(python) + " " + script + " " + boot->path + " " + out;
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc)) << cmd;
  if (WEXITSTATUS(rc) == 77) {
    fs::remove_all(dir);
    GTEST_SKIP() << "botocore is not installed for " << python;
  }
  ASSERT_EQ(WEXITSTATUS(rc), 0) << cmd;

  auto text = PosixFileSystem::Default().ReadFile(out, 8 << 20);
  ASSERT_TRUE(text.ok());
  auto cases = ParseJson(*text);
  ASSERT_TRUE(cases.ok());
  ASSERT_EQ(cases->size(), 11u);
  SigV4Verifier verifier(**store, SystemClock::Default(), SigV4Config{});
  for (const Json& c : *cases) {
    SCOPED_TRACE(c.value("label", ""));
    testing::OwnedRequest r;
    r.method = c.value("method", "");
    r.path = c.value("path", "");
    r.query = c.value("query", "");
    for (const Json& h : c.at("headers")) {
      r.headers.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    }
    auto body = Base64Decode(c.value("body_b64", ""));
    ASSERT_TRUE(body.ok());
    r.body = *body;
    const std::string service = c.value("service", "");
    const ServiceSpec spec = service == "ecr" ? kEcrService : kInspector2Service;
    auto result = verifier.Verify(r.View(), spec);
    const std::string expect = c.value("expect", "");
    if (expect == "ok") {
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      EXPECT_EQ(result->access_key_id, boot->access_key_id);
      EXPECT_EQ(result->user_name, "admin");
    } else {
      EXPECT_EQ(result.status().domain_code(), expect) << result.status().ToString();
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace surveyor::auth
