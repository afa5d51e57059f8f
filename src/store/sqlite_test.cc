#include "store/sqlite.h"

#include <gtest/gtest.h>


namespace surveyor::store {
namespace {

TEST(SqliteTest, MigratesOnceAndInOrder) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::vector<Migration> m = {{1, "a", "CREATE TABLE t(x INTEGER)"},
                              {2, "b", "INSERT INTO t VALUES (7)"}};
  ASSERT_TRUE((*db)->Migrate("t", m).ok());
  EXPECT_EQ((*db)->SchemaVersion("t"), 2);
  EXPECT_EQ((*db)->SchemaVersion("other"), 0);
  ASSERT_TRUE((*db)->Migrate("t", m).ok());  // a second run applies nothing
  auto stmt = (*db)->Prepare("SELECT count(*), sum(x) FROM t");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnInt(0), 1);
  EXPECT_EQ(stmt->ColumnInt(1), 7);
}

TEST(SqliteTest, FailedMigrationChangesNothing) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  std::vector<Migration> m = {{1, "ok", "CREATE TABLE t(x)"},
                              {2, "broken", "CREATE TABLE u(y); SELECT * FROM nope"}};
  Status s = (*db)->Migrate("t", m);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("t migration 2"), std::string::npos);
  EXPECT_EQ((*db)->SchemaVersion("t"), 1);
  EXPECT_FALSE((*db)->Prepare("SELECT * FROM u").ok());  // rolled back
}

TEST(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("CREATE TABLE t(x)").ok());
  {
    Transaction tx(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    Transaction tx(**db);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx.Commit().ok());
  }
  auto stmt = (*db)->Prepare("SELECT group_concat(x) FROM t");
  ASSERT_TRUE(*stmt->Step());
  EXPECT_EQ(stmt->ColumnText(0), "2");
}

TEST(SqliteTest, ComponentsHaveSeparateTracks) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Migrate("a", {{1, "a1", "CREATE TABLE a(x)"}, {2, "a2", "CREATE TABLE a2(x)"}}).ok());
  // b's first version is applied although a is already at 2.
  ASSERT_TRUE((*db)->Migrate("b", {{1, "b1", "CREATE TABLE b(x)"}}).ok());
  EXPECT_EQ((*db)->SchemaVersion("a"), 2);
  EXPECT_EQ((*db)->SchemaVersion("b"), 1);
  EXPECT_TRUE((*db)->Prepare("SELECT * FROM b").ok());
}

TEST(SqliteTest, ReusedStatementsStartClean) {
  auto db = std::move(*Database::Open(":memory:"));
  ASSERT_TRUE(db->Exec("CREATE TABLE t(a INTEGER, b TEXT)").ok());
  const char* insert = "INSERT INTO t(a, b) VALUES (?, ?)";
  {
    auto s = db->Prepare(insert);
    s->Bind(1, int64_t{1}).Bind(2, "one");
    ASSERT_TRUE(s->Run().ok());
  }
  {
    // The same SQL again: the cached statement comes back reset, with no bindings left.
    auto s = db->Prepare(insert);
    s->Bind(1, int64_t{2});
    ASSERT_TRUE(s->Run().ok());
  }
  {
    // Two live statements of one SQL text are two statements; a half-read one is reset when it
    // goes back, so its read does not leak into the next user.
    auto a = db->Prepare("SELECT a, b FROM t ORDER BY a");
    auto b = db->Prepare("SELECT a, b FROM t ORDER BY a");
    ASSERT_TRUE(*a->Step());
    ASSERT_TRUE(*b->Step());
    EXPECT_EQ(a->ColumnInt(0), 1);
    EXPECT_EQ(b->ColumnInt(0), 1);
  }
  auto s = db->Prepare("SELECT a, b FROM t ORDER BY a");
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->ColumnInt(0), 1);
  EXPECT_EQ(s->ColumnText(1), "one");
  ASSERT_TRUE(*s->Step());
  EXPECT_EQ(s->ColumnInt(0), 2);
  EXPECT_TRUE(s->ColumnIsNull(1));
  EXPECT_FALSE(*s->Step());
  // A schema change is picked up by a cached statement.
  { ASSERT_TRUE(*db->Prepare("SELECT * FROM t ORDER BY a")->Step()); }
  ASSERT_TRUE(db->Exec("ALTER TABLE t ADD COLUMN c INTEGER DEFAULT 7").ok());
  auto star = db->Prepare("SELECT * FROM t ORDER BY a");
  ASSERT_TRUE(*star->Step());
  EXPECT_EQ(star->ColumnInt(2), 7);
}

}  // namespace
}  // namespace surveyor::store
