// The vulnerability database: one SQLite file (WAL) under a directory, holding per-source
// advisory records, the package index (ecosystem, normalised name) → records, enrichment facts
// (NVD CVSS, EPSS, KEV), and the import history with each import's diff.
// An import is one write transaction: readers (other connections, other processes) keep seeing
// the previous data until Commit; Abort or any failure leaves the database as it was.
// VulnDb is not thread-safe; open one per thread or process (SQLite serialises writers).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/digest.h"
#include "common/status.h"
#include "vulndb/advisory.h"
#include "vulndb/feed.h"

struct sqlite3;
struct sqlite3_stmt;

namespace surveyor::vulndb {

struct SourceStatus {
  std::string name;
  std::string format;    // feed format names seen in the last import, comma-separated
  std::string location;  // path or URL it was imported from
  std::string fingerprint;  // sha256 over the documents of the last import
  std::string etag, last_modified;  // HTTP validators of the last fetch
  std::string last_update;          // RFC 3339 UTC time of the last successful import
  int64_t last_import_id = 0;
  int64_t records = 0;  // advisory records (or enrichment facts) currently stored
  int64_t skipped = 0;  // records skipped by the last import
};

struct Change {
  // "added", "changed", "rescored" (changed in severity or CVSS alone: it matches what it
  // matched, and it touches no package; counted as changed), "withdrawn", "removed" (gone from
  // the feed), "revised" (its text alone changed: summary, details, references; not counted,
  // touches no package), "enriched" (new or changed NVD CVSS / KEV facts), "unenriched" (facts
  // the feed dropped)
  std::string kind;
  std::string source;
  std::string key;
  std::string id;  // the record's id (the CVE for "enriched")
};

struct ImportSummary {
  int64_t import_id = 0;
  std::string source;
  std::string status;  // "ok", "unchanged" or "failed: <reason>"
  std::string started, finished;
  std::string fingerprint;
  int64_t records = 0;  // records (or facts) in this import
  int64_t added = 0, changed = 0, withdrawn = 0, removed = 0, enriched = 0;
  int64_t skipped = 0;          // whole records skipped
  int64_t partial_skips = 0;    // parts of records dropped
  // The first kMaxSummaryEntries changes and touched packages (all of them are stored and
  // returned by ChangesSince); `truncated` says some were left out of these lists.
  std::vector<Change> changes;
  std::set<std::pair<std::string, std::string>> packages;  // (ecosystem, normalised name)
  int64_t packages_touched = 0;
  bool truncated = false;
  std::vector<Skip> skips;  // the first kMaxStoredSkips
};

struct StoredRecord {
  std::string source;
  std::string key;
  Advisory advisory;
};

// What the package index holds per (ecosystem, normalised name).
struct PackageRef {
  std::string source;
  std::string key;
  std::string id;
  bool operator==(const PackageRef&) const = default;
};

class VulnDb;

// A running import of one source; a RecordSink for the parsers. Destroying it uncommitted
// rolls back.
class ImportSession final : public RecordSink, public FragmentStore {
 public:
  static constexpr size_t kMaxSummaryEntries = 10000;
  ~ImportSession() override;
  Status OnAdvisory(KeyedAdvisory record) override;
  Status OnEnrichment(Enrichment fact) override;
  void OnSkip(Skip skip) override;
  // FragmentStore over a temporary table (on disk, bounded cache), emptied by Drain.
  Status Put(std::string_view group, std::string_view part) override;
  Status Drain(const GroupFn& fn) override;
  Status Clear() override;

  // Feeds document bytes into the fingerprint.
  void AddToFingerprint(std::string_view name, std::string_view bytes);
  // The same in pieces, for streamed documents: the declared size (UINT64_MAX when unknown)
  // and then the bytes as they are read.
  void BeginDocument(std::string_view name, uint64_t size);
  void AddDocumentBytes(std::string_view bytes);
  void NoteFormat(std::string_view format);

  // Records not seen in this import are removed ("removed" in the diff), the diff and history
  // are written, and the transaction commits. `etag`/`last_modified` are stored for the source.
  Result<ImportSummary> Commit(const std::string& etag = "", const std::string& last_modified = "");
  // Rolls back and records a failed import in the history (in its own small transaction).
  void Abort(const Status& why);

  const ImportSummary& summary() const { return summary_; }

 private:
  friend class VulnDb;
  ImportSession(VulnDb& db, std::string source, std::string location);
  Status Fail(Status s);
  Status RecordChange(Change c);

  VulnDb& db_;
  std::string location_;
  std::set<std::string> formats_;
  ImportSummary summary_;
  std::unique_ptr<Hasher> hasher_;
  bool open_ = true;
  bool source_was_empty_ = false;  // no stored records for the source when the import began
  Status sticky_;  // first storage error; later calls return it
};

class VulnDb {
 public:
  static constexpr size_t kMaxStoredSkips = 1000;

  // Opens (creating when needed) `dir/vulndb.sqlite`.
  static Result<std::unique_ptr<VulnDb>> Open(const std::string& dir, const Clock* clock = nullptr);
  ~VulnDb();
  VulnDb(const VulnDb&) = delete;
  VulnDb& operator=(const VulnDb&) = delete;

  // Starts the import of `source`; FailedPrecondition while another import is open on this
  // handle, Unavailable when another process holds the write lock for too long.
  Result<std::unique_ptr<ImportSession>> BeginImport(const std::string& source,
                                                     const std::string& location);

  Result<std::vector<SourceStatus>> Sources();
  Result<std::optional<SourceStatus>> GetSource(const std::string& name);

  // Records whose id, alias or canonical id is `id`, plus every record sharing their canonical
  // ids; ordered by (source, key).
  Result<std::vector<StoredRecord>> RecordsFor(const std::string& id);
  // The merged view of a vulnerability (see merge.h), with enrichment applied. NotFound.
  Result<Advisory> Show(const std::string& id);

  // Imports finished after `since` (an import id, or an RFC 3339 time), oldest first, with their
  // changes and touched packages.
  Result<std::vector<ImportSummary>> ChangesSince(const std::string& since);

  // The package index: records affecting (ecosystem, name); the name is normalised here.
  Result<std::vector<PackageRef>> Lookup(const std::string& ecosystem, const std::string& name);
  // Streams the whole package index (ecosystem, normalised name, ref), ordered.
  Status ForEachIndexEntry(
      const std::function<void(const std::string&, const std::string&, const PackageRef&)>& fn);

  // Enrichment facts for a CVE (merged over enrichment sources).
  Result<Enrichment> EnrichmentFor(const std::string& cve);

  const std::string& path() const { return path_; }

  // Caps the database size (SQLite max_page_count) to simulate a full disk in tests.
  Status SetMaxPagesForTest(int64_t pages);

 private:
  friend class ImportSession;
  VulnDb() = default;
  Status Exec(const char* sql);
  Result<sqlite3_stmt*> Prepare(const char* sql);
  Status RebuildIndexIfRulesChanged();
  std::string NowString() const;

  sqlite3* db_ = nullptr;
  std::string path_;
  const Clock* clock_ = nullptr;
  bool import_open_ = false;
  // Prepared statements reused across records, keyed by their SQL text's address.
  std::unordered_map<const char*, sqlite3_stmt*> stmt_cache_;
};

}  // namespace surveyor::vulndb
