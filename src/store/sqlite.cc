#include "store/sqlite.h"

namespace surveyor::store {

Status SqliteError(sqlite3* db, std::string_view what) {
  const int code = sqlite3_errcode(db);
  std::string msg = std::string(what) + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_FULL) return ResourceExhausted(std::move(msg));
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) return Unavailable(std::move(msg));
  if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) return DataLoss(std::move(msg));
  if (code == SQLITE_CONSTRAINT) return AlreadyExists(std::move(msg));
  return Internal(std::move(msg));
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}
Statement& Statement::BindOptional(int index, const std::optional<std::string>& text) {
  return text ? Bind(index, *text) : BindNull(index);
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, "sqlite step");
}

Status Statement::Run() {
  for (;;) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

std::string Statement::ColumnText(int index) const {
  const auto* p = sqlite3_column_blob(stmt_, index);
  const int n = sqlite3_column_bytes(stmt_, index);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owner_ != nullptr) {
    owner_->Release(std::move(sql_), stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

void Database::Release(std::string sql, sqlite3_stmt* stmt) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  std::lock_guard lock(cache_mu_);
  if (cache_.size() < kMaxCachedStatements && cache_.emplace(std::move(sql), stmt).second) return;
  sqlite3_finalize(stmt);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(raw, "open " + path);
    sqlite3_close_v2(raw);
    return s;
  }
  std::unique_ptr<Database> db(new Database(raw));
  sqlite3_busy_timeout(raw, 5000);
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  RETURN_IF_ERROR(db->Exec("PRAGMA cache_size=-" + std::to_string(kPageCacheMiB * 1024)));
  return db;
}

Status Database::Analyze() {
  auto lock = Lock();
  RETURN_IF_ERROR(Exec("PRAGMA analysis_limit=1000"));
  return Exec("ANALYZE");
}

Result<Statement> Database::Prepare(std::string_view sql) {
  std::string key(sql);
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(key); it != cache_.end()) {
      sqlite3_stmt* cached = it->second;
      cache_.erase(it);
      return Statement(this, db_, cached, std::move(key));
    }
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    return SqliteError(db_, "prepare");
  }
  return Statement(this, db_, stmt, std::move(key));
}

Status Database::Exec(std::string_view sql) {
  const std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    Status status = SqliteError(db_, "exec");
    sqlite3_free(err);
    return status;
  }
  return Status::Ok();
}

int Database::SchemaVersion(std::string_view component) {
  auto lock = Lock();
  if (!Exec("CREATE TABLE IF NOT EXISTS schema_migrations (component TEXT PRIMARY KEY, "
            "version INTEGER NOT NULL)")
           .ok()) {
    return -1;
  }
  auto stmt = Prepare("SELECT version FROM schema_migrations WHERE component = ?");
  if (!stmt.ok()) return -1;
  stmt->Bind(1, component);
  auto row = stmt->Step();
  if (!row.ok()) return -1;
  return *row ? static_cast<int>(stmt->ColumnInt(0)) : 0;
}

Status Database::Migrate(std::string_view component, const std::vector<Migration>& migrations) {
  auto lock = Lock();
  int current = SchemaVersion(component);
  if (current < 0) return Internal("cannot read the schema version of " + std::string(component));
  for (const auto& m : migrations) {
    if (m.version <= current) continue;
    Transaction tx(*this);
    RETURN_IF_ERROR(tx.begin_status());
    RETURN_IF_ERROR(Exec(m.sql).WithContext(std::string(component) + " migration " +
                                            std::to_string(m.version) + " (" + m.description +
                                            ")"));
    ASSIGN_OR_RETURN(auto stmt, Prepare("INSERT INTO schema_migrations(component, version) VALUES "
                                        "(?, ?) ON CONFLICT(component) DO UPDATE SET version = "
                                        "excluded.version"));
    stmt.Bind(1, component).Bind(2, static_cast<int64_t>(m.version));
    RETURN_IF_ERROR(stmt.Run());
    RETURN_IF_ERROR(tx.Commit());
    current = m.version;
  }
  return Status::Ok();
}

}  // namespace surveyor::store
