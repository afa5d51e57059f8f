// A thin RAII layer over SQLite: a connection opened in WAL mode, prepared statements with typed
// binds and columns, transactions, and versioned schema migrations. A Database is shared by
// threads through its mutex (`Lock()`); statements belong to the thread holding the lock.
// Prepared statements are kept for reuse (a bounded cache keyed by SQL text): a Statement goes
// back to its Database, reset, when it is destroyed, so it must not outlive the Database.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace surveyor::store {

class Database;

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  // A statement that returns to `owner`'s cache under `sql` when destroyed.
  Statement(Database* owner, sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), owner_(owner), sql_(std::move(sql)) {}
  ~Statement();
  Statement(Statement&& o) noexcept
      : db_(o.db_), stmt_(o.stmt_), owner_(o.owner_), sql_(std::move(o.sql_)) {
    o.stmt_ = nullptr;
    o.owner_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds are 1-based, as in SQLite. They return *this for chaining.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& BindDouble(int index, double value);
  Statement& BindOptional(int index, const std::optional<std::string>& text);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();
  // Makes the statement ready to run again with new bindings.
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }

  int64_t ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }
  double ColumnDouble(int index) const { return sqlite3_column_double(stmt_, index); }
  std::string ColumnText(int index) const;
  // Valid until the next Step, Reset or column read of this statement.
  std::string_view ColumnView(int index) const {
    const auto* p = sqlite3_column_blob(stmt_, index);
    const int n = sqlite3_column_bytes(stmt_, index);
    return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
             : std::string_view();
  }
  bool ColumnIsNull(int index) const { return sqlite3_column_type(stmt_, index) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  Database* owner_ = nullptr;
  std::string sql_;
};

// One step of a component's schema. Append only: a released step is never edited.
struct Migration {
  int version;
  const char* description;
  const char* sql;  // one or more statements
};

class Database {
 public:
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens (creating) the file in WAL mode with synchronous=FULL, so that a committed transaction
  // survives kill -9 and power loss. ":memory:" works for tests.
  // The page cache holds up to kPageCacheMiB of the file (SQLite's own default is 2 MiB): a
  // re-match reads every affected image's inventory and findings, and with the small default
  // those pages were read again from the OS on every visit (about 20% of a 10,000-image
  // re-evaluation). Pages are cached only as they are read, so a small database stays small.
  static constexpr int kPageCacheMiB = 64;
  static Result<std::unique_ptr<Database>> Open(const std::string& path);

  // Applies `component`'s migrations whose version is above the one recorded for it, each in its
  // own transaction with the version bump. Versions must be increasing. Each component (registry,
  // scan, events, ...) owns its list in its own folder; they share one database file.
  Status Migrate(std::string_view component, const std::vector<Migration>& migrations);
  // The version recorded for `component`; 0 when it has none yet.
  int SchemaVersion(std::string_view component);
  // Refreshes the query planner's statistics (ANALYZE, approximate: a bounded sample of each
  // index, milliseconds even for millions of rows). Joins whose best order depends on the data
  // (findings and their score rows) need them; the server runs this at start and periodically.
  Status Analyze();

  std::unique_lock<std::recursive_mutex> Lock() { return std::unique_lock(mu_); }

  Result<Statement> Prepare(std::string_view sql);
  Status Exec(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  // True while a transaction is open on this connection.
  bool InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

  Status Begin() { return Exec("BEGIN IMMEDIATE"); }
  Status Commit() { return Exec("COMMIT"); }
  void Rollback() { (void)Exec("ROLLBACK"); }

 private:
  friend class Statement;
  static constexpr size_t kMaxCachedStatements = 256;
  explicit Database(sqlite3* db) : db_(db) {}
  // Takes back a statement that was handed out by Prepare (finalizes it when the cache is full
  // or already holds one for the same SQL).
  void Release(std::string sql, sqlite3_stmt* stmt);
  sqlite3* db_;
  std::recursive_mutex mu_;
  std::mutex cache_mu_;  // guards cache_ only: Prepare may run without the database lock
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// Holds the database lock and an open transaction; rolls back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db), lock_(db.Lock()) { begin_ = db_.Begin(); }
  ~Transaction() {
    if (begin_.ok() && !committed_) db_.Rollback();
  }
  const Status& begin_status() const { return begin_; }
  Status Commit() {
    RETURN_IF_ERROR(begin_);
    Status s = db_.Commit();
    committed_ = s.ok();
    return s;
  }

 private:
  Database& db_;
  std::unique_lock<std::recursive_mutex> lock_;
  Status begin_;
  bool committed_ = false;
};

Status SqliteError(sqlite3* db, std::string_view what);

// Joins the caller's open transaction when this thread has one (so that the caller's other
// writes commit atomically with these), otherwise opens its own. Holds the database lock for its
// lifetime, so "a transaction is open" can only mean this thread's; not shared between threads.
class MaybeTransaction {
 public:
  explicit MaybeTransaction(Database& db) : lock_(db.Lock()) {
    if (db.InTransaction()) return;
    tx_.emplace(db);
  }
  const Status& begin_status() const { return tx_ ? tx_->begin_status() : ok_; }
  Status Commit() { return tx_ ? tx_->Commit() : Status::Ok(); }

 private:
  std::unique_lock<std::recursive_mutex> lock_;
  std::optional<Transaction> tx_;
  Status ok_;
};

}  // namespace surveyor::store
