#include "registry/gc.h"

#include <filesystem>

namespace surveyor::registry {
namespace {

Result<bool> BlobRowExists(store::Database& db, const Digest& d) {
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM blobs WHERE digest = ?"));
  stmt.Bind(1, d.ToString());
  return stmt.Step();
}

}  // namespace

Result<uint64_t> RecoverTrash(store::Database& db, store::BlobStore& blobs) {
  ASSIGN_OR_RETURN(auto trashed, blobs.ListTrash());
  uint64_t recovered = 0;
  for (const Digest& d : trashed) {
    store::Transaction tx(db);
    RETURN_IF_ERROR(tx.begin_status());
    ASSIGN_OR_RETURN(bool live, BlobRowExists(db, d));
    if (live) {
      RETURN_IF_ERROR(blobs.RestoreFromTrash(d));
      ++recovered;
    } else {
      RETURN_IF_ERROR(blobs.EmptyTrashEntry(d));
    }
    RETURN_IF_ERROR(tx.Commit());
  }
  return recovered;
}

Result<GcReport> CollectGarbage(store::Database& db, store::BlobStore& blobs, const Clock& clock,
                                const GcOptions& options) {
  GcReport report;
  ASSIGN_OR_RETURN(report.trash_recovered, RecoverTrash(db, blobs));
  const int64_t cutoff =
      ToUnixMillis(clock.Now()) -
      std::chrono::duration_cast<std::chrono::milliseconds>(options.grace).count();

  // 1. Links no manifest of their repository references.
  {
    store::Transaction tx(db);
    RETURN_IF_ERROR(tx.begin_status());
    const char* sql = options.dry_run
                          ? "SELECT count(*) FROM repository_blobs rb WHERE rb.created_at < ?1 AND "
                            "NOT EXISTS (SELECT 1 FROM manifest_references mr WHERE "
                            "mr.repository_id = rb.repository_id AND mr.child_digest = rb.digest)"
                          : "DELETE FROM repository_blobs WHERE created_at < ?1 AND NOT EXISTS "
                            "(SELECT 1 FROM manifest_references mr WHERE mr.repository_id = "
                            "repository_blobs.repository_id AND mr.child_digest = "
                            "repository_blobs.digest)";
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    stmt.Bind(1, cutoff);
    if (options.dry_run) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (row) report.links_removed = static_cast<uint64_t>(stmt.ColumnInt(0));
    } else {
      RETURN_IF_ERROR(stmt.Run());
      report.links_removed = static_cast<uint64_t>(db.Changes());
    }
    RETURN_IF_ERROR(tx.Commit());
  }

  // 2. Blobs no repository links, in batches so memory stays bounded. A dry run cannot rely on
  // step 1 having removed links, so it counts blobs whose every link would go.
  std::string after;
  for (;;) {
    store::Transaction tx(db);
    RETURN_IF_ERROR(tx.begin_status());
    const char* sql =
        options.dry_run
            ? "SELECT digest, size FROM blobs b WHERE digest > ?2 AND created_at < ?1 AND NOT "
              "EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest AND "
              "(rb.created_at >= ?1 OR EXISTS (SELECT 1 FROM manifest_references mr WHERE "
              "mr.repository_id = rb.repository_id AND mr.child_digest = rb.digest))) "
              "ORDER BY digest LIMIT ?3"
            : "SELECT digest, size FROM blobs b WHERE digest > ?2 AND created_at < ?1 AND NOT "
              "EXISTS (SELECT 1 FROM repository_blobs rb WHERE rb.digest = b.digest) "
              "ORDER BY digest LIMIT ?3";
    std::vector<std::pair<std::string, int64_t>> batch;
    {
      ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
      stmt.Bind(1, cutoff).Bind(2, after).Bind(3, static_cast<int64_t>(options.batch_size));
      for (;;) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        batch.emplace_back(stmt.ColumnText(0), stmt.ColumnInt(1));
      }
    }
    if (batch.empty()) break;
    after = batch.back().first;
    std::vector<Digest> trashed;
    for (const auto& [text, size] : batch) {
      auto d = Digest::Parse(text);
      if (!d.ok()) continue;
      if (!options.dry_run) {
        RETURN_IF_ERROR(blobs.MoveToTrash(*d));
        ASSIGN_OR_RETURN(auto del, db.Prepare("DELETE FROM blobs WHERE digest = ?"));
        del.Bind(1, text);
        RETURN_IF_ERROR(del.Run());
        trashed.push_back(*d);
      }
      ++report.blobs_deleted;
      report.bytes_reclaimed += static_cast<uint64_t>(size);
      if (report.deleted.size() < options.max_listed) report.deleted.push_back(text);
    }
    RETURN_IF_ERROR(tx.Commit());
    for (const Digest& d : trashed) RETURN_IF_ERROR(blobs.EmptyTrashEntry(d));
  }

  // 3. Files without a row, past the grace period (by modification time).
  const auto file_cutoff = std::filesystem::file_time_type::clock::now() - options.grace;
  RETURN_IF_ERROR(blobs.ForEachBlobBatch([&](const std::vector<Digest>& files) -> Status {
    store::Transaction tx(db);
    RETURN_IF_ERROR(tx.begin_status());
    std::vector<Digest> trashed;
    for (const Digest& d : files) {
      ASSIGN_OR_RETURN(bool live, BlobRowExists(db, d));
      if (live) continue;
      std::error_code ec;
      const auto mtime = std::filesystem::last_write_time(blobs.BlobPath(d), ec);
      if (ec || mtime >= file_cutoff) continue;
      ++report.orphan_files_deleted;
      if (!options.dry_run) {
        RETURN_IF_ERROR(blobs.MoveToTrash(d));
        trashed.push_back(d);
      }
    }
    RETURN_IF_ERROR(tx.Commit());
    for (const Digest& d : trashed) RETURN_IF_ERROR(blobs.EmptyTrashEntry(d));
    return Status::Ok();
  }));
  return report;
}

}  // namespace surveyor::registry
