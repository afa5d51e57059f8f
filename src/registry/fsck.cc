#include "registry/fsck.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "registry/gc.h"

namespace surveyor::registry {
namespace {

Result<Digest> HashFile(const std::string& path, DigestAlgorithm algorithm, uint64_t& size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  Hasher hasher(algorithm);
  std::vector<char> buffer(1 << 20);
  size = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(err, "read " + path);
    }
    if (n == 0) break;
    hasher.Update(buffer.data(), static_cast<size_t>(n));
    size += static_cast<uint64_t>(n);
  }
  ::close(fd);
  return hasher.Finish();
}

// Drops a blob from the index: its row and every repository's link. Manifests that reference it
// stay, and fsck reports them.
Status ForgetBlob(store::Database& db, const std::string& digest) {
  store::Transaction tx(db);
  RETURN_IF_ERROR(tx.begin_status());
  for (const char* sql : {"DELETE FROM repository_blobs WHERE digest = ?",
                          "DELETE FROM blobs WHERE digest = ?"}) {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(sql));
    stmt.Bind(1, digest);
    RETURN_IF_ERROR(stmt.Run());
  }
  return tx.Commit();
}

}  // namespace

Result<FsckReport> Fsck(store::Database& db, store::BlobStore& blobs, bool repair) {
  FsckReport report;
  // Like a journal replay, finishing an interrupted collection comes before judging the store:
  // it restores blobs a killed collector had moved away and drops what it had already condemned.
  RETURN_IF_ERROR(RecoverTrash(db, blobs));

  // Blobs: every indexed blob is on disk with the right bytes, in pages of rows.
  std::string after;
  for (;;) {
    std::vector<std::pair<std::string, int64_t>> page;
    {
      auto lock = db.Lock();
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT digest, size FROM blobs WHERE digest > ? "
                                             "ORDER BY digest LIMIT 1000"));
      stmt.Bind(1, after);
      for (;;) {
        ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) break;
        page.emplace_back(stmt.ColumnText(0), stmt.ColumnInt(1));
      }
    }
    if (page.empty()) break;
    after = page.back().first;
    for (const auto& [text, size] : page) {
      ++report.blobs_checked;
      auto d = Digest::Parse(text);
      if (!d.ok()) continue;
      uint64_t actual_size = 0;
      auto actual = HashFile(blobs.BlobPath(*d), d->algorithm(), actual_size);
      FsckIssue issue;
      if (!actual.ok()) {
        issue = {"blob_missing", text, actual.status().message()};
      } else if (*actual != *d) {
        issue = {"blob_corrupt", text, "content hashes to " + actual->ToString()};
      } else if (actual_size != static_cast<uint64_t>(size)) {
        issue = {"blob_size", text,
                 "indexed as " + std::to_string(size) + " bytes, is " + std::to_string(actual_size)};
      } else {
        continue;
      }
      if (repair && issue.kind != "blob_size") {
        // A corrupt file is moved aside to <root>/corrupt/ (kept for inspection, never served
        // again); the index forgets the blob so that a client push can bring it back.
        if (issue.kind == "blob_corrupt") {
          std::error_code ec;
          const std::string quarantine = JoinPath(blobs.root(), "corrupt");
          std::filesystem::create_directories(quarantine, ec);
          std::filesystem::rename(blobs.BlobPath(*d),
                                  JoinPath(quarantine, d->ToString().replace(6, 1, "-")), ec);
        }
        issue.repaired = ForgetBlob(db, text).ok();
      }
      report.issues.push_back(std::move(issue));
    }
  }

  // Files on disk that the index does not know.
  RETURN_IF_ERROR(blobs.ForEachBlobBatch([&](const std::vector<Digest>& files) -> Status {
    auto lock = db.Lock();
    for (const Digest& d : files) {
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT 1 FROM blobs WHERE digest = ?"));
      stmt.Bind(1, d.ToString());
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) {
        report.issues.push_back({"orphan_file", d.ToString(),
                                 "a blob file with no index entry; `surveyor gc` removes it", false});
      }
    }
    return Status::Ok();
  }));

  // Manifests: bytes match the digest; every reference resolves in the repository.
  {
    auto lock = db.Lock();
    ASSIGN_OR_RETURN(auto stmt, db.Prepare(
        "SELECT r.name, m.repository_id, m.digest, m.content FROM manifests m JOIN repositories r "
        "ON r.id = m.repository_id ORDER BY r.name, m.digest"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ++report.manifests_checked;
      const std::string repo = stmt.ColumnText(0);
      const std::string digest = stmt.ColumnText(2);
      auto d = Digest::Parse(digest);
      if (!d.ok() || ComputeDigest(stmt.ColumnText(3), d->algorithm()) != *d) {
        report.issues.push_back({"manifest_corrupt", repo + "@" + digest,
                                 "stored bytes do not hash to the digest", false});
      }
    }
    ASSIGN_OR_RETURN(auto refs, db.Prepare(
        "SELECT r.name, mr.manifest_digest, mr.child_digest, mr.kind FROM manifest_references mr "
        "JOIN repositories r ON r.id = mr.repository_id WHERE "
        "(mr.kind != 'manifest' AND NOT EXISTS (SELECT 1 FROM repository_blobs rb WHERE "
        " rb.repository_id = mr.repository_id AND rb.digest = mr.child_digest)) OR "
        "(mr.kind = 'manifest' AND NOT EXISTS (SELECT 1 FROM manifests m WHERE "
        " m.repository_id = mr.repository_id AND m.digest = mr.child_digest))"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, refs.Step());
      if (!row) break;
      report.issues.push_back({"manifest_reference_missing",
                               refs.ColumnText(0) + "@" + refs.ColumnText(1),
                               refs.ColumnText(3) + " " + refs.ColumnText(2) + " is not stored",
                               false});
    }
    ASSIGN_OR_RETURN(auto tags, db.Prepare(
        "SELECT r.name, t.name, t.digest, EXISTS (SELECT 1 FROM manifests m WHERE "
        "m.repository_id = t.repository_id AND m.digest = t.digest) FROM tags t JOIN "
        "repositories r ON r.id = t.repository_id"));
    for (;;) {
      ASSIGN_OR_RETURN(bool row, tags.Step());
      if (!row) break;
      ++report.tags_checked;
      if (tags.ColumnInt(3) == 0) {
        report.issues.push_back({"tag_dangling", tags.ColumnText(0) + ":" + tags.ColumnText(1),
                                 "points at missing manifest " + tags.ColumnText(2), false});
      }
    }
  }

  // Uploads: a data file without its repository note, or the reverse, is debris.
  ASSIGN_OR_RETURN(auto ids, blobs.ListUploads());
  for (const auto& id : ids) {
    if (!blobs.UploadSize(id).ok()) {
      FsckIssue issue{"upload_incomplete", id, "upload note without data", false};
      if (repair) issue.repaired = blobs.DeleteUpload(id).ok();
      report.issues.push_back(std::move(issue));
    }
  }
  return report;
}

}  // namespace surveyor::registry
