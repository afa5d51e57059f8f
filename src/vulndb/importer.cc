#include "vulndb/importer.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "vulndb/builtin.h"

namespace surveyor::vulndb {
namespace {

namespace fs = std::filesystem;

bool IsUrl(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Counts per format around the session.
class CountingSink final : public RecordSink {
 public:
  CountingSink(ImportSession& session, ImportResult& result) : session_(session), result_(result) {}
  void SetFormat(std::string_view f) { format_ = std::string(f); }
  Status OnAdvisory(KeyedAdvisory record) override {
    ++result_.records_by_format[format_];
    return session_.OnAdvisory(std::move(record));
  }
  Status OnEnrichment(Enrichment fact) override {
    ++result_.records_by_format[format_];
    return session_.OnEnrichment(std::move(fact));
  }
  void OnSkip(Skip skip) override { session_.OnSkip(std::move(skip)); }

 private:
  ImportSession& session_;
  ImportResult& result_;
  std::string format_;
};

class Runner {
 public:
  Runner(const ImportRequest& req, ImportSession& session, ImportResult& result)
      : req_(req), session_(session), result_(result), sink_(session, result) {}

  Status Document(const std::string& name, std::string_view bytes) {
    session_.AddToFingerprint(name, bytes);
    progress_.documents++;
    progress_.bytes += bytes.size();
    progress_.current = name;
    const FeedFormat format = req_.format ? *req_.format : SniffFormat(name, bytes);
    if (format == FeedFormat::kUnknown) {
      ++result_.ignored_documents;
    } else {
      session_.NoteFormat(FeedFormatName(format));
      sink_.SetFormat(FeedFormatName(format));
      RETURN_IF_ERROR(ParseDocument(format, bytes, name, sink_));
    }
    if (req_.progress && (progress_.documents % 256 == 0)) {
      progress_.records = static_cast<uint64_t>(session_.summary().records);
      req_.progress(progress_);
    }
    return Status::Ok();
  }

  Status File(const fs::path& path, const std::string& name) {
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    if (ec) return Internal("cannot stat " + path.string() + ": " + ec.message());
    if (size > req_.max_document_bytes) {
      session_.OnSkip({name, "document larger than " + std::to_string(req_.max_document_bytes) + " bytes", false});
      return Status::Ok();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return Internal("cannot open " + path.string());
    std::string bytes(size, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    if (static_cast<uint64_t>(in.gcount()) != size) return Internal("short read on " + path.string());
    return Document(name, bytes);
  }

  Status Directory(const fs::path& root) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Internal("cannot read " + root.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Internal("cannot read " + root.string() + ": " + ec.message());
      const std::string fname = it->path().filename().string();
      if (!fname.empty() && fname[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(it->path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      const std::string rel = fs::relative(f, root).generic_string();
      if (EndsWith(rel, ".zip")) {
        RETURN_IF_ERROR(Zip(f));
      } else {
        RETURN_IF_ERROR(File(f, rel));
      }
    }
    return Status::Ok();
  }

  Status Zip(const fs::path& path) {
    struct archive* a = archive_read_new();
    if (a == nullptr) return Internal("out of memory");
    struct Closer {
      struct archive* a;
      ~Closer() { archive_read_free(a); }
    } closer{a};
    archive_read_support_format_zip(a);
    archive_read_support_filter_none(a);
    if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) {
      return InvalidArgument("cannot open zip " + path.string() + ": " + archive_error_string(a));
    }
    std::string bytes;
    while (true) {
      struct archive_entry* entry = nullptr;
      const int rc = archive_read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return DataLoss("corrupt or truncated zip " + path.string() + ": " +
                        (archive_error_string(a) ? archive_error_string(a) : "unknown error"));
      }
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      const char* pathname = archive_entry_pathname(entry);
      const std::string name = pathname ? pathname : "";
      bytes.clear();
      char buf[1 << 16];
      bool too_big = false;
      while (true) {
        const la_ssize_t n = archive_read_data(a, buf, sizeof buf);
        if (n < 0) {
          return DataLoss("corrupt or truncated zip " + path.string() + " at " + name + ": " +
                          (archive_error_string(a) ? archive_error_string(a) : "read error"));
        }
        if (n == 0) break;
        if (bytes.size() + static_cast<size_t>(n) > req_.max_document_bytes) {
          too_big = true;
          continue;  // drain the entry, keep nothing
        }
        bytes.append(buf, static_cast<size_t>(n));
      }
      if (too_big) {
        session_.OnSkip({name, "document larger than " + std::to_string(req_.max_document_bytes) + " bytes", false});
        continue;
      }
      RETURN_IF_ERROR(Document(name, bytes));
    }
    return Status::Ok();
  }

  Status Local(const std::string& location) {
    std::error_code ec;
    const fs::path p(location);
    if (fs::is_directory(p, ec)) return Directory(p);
    if (!fs::exists(p, ec)) return NotFound("no such file or directory: " + location);
    if (EndsWith(location, ".zip")) return Zip(p);
    return File(p, p.filename().string());
  }

 private:
  const ImportRequest& req_;
  ImportSession& session_;
  ImportResult& result_;
  CountingSink sink_;
  ImportProgress progress_;
};

}  // namespace

std::string DefaultSourceName(const std::string& location) {
  std::string loc = location;
  while (loc.size() > 1 && loc.back() == '/') loc.pop_back();
  if (IsUrl(loc)) {
    const size_t q = loc.find_first_of("?#");
    if (q != std::string::npos) loc = loc.substr(0, q);
    loc = loc.substr(loc.find("//") + 2);
  }
  fs::path p(loc);
  std::string stem = p.stem().string();
  if (stem == "all" && p.has_parent_path()) stem = p.parent_path().filename().string();
  return stem.empty() ? "default" : stem;
}

Result<ImportResult> RunImport(VulnDb& db, const ImportRequest& request) {
  ImportResult result;
  const std::string source = request.source.empty() ? DefaultSourceName(request.location) : request.source;
  std::string local = request.location;
  std::string etag, last_modified;
  std::string fetched_path;
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      if (!path.empty()) {
        std::error_code ec;
        fs::remove(path, ec);
      }
    }
  } cleanup;
  if (IsUrl(request.location)) {
    if (request.fetcher == nullptr) return FailedPrecondition("no fetcher configured for URLs");
    ASSIGN_OR_RETURN(auto previous, db.GetSource(source));
    const std::string dir = request.work_dir.empty() ? fs::path(db.path()).parent_path().string() : request.work_dir;
    std::string ext = ".json";
    for (const char* e : {".zip", ".csv", ".yaml", ".yml", ".json"}) {
      std::string url = request.location.substr(0, request.location.find_first_of("?#"));
      if (EndsWith(url, e)) {
        ext = e;
        break;
      }
    }
    fetched_path = (fs::path(dir) / (".fetch-" + source + ext)).string();
    cleanup.path = fetched_path;
    auto response = request.fetcher->Fetch(request.location, previous ? previous->etag : "",
                                           previous ? previous->last_modified : "", fetched_path);
    if (!response.ok()) {
      // Nothing imported; the failure goes to the history.
      ASSIGN_OR_RETURN(auto session, db.BeginImport(source, request.location));
      session->Abort(response.status());
      return response.status();
    }
    if (response->not_modified) {
      result.unchanged = true;
      result.summary.source = source;
      result.summary.status = "unchanged";
      return result;
    }
    etag = response->etag;
    last_modified = response->last_modified;
    local = fetched_path;
  }
  ASSIGN_OR_RETURN(auto session, db.BeginImport(source, request.location));
  Runner runner(request, *session, result);
  Status s = runner.Local(local);
  if (!s.ok()) {
    session->Abort(s);
    return s;
  }
  ASSIGN_OR_RETURN(result.summary, session->Commit(etag, last_modified));
  return result;
}

}  // namespace surveyor::vulndb
