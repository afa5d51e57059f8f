// The registry's in-transaction hook and the "ECR Image Action" observer on it: an image change and
// its event commit together or not at all. A real registry on a file database; the crash cases run
// in a forked child (gtest death tests) that dies inside or just after the registry's transaction,
// and the parent reopens the database to see what survived.
#include "events/registry_observer.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include "events/rules.h"
#include "events/schema.h"
#include "registry/schema.h"
#include "registry/test_push.h"

namespace surveyor::events {
namespace {

// Runs a wrapped observer, then fails (or kills the process) if told to.
class ScriptedObserver final : public registry::TransactionObserver {
 public:
  explicit ScriptedObserver(registry::TransactionObserver* inner) : inner_(inner) {}
  Status fail = Status::Ok();
  int exit_code = -1;  // >= 0: _exit inside the transaction, after the inner observer ran
  bool saw_transaction = false;
  bool saw_manifest = false;

  Status InManifestPushed(store::Database& db, std::string_view repository, const Digest& digest,
                          std::string_view tag, std::string_view media_type) override {
    saw_transaction = db.InTransaction();
    auto stmt = db.Prepare("SELECT 1 FROM manifests WHERE digest = ?");
    if (stmt.ok()) {
      stmt->Bind(1, digest.ToString());
      auto row = stmt->Step();
      saw_manifest = row.ok() && *row;
    }
    if (inner_) RETURN_IF_ERROR(inner_->InManifestPushed(db, repository, digest, tag, media_type));
    return Finish();
  }
  Status InManifestDeleted(store::Database& db, std::string_view repository,
                           const Digest& digest) override {
    if (inner_) RETURN_IF_ERROR(inner_->InManifestDeleted(db, repository, digest));
    return Finish();
  }
  Status InTagDeleted(store::Database& db, std::string_view repository, std::string_view tag,
                      const Digest& digest) override {
    if (inner_) RETURN_IF_ERROR(inner_->InTagDeleted(db, repository, tag, digest));
    return Finish();
  }

 private:
  Status Finish() {
    if (exit_code >= 0) _exit(exit_code);
    return fail;
  }
  registry::TransactionObserver* inner_;
};

// A post-commit observer that can kill the process right after the commit (where the registry
// used to enqueue its events).
class ExitAfterCommit final : public registry::Observer {
 public:
  int exit_code = -1;
  int pushed = 0;
  void OnManifestPushed(std::string_view, const Digest&, std::string_view,
                        std::string_view) override {
    ++pushed;
    if (exit_code >= 0) _exit(exit_code);
  }
  void OnManifestDeleted(std::string_view, const Digest&) override {}
  void OnTagDeleted(std::string_view, std::string_view, const Digest&) override {}
};

class RegistryEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/surveyor-regevents-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Open();
  }
  void TearDown() override {
    registry_.reset();
    db_.reset();
    (void)system(("rm -rf " + dir_).c_str());
  }
  void Open() {
    registry_.reset();
    db_.reset();
    auto db = store::Database::Open(dir_ + "/metadata.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(registry::Migrate(*db_).ok());
    ASSERT_TRUE(Migrate(*db_).ok());
    // Events are written only while some rule listens (outbox.h).
    ASSERT_TRUE(PutRule(*db_, {.name = "listen", .event_pattern = R"({"source":["aws.ecr"]})",
                             .state = "ENABLED", .description = ""}).ok());
    blobs_ = std::make_unique<store::BlobStore>(dir_, PosixFileSystem::Default());
    ASSERT_TRUE(blobs_->Init().ok());
    registry_ = std::make_unique<registry::Registry>(*db_, *blobs_, clock_, registry::Options{});
    scripted_ = std::make_unique<ScriptedObserver>(&events_);
    registry_->AddTransactionObserver(scripted_.get());
    registry_->AddObserver(&after_);
  }

  std::string Manifest() { return registry::ManifestForTest(*registry_, "app"); }
  Result<registry::PutManifestResult> Push(const std::string& manifest, const char* tag) {
    return registry_->PutManifest("app", tag, "application/vnd.oci.image.manifest.v1+json",
                                  manifest);
  }
  // The outbox's events, oldest first, as parsed JSON.
  std::vector<Json> Outbox() {
    std::vector<Json> out;
    auto lock = db_->Lock();
    auto stmt = db_->Prepare("SELECT body FROM events_outbox ORDER BY id");
    EXPECT_TRUE(stmt.ok());
    while (*stmt->Step()) out.push_back(*ParseJson(stmt->ColumnText(0)));
    return out;
  }
  bool HasTag(const char* tag) {
    auto page = registry_->ListTags("app", std::nullopt, "");
    if (!page.ok()) return false;
    return std::find(page->items.begin(), page->items.end(), tag) != page->items.end();
  }

  std::string dir_;
  FakeClock clock_{FromEpochSeconds(1700000000)};
  BusIdentity bus_{"123456789012", "us-east-1", &clock_};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<registry::Registry> registry_;
  RegistryEventObserver events_{bus_};
  std::unique_ptr<ScriptedObserver> scripted_;
  ExitAfterCommit after_;
};

TEST_F(RegistryEventsTest, PushCommitsWithItsEvent) {
  auto pushed = Push(Manifest(), "v1");
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_TRUE(scripted_->saw_transaction);
  EXPECT_TRUE(scripted_->saw_manifest);  // the hook runs after the change, before the commit
  EXPECT_TRUE(registry_->GetManifest("app", "v1", false).ok());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["detail-type"], "ECR Image Action");
  EXPECT_EQ(events[0]["source"], "aws.ecr");
  EXPECT_EQ(events[0]["detail"]["action-type"], "PUSH");
  EXPECT_EQ(events[0]["detail"]["result"], "SUCCESS");
  EXPECT_EQ(events[0]["detail"]["repository-name"], "app");
  EXPECT_EQ(events[0]["detail"]["image-tag"], "v1");
  EXPECT_EQ(events[0]["detail"]["image-digest"], pushed->digest.ToString());
  EXPECT_EQ(after_.pushed, 1);
}

TEST_F(RegistryEventsTest, FailingHookRollsBackThePushAndItsEvent) {
  // The inner observer has enqueued the event by the time the hook fails: both must vanish.
  scripted_->fail = Internal("outbox unavailable");
  auto pushed = Push(Manifest(), "v1");
  ASSERT_FALSE(pushed.ok());
  EXPECT_EQ(pushed.status().message(), "outbox unavailable");
  EXPECT_EQ(registry_->GetManifest("app", "v1", false).status().domain_code(), "MANIFEST_UNKNOWN");
  EXPECT_FALSE(HasTag("v1"));
  EXPECT_TRUE(Outbox().empty());
  EXPECT_EQ(after_.pushed, 0);  // post-commit observers hear nothing of a rolled-back change
}

TEST_F(RegistryEventsTest, DeletionsCommitWithTheirEventsOrRollBack) {
  const std::string manifest = Manifest();
  auto pushed = Push(manifest, "v1");
  ASSERT_TRUE(pushed.ok());
  ASSERT_TRUE(Push(manifest, "v2").ok());
  const std::string digest = pushed->digest.ToString();

  scripted_->fail = Internal("no");
  EXPECT_FALSE(registry_->DeleteManifest("app", "v1").ok());
  EXPECT_TRUE(HasTag("v1"));
  EXPECT_FALSE(registry_->DeleteManifest("app", digest).ok());
  EXPECT_TRUE(registry_->GetManifest("app", digest, false).ok());
  EXPECT_EQ(Outbox().size(), 2u);  // only the two pushes

  scripted_->fail = Status::Ok();
  ASSERT_TRUE(registry_->DeleteManifest("app", "v1").ok());
  EXPECT_FALSE(HasTag("v1"));
  ASSERT_TRUE(registry_->DeleteManifest("app", digest).ok());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[2]["detail"]["action-type"], "DELETE");
  EXPECT_EQ(events[2]["detail"]["image-tag"], "v1");
  EXPECT_EQ(events[2]["detail"]["image-digest"], digest);
  EXPECT_EQ(events[3]["detail"]["action-type"], "DELETE");
  EXPECT_FALSE(events[3]["detail"].contains("image-tag"));
  EXPECT_EQ(events[3]["detail"]["image-digest"], digest);
}

TEST_F(RegistryEventsTest, EnqueueOutsideATransactionIsRefused) {
  Status s = Enqueue(*db_, ImageActionEvent(bus_, "PUSH", "app", "sha256:00", "v1"));
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Outbox().empty());
}

using RegistryEventsDeathTest = RegistryEventsTest;

// In a forked child ("fast" death tests share the parent's memory, so dir_ and the uploaded blobs
// are the parent's): a fresh connection and registry push `manifest`, and the process exits with
// `code` inside the transaction (after the event was written) or just after the commit.
void PushAndDie(const std::string& dir, const std::string& manifest, bool inside, int code) {
  auto db = store::Database::Open(dir + "/metadata.db");
  if (!db.ok()) _exit(100);
  store::BlobStore blobs(dir, PosixFileSystem::Default());
  FakeClock clock{FromEpochSeconds(1700000000)};
  registry::Registry reg(**db, blobs, clock, registry::Options{});
  RegistryEventObserver events(BusIdentity{"123456789012", "us-east-1", &clock});
  ScriptedObserver scripted(&events);
  ExitAfterCommit after;
  (inside ? scripted.exit_code : after.exit_code) = code;
  reg.AddTransactionObserver(&scripted);
  reg.AddObserver(&after);
  (void)reg.PutManifest("app", "v1", "application/vnd.oci.image.manifest.v1+json", manifest);
  _exit(101);  // not reached when the observers work
}

TEST_F(RegistryEventsDeathTest, KilledInsideTheTransactionLeavesNeitherImageNorEvent) {
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string manifest = Manifest();
  EXPECT_EXIT(PushAndDie(dir_, manifest, true, 3), ::testing::ExitedWithCode(3), "");
  Open();
  EXPECT_EQ(registry_->GetManifest("app", "v1", false).status().domain_code(), "MANIFEST_UNKNOWN");
  EXPECT_TRUE(Outbox().empty());
  // The same database takes the push once the process is healthy.
  ASSERT_TRUE(Push(manifest, "v1").ok());
  EXPECT_EQ(Outbox().size(), 1u);
}

TEST_F(RegistryEventsDeathTest, KilledJustAfterTheCommitKeepsImageAndEvent) {
  // Where the event used to be enqueued (after the commit, in a transaction of its own): a kill
  // there lost it. Now it was committed with the image.
  GTEST_FLAG_SET(death_test_style, "fast");
  const std::string manifest = Manifest();
  EXPECT_EXIT(PushAndDie(dir_, manifest, false, 4), ::testing::ExitedWithCode(4), "");
  Open();
  EXPECT_TRUE(registry_->GetManifest("app", "v1", false).ok());
  auto events = Outbox();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["detail"]["action-type"], "PUSH");
  EXPECT_EQ(events[0]["detail"]["image-tag"], "v1");
}

}  // namespace
}  // namespace surveyor::events
