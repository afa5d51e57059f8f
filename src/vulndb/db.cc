#include "vulndb/db.h"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <map>

#include "vulndb/canonical_json.h"
#include "vulndb/ecosystems.h"
#include "vulndb/merge.h"

namespace surveyor::vulndb {
namespace {

constexpr int kSchemaVersion = 1;
// Names the package-name normalisation the index was written with; change it whenever
// versions::NormalizePackageName changes, and the index is recomputed on the next Open.
constexpr const char* kPackageNameRules = "versions-ecosystem-1";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
  name TEXT PRIMARY KEY, format TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
  fingerprint TEXT NOT NULL DEFAULT '', etag TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '', last_update TEXT NOT NULL DEFAULT '',
  last_import_id INTEGER NOT NULL DEFAULT 0, records INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS records(
  rid INTEGER PRIMARY KEY, source TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL,
  canonical_id TEXT NOT NULL, modified TEXT NOT NULL, withdrawn INTEGER NOT NULL,
  match_digest TEXT NOT NULL, body_digest TEXT NOT NULL, body TEXT NOT NULL,
  UNIQUE(source, key));
CREATE INDEX IF NOT EXISTS records_canonical ON records(canonical_id);
-- RecordsFor() looks a record up by its own id as well (matching does it per advisory).
CREATE INDEX IF NOT EXISTS records_id ON records(id);
CREATE TABLE IF NOT EXISTS aliases(
  alias TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
  PRIMARY KEY(alias, source, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS aliases_record ON aliases(source, key);
CREATE TABLE IF NOT EXISTS packages(
  ecosystem TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
  id TEXT NOT NULL, PRIMARY KEY(ecosystem, name, source, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS packages_record ON packages(source, key);
CREATE TABLE IF NOT EXISTS enrichment(
  source TEXT NOT NULL, cve TEXT NOT NULL, match_digest TEXT NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(source, cve)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS enrichment_cve ON enrichment(cve);
CREATE TABLE IF NOT EXISTS imports(
  id INTEGER PRIMARY KEY, source TEXT NOT NULL, location TEXT NOT NULL, status TEXT NOT NULL,
  started TEXT NOT NULL, finished TEXT NOT NULL, fingerprint TEXT NOT NULL,
  records INTEGER NOT NULL, added INTEGER NOT NULL, changed INTEGER NOT NULL,
  withdrawn INTEGER NOT NULL, removed INTEGER NOT NULL, enriched INTEGER NOT NULL,
  skipped INTEGER NOT NULL, partial_skips INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS import_changes(
  import_id INTEGER NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, key TEXT NOT NULL,
  id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS import_changes_import ON import_changes(import_id);
CREATE TABLE IF NOT EXISTS import_packages(
  import_id INTEGER NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY(import_id, ecosystem, name)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS import_skips(
  import_id INTEGER NOT NULL, record TEXT NOT NULL, reason TEXT NOT NULL,
  partial INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS import_skips_import ON import_skips(import_id);
)sql";

// RAII prepared statement with positional binding helpers.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  // A statement kept in `cache` (prepared once, reset after each use).
  Stmt(sqlite3* db, const char* sql, std::unordered_map<const char*, sqlite3_stmt*>& cache)
      : db_(db), cached_(true) {
    auto it = cache.find(sql);
    if (it != cache.end()) {
      stmt_ = it->second;
      rc_ = SQLITE_OK;
      return;
    }
    rc_ = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc_ == SQLITE_OK) cache.emplace(sql, stmt_);
  }
  ~Stmt() {
    if (cached_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    } else {
      sqlite3_finalize(stmt_);
    }
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Status status() const {
    if (rc_ == SQLITE_OK) return Status::Ok();
    return Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
  }
  Stmt& Bind(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // Binds without a copy: `s` must outlive the statement's next Run/Step (the hot import path
  // binds locals and runs at once).
  Stmt& BindRef(int i, std::string_view s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  // SQLITE_ROW → true, SQLITE_DONE → false, else error.
  Result<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return ErrorFor(rc);
  }
  Status Run() {
    auto r = Step();
    if (!r.ok()) return r.status();
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return Status::Ok();
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::string Text(int col) const {
    const auto* p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, col)))
             : std::string();
  }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }

  Status ErrorFor(int rc) const {
    std::string msg = std::string("sqlite: ") + sqlite3_errmsg(db_);
    if (rc == SQLITE_FULL) return ResourceExhausted("disk full: " + msg);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Unavailable("database busy: " + msg);
    if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) return DataLoss(msg);
    return Internal(msg);
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
  bool cached_ = false;
};

Json EnrichmentJson(const Enrichment& e) {
  Json j = Json::object();
  if (!e.cvss.empty()) {
    Json list = Json::array();
    for (const CvssEntry& c : e.cvss) {
      list.push_back({{"source", c.source}, {"version", c.version}, {"vector", c.vector},
                      {"base_score", c.base_score}});
    }
    j["cvss"] = list;
  }
  if (e.epss_score) j["epss"] = *e.epss_score;
  if (e.epss_percentile) j["percentile"] = *e.epss_percentile;
  if (!e.epss_date.empty()) j["epss_date"] = e.epss_date;
  if (e.kev) j["kev_date_added"] = e.kev_date_added;
  if (!e.description.empty()) j["description"] = e.description;
  return j;
}

void MergeEnrichmentJson(const Json& j, Enrichment& into) {
  if (const Json* list = GetArray(j, "cvss")) {
    for (const Json& c : *list) {
      CvssEntry e{GetString(c, "source").value_or(""), GetString(c, "version").value_or(""),
                  GetString(c, "vector").value_or(""), c.value("base_score", 0.0)};
      into.cvss.push_back(std::move(e));
    }
  }
  if (j.contains("epss") && j["epss"].is_number()) into.epss_score = j["epss"].get<double>();
  if (j.contains("percentile") && j["percentile"].is_number()) {
    into.epss_percentile = j["percentile"].get<double>();
  }
  if (auto d = GetString(j, "epss_date")) into.epss_date = *d;
  if (auto k = GetString(j, "kev_date_added")) {
    into.kev = true;
    into.kev_date_added = *k;
  }
  if (auto d = GetString(j, "description"); d && into.description.empty()) into.description = *d;
}

std::string EnrichmentDigest(const Enrichment& e) {
  Json j = Json::object();
  Json list = Json::array();
  for (const CvssEntry& c : e.cvss) list.push_back({c.source, c.version, c.vector});
  j["cvss"] = list;
  j["kev"] = e.kev;
  j["kev_date_added"] = e.kev_date_added;
  return Sha256Hex(DumpJson(j));
}

std::string FormatTime(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

// ------------------------------------------------------------------ VulnDb

Result<std::unique_ptr<VulnDb>> VulnDb::Open(const std::string& dir, const Clock* clock) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  std::unique_ptr<VulnDb> db(new VulnDb());
  db->path_ = (std::filesystem::path(dir) / "vulndb.sqlite").string();
  db->clock_ = clock;
  if (sqlite3_open_v2(db->path_.c_str(), &db->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return Internal("cannot open " + db->path_ + ": " +
                    (db->db_ ? sqlite3_errmsg(db->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(db->db_, 10000);
  // 16 KiB pages for a new database (an existing one keeps its page size): records are ~1.5 KiB
  // and up to tens of KiB, so 4 KiB pages packed them badly and sent long ones to overflow
  // pages; an import wrote four times as many pages (WAL frames, checkpoint) for 9% more bytes.
  // Measured: the Go database's import 16.8k -> 22.3k records/s; reads (bench BM_RecordsFor,
  // BM_DbLookup) unchanged.
  RETURN_IF_ERROR(db->Exec("PRAGMA page_size=16384"));
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=OFF"));
  RETURN_IF_ERROR(db->Exec("PRAGMA cache_size=-65536"));  // 64 MiB page cache
  // Temporary tables (the keys seen, the touched packages and changes, staged Debian entries)
  // live in a temporary file with a bounded cache: an import's memory does not grow with the feed.
  RETURN_IF_ERROR(db->Exec("PRAGMA temp_store=FILE"));
  RETURN_IF_ERROR(db->Exec("PRAGMA temp.cache_size=-32768"));  // 32 MiB
  RETURN_IF_ERROR(db->Exec(kSchema));
  {
    Stmt s(db->db_, "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', ?)");
    RETURN_IF_ERROR(s.status());
    RETURN_IF_ERROR(s.Bind(1, std::to_string(kSchemaVersion)).Run());
  }
  {
    Stmt s(db->db_, "SELECT value FROM meta WHERE key='schema_version'");
    RETURN_IF_ERROR(s.status());
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row || s.Text(0) != std::to_string(kSchemaVersion)) {
      return FailedPrecondition("vulndb schema version " + s.Text(0) + " is not supported");
    }
  }
  RETURN_IF_ERROR(db->RebuildIndexIfRulesChanged());
  return db;
}

// The package index holds names normalised by versions::NormalizePackageName. A database
// written under other rules (before the ecosystem tables were unified, Alpine names were
// lowercased) gets its index recomputed from the stored records, once, in one transaction.
Status VulnDb::RebuildIndexIfRulesChanged() {
  std::string current;
  {
    Stmt s(db_, "SELECT value FROM meta WHERE key='package_name_rules'");
    RETURN_IF_ERROR(s.status());
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) current = s.Text(0);
  }
  if (current == kPackageNameRules) return Status::Ok();
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  auto body = [&]() -> Status {
    RETURN_IF_ERROR(Exec("DELETE FROM packages"));
    Stmt q(db_, "SELECT source, key, id, body FROM records");
    RETURN_IF_ERROR(q.status());
    Stmt ins(db_, "INSERT OR IGNORE INTO packages(ecosystem, name, source, key, id) VALUES(?,?,?,?,?)");
    RETURN_IF_ERROR(ins.status());
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      auto json = ParseJson(q.Text(3));
      if (!json.ok()) continue;
      auto a = FromJson(*json);
      if (!a.ok()) continue;
      for (const Affected& af : a->affected) {
        if (af.package.name.empty()) continue;
        RETURN_IF_ERROR(ins.Bind(1, af.package.ecosystem)
                            .Bind(2, NormalizePackageName(af.package.ecosystem, af.package.name))
                            .Bind(3, q.Text(0)).Bind(4, q.Text(1)).Bind(5, q.Text(2)).Run());
      }
    }
    Stmt m(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES('package_name_rules', ?)");
    RETURN_IF_ERROR(m.status());
    return m.Bind(1, kPackageNameRules).Run();
  }();
  if (!body.ok()) {
    (void)Exec("ROLLBACK");
    return body;
  }
  return Exec("COMMIT");
}

VulnDb::~VulnDb() {
  for (auto& [sql, stmt] : stmt_cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status VulnDb::Exec(const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  if (rc == SQLITE_FULL) return ResourceExhausted("disk full: " + msg);
  if (rc == SQLITE_BUSY) return Unavailable("database busy: " + msg);
  return Internal("sqlite: " + msg);
}

Status VulnDb::SetMaxPagesForTest(int64_t pages) {
  const std::string sql = "PRAGMA max_page_count=" + std::to_string(pages);
  return Exec(sql.c_str());
}

std::string VulnDb::NowString() const {
  return FormatTime(clock_ ? clock_->Now() : std::chrono::system_clock::now());
}

Result<std::unique_ptr<ImportSession>> VulnDb::BeginImport(const std::string& source,
                                                           const std::string& location) {
  if (import_open_) return FailedPrecondition("an import is already open on this database handle");
  if (source.empty()) return InvalidArgument("source name is empty");
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Status s = Exec("CREATE TEMP TABLE IF NOT EXISTS seen(key TEXT PRIMARY KEY) WITHOUT ROWID;"
                  "DELETE FROM temp.seen;"
                  "CREATE TEMP TABLE IF NOT EXISTS staged(grp TEXT NOT NULL, part BLOB NOT NULL);"
                  "DELETE FROM temp.staged;");
  if (!s.ok()) {
    (void)Exec("ROLLBACK");
    return s;
  }
  std::unique_ptr<ImportSession> session(new ImportSession(*this, source, location));
  session->summary_.started = NowString();
  // The import's history row is written first (inside the transaction, so nobody sees it
  // before Commit): changes and touched packages go straight into import_changes and
  // import_packages under its id, with no temporary copy.
  {
    Stmt ins(db_, "INSERT INTO imports(source, location, status, started, finished, fingerprint,"
                  " records, added, changed, withdrawn, removed, enriched, skipped, partial_skips)"
                  " VALUES(?,?,'running',?,'','',0,0,0,0,0,0,0,0)");
    Status st = ins.status();
    if (st.ok()) st = ins.Bind(1, source).Bind(2, location).Bind(3, session->summary_.started).Run();
    if (!st.ok()) {
      (void)Exec("ROLLBACK");
      return st;
    }
    session->summary_.import_id = sqlite3_last_insert_rowid(db_);
  }
  {
    // A source with no records yet: every record is new, no need to look each one up.
    Stmt q(db_, "SELECT EXISTS(SELECT 1 FROM records WHERE source = ?)");
    Status st = q.status();
    Result<bool> row = false;
    if (st.ok()) row = q.Bind(1, source).Step();
    if (!st.ok() || !row.ok()) {
      (void)Exec("ROLLBACK");
      return st.ok() ? row.status() : st;
    }
    session->source_was_empty_ = *row && q.Int(0) == 0;
  }
  import_open_ = true;
  return session;
}

Result<std::vector<SourceStatus>> VulnDb::Sources() {
  Stmt s(db_, "SELECT name, format, location, fingerprint, etag, last_modified, last_update,"
              " last_import_id, records, skipped FROM sources ORDER BY name");
  RETURN_IF_ERROR(s.status());
  std::vector<SourceStatus> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6),
                   s.Int(7), s.Int(8), s.Int(9)});
  }
  return out;
}

Result<std::optional<SourceStatus>> VulnDb::GetSource(const std::string& name) {
  ASSIGN_OR_RETURN(auto all, Sources());
  for (auto& s : all) {
    if (s.name == name) return std::optional<SourceStatus>(std::move(s));
  }
  return std::optional<SourceStatus>();
}

Result<std::vector<StoredRecord>> VulnDb::RecordsFor(const std::string& id) {
  // First the canonical ids reachable from `id`, then every record with one of them.
  std::set<std::string> canon;
  {
    Stmt s(db_, "SELECT canonical_id FROM records WHERE id = ?1 OR canonical_id = ?1 "
                "UNION SELECT r.canonical_id FROM aliases a JOIN records r "
                "ON r.source = a.source AND r.key = a.key WHERE a.alias = ?1");
    RETURN_IF_ERROR(s.status());
    s.Bind(1, id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      canon.insert(s.Text(0));
    }
  }
  std::map<std::pair<std::string, std::string>, std::string> bodies;
  Stmt s(db_, "SELECT source, key, body FROM records WHERE canonical_id = ?");
  RETURN_IF_ERROR(s.status());
  for (const std::string& c : canon) {
    s.Bind(1, c);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      bodies[{s.Text(0), s.Text(1)}] = s.Text(2);
    }
    s.Reset();
  }
  std::vector<StoredRecord> out;
  for (auto& [k, body] : bodies) {
    ASSIGN_OR_RETURN(Json j, ParseJson(body));
    ASSIGN_OR_RETURN(Advisory a, FromJson(j));
    out.push_back({k.first, k.second, std::move(a)});
  }
  return out;
}

Result<Enrichment> VulnDb::EnrichmentFor(const std::string& cve) {
  Enrichment e;
  e.cve = cve;
  Stmt s(db_, "SELECT body FROM enrichment WHERE cve = ? ORDER BY source");
  RETURN_IF_ERROR(s.status());
  s.Bind(1, cve);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ASSIGN_OR_RETURN(Json j, ParseJson(s.Text(0)));
    MergeEnrichmentJson(j, e);
  }
  return e;
}

Result<Advisory> VulnDb::Show(const std::string& id) {
  ASSIGN_OR_RETURN(auto records, RecordsFor(id));
  std::vector<SourcedAdvisory> in;
  for (auto& r : records) in.push_back({r.source, r.key, std::move(r.advisory)});
  if (in.empty()) {
    // A CVE known only to enrichment feeds still has facts to show.
    ASSIGN_OR_RETURN(Enrichment e, EnrichmentFor(id));
    if (e.cvss.empty() && !e.epss_score && !e.kev && e.description.empty()) {
      return NotFound("no advisory with id or alias " + id);
    }
    Advisory a;
    a.id = id;
    a.canonical_id = id;
    Advisory merged = MergeAdvisories({{"enrichment", id, a}}, &e);
    return merged;
  }
  std::string canonical = MergeAdvisories(in, nullptr).canonical_id;
  ASSIGN_OR_RETURN(Enrichment e, EnrichmentFor(canonical));
  return MergeAdvisories(std::move(in), &e);
}

Result<std::vector<PackageRef>> VulnDb::Lookup(const std::string& ecosystem,
                                               const std::string& name) {
  Stmt s(db_, "SELECT source, key, id FROM packages WHERE ecosystem = ? AND name = ? "
              "ORDER BY source, key");
  RETURN_IF_ERROR(s.status());
  s.Bind(1, ecosystem).Bind(2, NormalizePackageName(ecosystem, name));
  std::vector<PackageRef> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Text(2)});
  }
  return out;
}

Status VulnDb::ForEachIndexEntry(
    const std::function<void(const std::string&, const std::string&, const PackageRef&)>& fn) {
  Stmt s(db_, "SELECT ecosystem, name, source, key, id FROM packages ORDER BY 1, 2, 3, 4");
  RETURN_IF_ERROR(s.status());
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    fn(s.Text(0), s.Text(1), PackageRef{s.Text(2), s.Text(3), s.Text(4)});
  }
  return Status::Ok();
}

Result<std::vector<ImportSummary>> VulnDb::ChangesSince(const std::string& since) {
  const bool numeric = !since.empty() && since.find_first_not_of("0123456789") == std::string::npos;
  Stmt s(db_, numeric
                  ? "SELECT id, source, status, started, finished, fingerprint, records, added,"
                    " changed, withdrawn, removed, enriched, skipped, partial_skips FROM imports"
                    " WHERE id > ? ORDER BY id"
                  : "SELECT id, source, status, started, finished, fingerprint, records, added,"
                    " changed, withdrawn, removed, enriched, skipped, partial_skips FROM imports"
                    " WHERE finished > ? ORDER BY id");
  RETURN_IF_ERROR(s.status());
  if (numeric) {
    s.Bind(1, static_cast<int64_t>(std::stoll(since.substr(0, 18))));
  } else {
    s.Bind(1, since);
  }
  std::vector<ImportSummary> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ImportSummary sum;
    sum.import_id = s.Int(0);
    sum.source = s.Text(1);
    sum.status = s.Text(2);
    sum.started = s.Text(3);
    sum.finished = s.Text(4);
    sum.fingerprint = s.Text(5);
    sum.records = s.Int(6);
    sum.added = s.Int(7);
    sum.changed = s.Int(8);
    sum.withdrawn = s.Int(9);
    sum.removed = s.Int(10);
    sum.enriched = s.Int(11);
    sum.skipped = s.Int(12);
    sum.partial_skips = s.Int(13);
    out.push_back(std::move(sum));
  }
  Stmt c(db_, "SELECT kind, source, key, id FROM import_changes WHERE import_id = ? ORDER BY rowid");
  Stmt p(db_, "SELECT ecosystem, name FROM import_packages WHERE import_id = ?");
  RETURN_IF_ERROR(c.status());
  RETURN_IF_ERROR(p.status());
  for (ImportSummary& sum : out) {
    c.Bind(1, sum.import_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, c.Step());
      if (!row) break;
      sum.changes.push_back({c.Text(0), c.Text(1), c.Text(2), c.Text(3)});
    }
    c.Reset();
    p.Bind(1, sum.import_id);
    while (true) {
      ASSIGN_OR_RETURN(bool row, p.Step());
      if (!row) break;
      sum.packages.insert({p.Text(0), p.Text(1)});
      ++sum.packages_touched;
    }
    p.Reset();
  }
  return out;
}

// ------------------------------------------------------------------ ImportSession

ImportSession::ImportSession(VulnDb& db, std::string source, std::string location)
    : db_(db), location_(std::move(location)), hasher_(std::make_unique<Hasher>()) {
  summary_.source = std::move(source);
}

ImportSession::~ImportSession() {
  if (open_) {
    (void)db_.Exec("ROLLBACK");
    db_.import_open_ = false;
  }
}

void ImportSession::AddToFingerprint(std::string_view name, std::string_view bytes) {
  BeginDocument(name, bytes.size());
  AddDocumentBytes(bytes);
}

void ImportSession::BeginDocument(std::string_view name, uint64_t size) {
  const uint64_t n = name.size();
  hasher_->Update(&n, sizeof n);
  hasher_->Update(name);
  hasher_->Update(&size, sizeof size);
}

void ImportSession::AddDocumentBytes(std::string_view bytes) { hasher_->Update(bytes); }

void ImportSession::NoteFormat(std::string_view format) { formats_.insert(std::string(format)); }

Status ImportSession::Fail(Status s) {
  if (sticky_.ok()) sticky_ = s;
  return s;
}

Status ImportSession::RecordChange(Change c) {
  Stmt s(db_.db_, "INSERT INTO import_changes(import_id, kind, source, key, id) VALUES(?,?,?,?,?)",
         db_.stmt_cache_);
  RETURN_IF_ERROR(s.status());
  RETURN_IF_ERROR(
      s.Bind(1, summary_.import_id).BindRef(2, c.kind).BindRef(3, c.source).BindRef(4, c.key).BindRef(5, c.id).Run());
  if (summary_.changes.size() < kMaxSummaryEntries) {
    summary_.changes.push_back(std::move(c));
  } else {
    summary_.truncated = true;
  }
  return Status::Ok();
}

Status ImportSession::Put(std::string_view group, std::string_view part) {
  if (!sticky_.ok()) return sticky_;
  Stmt s(db_.db_, "INSERT INTO temp.staged(grp, part) VALUES(?, ?)", db_.stmt_cache_);
  RETURN_IF_ERROR(Fail(s.status()));
  return Fail(s.Bind(1, group).Bind(2, part).Run());
}

Status ImportSession::Drain(const GroupFn& fn) {
  if (!sticky_.ok()) return sticky_;
  {
    // SQLite sorts with bounded memory, spilling to temporary files.
    Stmt q(db_.db_, "SELECT grp, part FROM temp.staged ORDER BY grp, rowid");
    RETURN_IF_ERROR(Fail(q.status()));
    std::string group;
    std::vector<std::string> parts;
    bool have = false;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return Fail(row.status());
      if (!*row) break;
      std::string g = q.Text(0);
      if (have && g != group) {
        RETURN_IF_ERROR(fn(group, parts));
        parts.clear();
      }
      group = std::move(g);
      have = true;
      parts.push_back(q.Text(1));
    }
    if (have) RETURN_IF_ERROR(fn(group, parts));
  }
  return Clear();
}

Status ImportSession::Clear() {
  Stmt s(db_.db_, "DELETE FROM temp.staged", db_.stmt_cache_);
  RETURN_IF_ERROR(Fail(s.status()));
  return Fail(s.Run());
}

void ImportSession::OnSkip(Skip skip) {
  if (skip.partial) {
    ++summary_.partial_skips;
  } else {
    ++summary_.skipped;
  }
  if (summary_.skips.size() < VulnDb::kMaxStoredSkips) summary_.skips.push_back(std::move(skip));
}

Status ImportSession::OnAdvisory(KeyedAdvisory record) {
  if (!sticky_.ok()) return sticky_;
  if (!open_) return FailedPrecondition("import session is closed");
  sqlite3* db = db_.db_;
  const std::string& source = summary_.source;
  Advisory& a = record.advisory;
  // The stored body and the digest of what matching depends on (see canonical_json.h).
  const CanonicalRecord canonical = WriteCanonicalRecord(a);
  const std::string& body = canonical.body;
  const std::string& match_digest = canonical.match_digest;
  const std::string body_digest = Sha256Hex(body);
  const bool withdrawn = !a.withdrawn.empty();
  auto bind_record = [&](Stmt& s) -> Stmt& {
    return s.BindRef(1, source).BindRef(2, record.key).BindRef(3, a.id).BindRef(4, a.canonical_id)
        .BindRef(5, a.modified).Bind(6, static_cast<int64_t>(withdrawn)).BindRef(7, match_digest)
        .BindRef(8, body_digest).BindRef(9, body);
  };
  // One key once per import. A source that started empty is written without lookups: the
  // records table itself says whether this import stored the key already, and since nothing
  // can be gone at Commit the keys seen need not be kept.
  if (source_was_empty_) {
    Stmt s(db, "INSERT INTO records(source, key, id, canonical_id, modified, withdrawn, match_digest,"
               " body_digest, body) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(source, key) DO NOTHING",
           db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    RETURN_IF_ERROR(Fail(bind_record(s).Run()));
    if (sqlite3_changes(db) == 0) {
      OnSkip({record.key, "duplicate record key in this import", false});
      return Status::Ok();
    }
  } else {
    Stmt s(db, "INSERT OR IGNORE INTO temp.seen(key) VALUES(?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    s.BindRef(1, record.key);
    auto r = s.Step();
    if (!r.ok()) return Fail(r.status());
    if (sqlite3_changes(db) == 0) {
      OnSkip({record.key, "duplicate record key in this import", false});
      return Status::Ok();
    }
  }
  ++summary_.records;
  std::string old_match, old_body;
  bool old_withdrawn = false, existed = false;
  if (!source_was_empty_) {
    Stmt s(db, "SELECT match_digest, body_digest, withdrawn FROM records WHERE source = ? AND key = ?", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    s.BindRef(1, source).BindRef(2, record.key);
    auto row = s.Step();
    if (!row.ok()) return Fail(row.status());
    if (*row) {
      existed = true;
      old_match = s.Text(0);
      old_body = s.Text(1);
      old_withdrawn = s.Int(2) != 0;
    }
  }
  if (existed && old_body == body_digest) return Status::Ok();  // identical
  std::string kind;
  if (!existed) {
    kind = "added";
  } else if (old_match != match_digest) {
    kind = withdrawn && !old_withdrawn ? "withdrawn" : "changed";
    if (kind == "changed") {
      // Re-scored only: what matching and the findings' own facts depend on stayed the same.
      Stmt old(db, "SELECT body FROM records WHERE source = ? AND key = ?", db_.stmt_cache_);
      RETURN_IF_ERROR(Fail(old.status()));
      old.BindRef(1, source).BindRef(2, record.key);
      auto row = old.Step();
      if (!row.ok()) return Fail(row.status());
      if (*row) {
        auto before = ParseJson(old.Text(0)), after = ParseJson(body);
        if (before.ok() && after.ok() && OnlyScoresDiffer(*before, *after)) kind = "rescored";
      }
    }
  } else {
    kind = "revised";  // the same match digest: only its text (summary, details, references)
  }
  auto touch = [&](const std::string& eco, const std::string& name) -> Status {
    Stmt t(db, "INSERT OR IGNORE INTO import_packages(import_id, ecosystem, name) VALUES(?, ?, ?)",
           db_.stmt_cache_);
    RETURN_IF_ERROR(t.status());
    return t.Bind(1, summary_.import_id).BindRef(2, eco).BindRef(3, name).Run();
  };
  if (existed) {
    if (!kind.empty() && kind != "rescored" && kind != "revised") {
      // The old record's packages are touched too (a package may have been dropped).
      Stmt old(db, "SELECT ecosystem, name FROM packages WHERE source = ? AND key = ?", db_.stmt_cache_);
      RETURN_IF_ERROR(Fail(old.status()));
      old.BindRef(1, source).BindRef(2, record.key);
      std::vector<std::pair<std::string, std::string>> pk;
      while (true) {
        auto row = old.Step();
        if (!row.ok()) return Fail(row.status());
        if (!*row) break;
        pk.emplace_back(old.Text(0), old.Text(1));
      }
      for (const auto& [e, n] : pk) RETURN_IF_ERROR(Fail(touch(e, n)));
    }
    for (const char* sql : {"DELETE FROM packages WHERE source = ? AND key = ?",
                            "DELETE FROM aliases WHERE source = ? AND key = ?"}) {
      Stmt d(db, sql, db_.stmt_cache_);
      RETURN_IF_ERROR(Fail(d.status()));
      RETURN_IF_ERROR(Fail(d.BindRef(1, source).BindRef(2, record.key).Run()));
    }
  }
  if (!source_was_empty_) {
    Stmt s(db, "INSERT OR REPLACE INTO records(source, key, id, canonical_id, modified, withdrawn,"
               " match_digest, body_digest, body) VALUES(?,?,?,?,?,?,?,?,?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    RETURN_IF_ERROR(Fail(bind_record(s).Run()));
  }
  {
    Stmt s(db, "INSERT OR IGNORE INTO aliases(alias, source, key) VALUES(?,?,?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    for (const std::string& alias : a.aliases) {
      RETURN_IF_ERROR(Fail(s.BindRef(1, alias).BindRef(2, source).BindRef(3, record.key).Run()));
    }
  }
  {
    Stmt s(db, "INSERT OR IGNORE INTO packages(ecosystem, name, source, key, id) VALUES(?,?,?,?,?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    for (const Affected& af : a.affected) {
      if (af.package.name.empty()) continue;
      const std::string norm = NormalizePackageName(af.package.ecosystem, af.package.name);
      RETURN_IF_ERROR(Fail(
          s.BindRef(1, af.package.ecosystem).BindRef(2, norm).BindRef(3, source).BindRef(4, record.key).BindRef(5, a.id).Run()));
    }
    // The new packages of added, changed and withdrawn records are touched at Commit, in one
    // statement over import_changes.
  }
  if (!kind.empty()) {
    if (kind == "added") ++summary_.added;
    else if (kind == "changed" || kind == "rescored") ++summary_.changed;
    else if (kind == "withdrawn") ++summary_.withdrawn;
    RETURN_IF_ERROR(Fail(RecordChange({kind, source, record.key, a.id})));
  }
  return Status::Ok();
}

Status ImportSession::OnEnrichment(Enrichment fact) {
  if (!sticky_.ok()) return sticky_;
  if (!open_) return FailedPrecondition("import session is closed");
  sqlite3* db = db_.db_;
  const std::string& source = summary_.source;
  {
    Stmt s(db, "INSERT OR IGNORE INTO temp.seen(key) VALUES(?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    s.Bind(1, fact.cve);
    auto r = s.Step();
    if (!r.ok()) return Fail(r.status());
    if (sqlite3_changes(db) == 0) {
      OnSkip({fact.cve, "duplicate CVE in this import", true});
      return Status::Ok();
    }
  }
  ++summary_.records;
  const std::string digest = EnrichmentDigest(fact);
  const std::string body = DumpJson(EnrichmentJson(fact));
  std::string old_digest, old_body;
  bool existed = false;
  {
    Stmt s(db, "SELECT match_digest, body FROM enrichment WHERE source = ? AND cve = ?", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    s.Bind(1, source).Bind(2, fact.cve);
    auto row = s.Step();
    if (!row.ok()) return Fail(row.status());
    if (*row) {
      existed = true;
      old_digest = s.Text(0);
      old_body = s.Text(1);
    }
  }
  if (existed && old_body == body) return Status::Ok();
  {
    Stmt s(db, "INSERT OR REPLACE INTO enrichment(source, cve, match_digest, body) VALUES(?,?,?,?)", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(s.status()));
    RETURN_IF_ERROR(Fail(s.Bind(1, source).Bind(2, fact.cve).Bind(3, digest).Bind(4, body).Run()));
  }
  // EPSS drifts daily and changes neither matching nor severity; KEV and CVSS do.
  if (old_digest != digest && (!fact.cvss.empty() || fact.kev || existed)) {
    ++summary_.enriched;
    RETURN_IF_ERROR(Fail(RecordChange({"enriched", source, fact.cve, fact.cve})));
    Stmt t(db, "INSERT OR IGNORE INTO import_packages(import_id, ecosystem, name)"
               " SELECT ?, p.ecosystem, p.name"
               " FROM records r JOIN packages p ON p.source = r.source AND p.key = r.key"
               " WHERE r.canonical_id = ?", db_.stmt_cache_);
    RETURN_IF_ERROR(Fail(t.status()));
    RETURN_IF_ERROR(Fail(t.Bind(1, summary_.import_id).Bind(2, fact.cve).Run()));
  }
  return Status::Ok();
}

Result<ImportSummary> ImportSession::Commit(const std::string& etag, const std::string& last_modified) {
  if (!open_) return FailedPrecondition("import session is closed");
  if (!sticky_.ok()) {
    Status s = sticky_;
    Abort(s);
    return s;
  }
  sqlite3* db = db_.db_;
  const std::string& source = summary_.source;
  auto fail = [&](Status s) -> Status {
    Abort(s);
    return s;
  };
  {
    // The packages of the records this import added, changed or withdrew (their old packages
    // were touched before they were replaced).
    Stmt t(db, "INSERT OR IGNORE INTO import_packages(import_id, ecosystem, name)"
               " SELECT DISTINCT ?1, p.ecosystem, p.name FROM import_changes c"
               " JOIN packages p ON p.source = c.source AND p.key = c.key"
               " WHERE c.import_id = ?1 AND c.kind IN ('added', 'changed', 'withdrawn')");
    if (Status st = t.status(); !st.ok()) return fail(st);
    if (Status st = t.Bind(1, summary_.import_id).Run(); !st.ok()) return fail(st);
  }
  // Records (and facts) that the feed no longer has; none when the source started empty (every
  // record stored is from this import).
  std::vector<std::pair<std::string, std::string>> gone;
  if (!source_was_empty_) {
    Stmt s(db, "SELECT key, id FROM records WHERE source = ? AND key NOT IN (SELECT key FROM temp.seen)"
               " ORDER BY key");
    if (!s.status().ok()) return fail(s.status());
    s.Bind(1, source);
    while (true) {
      auto row = s.Step();
      if (!row.ok()) return fail(row.status());
      if (!*row) break;
      gone.emplace_back(s.Text(0), s.Text(1));
    }
  }
  for (const auto& [key, id] : gone) {
    Stmt t(db, "INSERT OR IGNORE INTO import_packages(import_id, ecosystem, name)"
               " SELECT ?, ecosystem, name FROM packages WHERE source = ? AND key = ?");
    if (Status st = t.status(); !st.ok()) return fail(st);
    if (Status st = t.Bind(1, summary_.import_id).Bind(2, source).Bind(3, key).Run(); !st.ok()) {
      return fail(st);
    }
    for (const char* sql : {"DELETE FROM packages WHERE source = ? AND key = ?",
                            "DELETE FROM aliases WHERE source = ? AND key = ?",
                            "DELETE FROM records WHERE source = ? AND key = ?"}) {
      Stmt d(db, sql);
      if (Status st = d.status(); !st.ok()) return fail(st);
      if (Status st = d.Bind(1, source).Bind(2, key).Run(); !st.ok()) return fail(st);
    }
    ++summary_.removed;
    if (Status st = RecordChange({"removed", source, key, id}); !st.ok()) return fail(st);
  }
  {
    // Facts the feed dropped (a CVE leaving KEV flips exploitAvailable): recorded as changes.
    Stmt q(db, "SELECT cve FROM enrichment WHERE source = ? AND cve NOT IN (SELECT key FROM temp.seen)"
               " ORDER BY cve");
    if (Status st = q.status(); !st.ok()) return fail(st);
    q.Bind(1, source);
    std::vector<std::string> dropped;
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return fail(row.status());
      if (!*row) break;
      dropped.push_back(q.Text(0));
    }
    for (const std::string& cve : dropped) {
      Stmt t(db, "INSERT OR IGNORE INTO import_packages(import_id, ecosystem, name)"
                 " SELECT ?, p.ecosystem, p.name"
                 " FROM records r JOIN packages p ON p.source = r.source AND p.key = r.key"
                 " WHERE r.canonical_id = ?");
      if (Status st = t.status(); !st.ok()) return fail(st);
      if (Status st = t.Bind(1, summary_.import_id).Bind(2, cve).Run(); !st.ok()) return fail(st);
      ++summary_.enriched;
      if (Status st = RecordChange({"unenriched", source, cve, cve}); !st.ok()) return fail(st);
    }
  }
  {
    Stmt s(db, "DELETE FROM enrichment WHERE source = ? AND cve NOT IN (SELECT key FROM temp.seen)");
    if (Status st = s.status(); !st.ok()) return fail(st);
    if (Status st = s.Bind(1, source).Run(); !st.ok()) return fail(st);
  }
  summary_.fingerprint = hasher_->Finish().ToString();
  summary_.finished = db_.NowString();
  summary_.status = "ok";
  std::string formats;
  for (const auto& f : formats_) formats += (formats.empty() ? "" : ",") + f;
  {
    Stmt s(db, "UPDATE imports SET status = ?, finished = ?, fingerprint = ?, records = ?, added = ?,"
               " changed = ?, withdrawn = ?, removed = ?, enriched = ?, skipped = ?, partial_skips = ?"
               " WHERE id = ?");
    if (Status st = s.status(); !st.ok()) return fail(st);
    s.Bind(1, summary_.status).Bind(2, summary_.finished).Bind(3, summary_.fingerprint)
        .Bind(4, summary_.records).Bind(5, summary_.added).Bind(6, summary_.changed)
        .Bind(7, summary_.withdrawn).Bind(8, summary_.removed).Bind(9, summary_.enriched)
        .Bind(10, summary_.skipped).Bind(11, summary_.partial_skips).Bind(12, summary_.import_id);
    if (Status st = s.Run(); !st.ok()) return fail(st);
  }
  {
    Stmt q(db, "SELECT ecosystem, name FROM import_packages WHERE import_id = ? ORDER BY 1, 2");
    if (Status st = q.status(); !st.ok()) return fail(st);
    q.Bind(1, summary_.import_id);
    while (true) {
      auto row = q.Step();
      if (!row.ok()) return fail(row.status());
      if (!*row) break;
      ++summary_.packages_touched;
      if (summary_.packages.size() < kMaxSummaryEntries) {
        summary_.packages.insert({q.Text(0), q.Text(1)});
      } else {
        summary_.truncated = true;
      }
    }
  }
  {
    Stmt s(db, "INSERT INTO import_skips(import_id, record, reason, partial) VALUES(?,?,?,?)");
    if (Status st = s.status(); !st.ok()) return fail(st);
    for (const Skip& k : summary_.skips) {
      if (Status st = s.Bind(1, summary_.import_id).Bind(2, k.record).Bind(3, k.reason)
                          .Bind(4, static_cast<int64_t>(k.partial)).Run();
          !st.ok()) {
        return fail(st);
      }
    }
  }
  {
    Stmt s(db, "INSERT INTO sources(name, format, location, fingerprint, etag, last_modified,"
               " last_update, last_import_id, records, skipped) VALUES(?,?,?,?,?,?,?,?,"
               " (SELECT COUNT(*) FROM records WHERE source = ?1) +"
               " (SELECT COUNT(*) FROM enrichment WHERE source = ?1), ?)"
               " ON CONFLICT(name) DO UPDATE SET format=excluded.format, location=excluded.location,"
               " fingerprint=excluded.fingerprint, etag=excluded.etag,"
               " last_modified=excluded.last_modified, last_update=excluded.last_update,"
               " last_import_id=excluded.last_import_id, records=excluded.records,"
               " skipped=excluded.skipped");
    if (Status st = s.status(); !st.ok()) return fail(st);
    s.Bind(1, source).Bind(2, formats).Bind(3, location_).Bind(4, summary_.fingerprint)
        .Bind(5, etag).Bind(6, last_modified).Bind(7, summary_.finished)
        .Bind(8, summary_.import_id).Bind(9, summary_.skipped);
    if (Status st = s.Run(); !st.ok()) return fail(st);
  }
  if (Status st = db_.Exec("COMMIT"); !st.ok()) return fail(st);
  open_ = false;
  db_.import_open_ = false;
  return summary_;
}

void ImportSession::Abort(const Status& why) {
  if (!open_) return;
  (void)db_.Exec("ROLLBACK");
  open_ = false;
  db_.import_open_ = false;
  // The failure itself is history worth keeping; it changes no data. Best effort: on a full
  // disk this insert fails too, which is fine.
  Stmt s(db_.db_, "INSERT INTO imports(source, location, status, started, finished, fingerprint,"
                  " records, added, changed, withdrawn, removed, enriched, skipped, partial_skips)"
                  " VALUES(?,?,?,?,?,'',0,0,0,0,0,0,0,0)");
  if (!s.status().ok()) return;
  (void)s.Bind(1, summary_.source).Bind(2, location_).Bind(3, "failed: " + why.message())
      .Bind(4, summary_.started).Bind(5, db_.NowString()).Run();
  summary_.import_id = sqlite3_last_insert_rowid(db_.db_);
  summary_.status = "failed: " + why.message();
}

}  // namespace surveyor::vulndb
