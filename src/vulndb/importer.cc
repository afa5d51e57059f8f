#include "vulndb/importer.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "vulndb/builtin.h"
#include "vulndb/debian/tracker_parser.h"
#include "vulndb/epss/epss_parser.h"
#include "vulndb/nvd/nvd_parser.h"
#ifdef SURVEYOR_HAVE_ISAL_ZIP
#include "vulndb/zip_reader.h"
#endif

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

// Reads up to `cap` bytes of a document into `buf`; 0 at its end.
using ReadFn = std::function<Result<size_t>(char* buf, size_t cap)>;

constexpr size_t kChunk = 1 << 16;
constexpr size_t kSniffBytes = 4096;

std::string ArchiveError(struct archive* a, const char* fallback) {
  const char* e = archive_error_string(a);
  return e ? e : fallback;
}

struct ArchiveCloser {
  struct archive* a;
  ~ArchiveCloser() { archive_read_free(a); }
};

class Runner {
 public:
  Runner(const ImportRequest& req, ImportSession& session, ImportResult& result)
      : req_(req), session_(session), result_(result), sink_(session, result) {}

  // One document: its format is sniffed from the name and the first kSniffBytes, then it is
  // streamed into a streaming parser, or gathered (up to max_document_bytes) and parsed whole.
  Status Stream(const std::string& name, std::optional<uint64_t> size, const ReadFn& read) {
    // One read buffer for the whole import (allocating and zeroing 64 KiB per document was 12%
    // of an OSV zip import's instructions).
    char* buf = buf_.get();
    std::string head;
    bool eof = false;
    while (head.size() < kSniffBytes && !eof) {
      ASSIGN_OR_RETURN(size_t n, read(buf, kChunk));
      if (n == 0) eof = true;
      head.append(buf, n);
    }
    session_.BeginDocument(name, size ? *size : UINT64_MAX);
    session_.AddDocumentBytes(head);
    progress_.documents++;
    progress_.current = name;
    uint64_t bytes = head.size();
    auto next = [&]() -> Result<std::string_view> {
      if (eof) return std::string_view();
      ASSIGN_OR_RETURN(size_t n, read(buf, kChunk));
      if (n == 0) eof = true;
      const std::string_view chunk(buf, n);
      session_.AddDocumentBytes(chunk);
      bytes += n;
      if (req_.progress && (bytes & ((64u << 20) - 1)) < n) Progress(bytes);
      return chunk;
    };
    const FeedFormat format = req_.format ? *req_.format : SniffFormat(name, head);
    Status parsed = Status::Ok();
    if (format == FeedFormat::kUnknown) {
      ++result_.ignored_documents;
      while (!eof) RETURN_IF_ERROR(next().status());  // fingerprinted, not parsed
    } else {
      session_.NoteFormat(FeedFormatName(format));
      sink_.SetFormat(FeedFormatName(format));
      std::unique_ptr<StreamParser> stream;
      if (format == FeedFormat::kDebianTracker) {
        stream = std::make_unique<DebianTrackerStream>(name, sink_, session_);
      } else if (format == FeedFormat::kEpss) {
        stream = std::make_unique<EpssStream>(name, sink_);
      }
      if (stream) {
        RETURN_IF_ERROR(stream->Feed(head));
        while (!eof) {
          ASSIGN_OR_RETURN(std::string_view chunk, next());
          RETURN_IF_ERROR(stream->Feed(chunk));
        }
        RETURN_IF_ERROR(stream->Finish());
      } else {
        std::string whole = std::move(head);
        bool too_big = whole.size() > req_.max_document_bytes;
        while (!eof) {
          ASSIGN_OR_RETURN(std::string_view chunk, next());
          if (too_big || whole.size() + chunk.size() > req_.max_document_bytes) {
            too_big = true;
            std::string().swap(whole);  // keep nothing; the rest is only fingerprinted
            continue;
          }
          whole.append(chunk);
        }
        if (too_big) {
          session_.OnSkip({name, "document larger than " + std::to_string(req_.max_document_bytes) + " bytes", false});
        } else if (format == FeedFormat::kNvd) {
          RETURN_IF_ERROR(ParseNvdPage(whole, name, sink_, nvd_paging_));
        } else {
          RETURN_IF_ERROR(ParseDocument(format, whole, name, sink_));
        }
      }
    }
    progress_.bytes += bytes;
    if (req_.progress && (progress_.documents % 256 == 0)) Progress(0);
    return parsed;
  }

  void Progress(uint64_t current_bytes) {
    ImportProgress p = progress_;
    p.bytes += current_bytes;
    p.records = static_cast<uint64_t>(session_.summary().records);
    req_.progress(p);
  }

  Status File(const fs::path& path, const std::string& name) {
    std::error_code ec;
    const uint64_t size = fs::file_size(path, ec);
    if (ec) return Internal("cannot stat " + path.string() + ": " + ec.message());
    std::ifstream in(path, std::ios::binary);
    if (!in) return Internal("cannot open " + path.string());
    uint64_t left = size;
    return Stream(name, size, [&](char* buf, size_t cap) -> Result<size_t> {
      if (left == 0) return size_t{0};
      const size_t want = static_cast<size_t>(std::min<uint64_t>(cap, left));
      in.read(buf, static_cast<std::streamsize>(want));
      if (static_cast<size_t>(in.gcount()) != want) return Internal("short read on " + path.string());
      left -= want;
      return want;
    });
  }

  // A gzip-compressed file ("epss_scores-current.csv.gz"): the document is named without ".gz".
  Status GzipFile(const fs::path& path, const std::string& name) {
    struct archive* a = archive_read_new();
    if (a == nullptr) return Internal("out of memory");
    ArchiveCloser closer{a};
    archive_read_support_format_raw(a);
    archive_read_support_filter_gzip(a);
    if (archive_read_open_filename(a, path.c_str(), kChunk) != ARCHIVE_OK) {
      // libarchive reads ahead on open: a short file fails here already.
      return DataLoss("corrupt or truncated gzip " + path.string() + ": " + ArchiveError(a, "unknown error"));
    }
    struct archive_entry* entry = nullptr;
    if (archive_read_next_header(a, &entry) != ARCHIVE_OK ||
        archive_filter_code(a, 0) != ARCHIVE_FILTER_GZIP) {
      return DataLoss("not a gzip file: " + path.string());
    }
    const std::string doc = name.substr(0, name.size() - 3);
    return Stream(doc, std::nullopt, [&](char* buf, size_t cap) -> Result<size_t> {
      const la_ssize_t n = archive_read_data(a, buf, cap);
      if (n < 0) {
        return DataLoss("corrupt or truncated gzip " + path.string() + ": " + ArchiveError(a, "read error"));
      }
      return static_cast<size_t>(n);
    });
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
      RETURN_IF_ERROR(Path(f, fs::relative(f, root).generic_string()));
    }
    return Status::Ok();
  }

  Status Path(const fs::path& p, const std::string& name) {
    if (EndsWith(name, ".zip")) return Zip(p);
    if (EndsWith(name, ".gz")) return GzipFile(p, name);
    return File(p, name);
  }

  Status Zip(const fs::path& path) {
#ifdef SURVEYOR_HAVE_ISAL_ZIP
    if (!req_.zip_with_libarchive_for_test) {
      // A first pass over the central directory and local headers decides: archives ZipReader
      // reads are read by it, every other one (and every broken one, for the same errors as
      // before) by libarchive.
      auto file = ZipFile::Open(path.string());
      if (file.ok() && ZipReader::Check(**file).ok()) return ZipDirect(**file, path);
    }
#endif
    struct archive* a = archive_read_new();
    if (a == nullptr) return Internal("out of memory");
    ArchiveCloser closer{a};
    archive_read_support_format_zip(a);
    archive_read_support_filter_none(a);
    if (archive_read_open_filename(a, path.c_str(), kChunk) != ARCHIVE_OK) {
      return InvalidArgument("cannot open zip " + path.string() + ": " + ArchiveError(a, "unknown error"));
    }
    while (true) {
      struct archive_entry* entry = nullptr;
      const int rc = archive_read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return DataLoss("corrupt or truncated zip " + path.string() + ": " + ArchiveError(a, "unknown error"));
      }
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      const char* pathname = archive_entry_pathname(entry);
      const std::string name = pathname ? pathname : "";
      std::optional<uint64_t> size;
      if (archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0) {
        size = static_cast<uint64_t>(archive_entry_size(entry));
      }
      RETURN_IF_ERROR(Stream(name, size, [&](char* buf, size_t cap) -> Result<size_t> {
        const la_ssize_t n = archive_read_data(a, buf, cap);
        if (n < 0) {
          return DataLoss("corrupt or truncated zip " + path.string() + " at " + name + ": " +
                          ArchiveError(a, "read error"));
        }
        return static_cast<size_t>(n);
      }));
    }
    return Status::Ok();
  }

#ifdef SURVEYOR_HAVE_ISAL_ZIP
  Status ZipDirect(ZipInput& in, const fs::path& path) {
    auto corrupt = [&](const std::string& at, const Status& s) {
      return DataLoss("corrupt or truncated zip " + path.string() + at + ": " + s.message());
    };
    auto reader = ZipReader::Open(in);
    if (!reader.ok()) return corrupt("", reader.status());
    ZipEntry entry;
    while (true) {
      auto more = (*reader)->Next(entry);
      if (!more.ok()) return corrupt("", more.status());
      if (!*more) break;
      if (!entry.regular) continue;
      // Named and sized as libarchive's reader reports them (from the central directory), so
      // that the fingerprint does not depend on the reader.
      RETURN_IF_ERROR(Stream(entry.name, entry.size, [&](char* buf, size_t cap) -> Result<size_t> {
        auto n = (*reader)->Read(buf, cap);
        if (!n.ok()) return corrupt(" at " + entry.name, n.status());
        return *n;
      }));
    }
    return Status::Ok();
  }
#endif

  Status Local(const std::string& location) {
    std::error_code ec;
    const fs::path p(location);
    if (fs::is_directory(p, ec)) return Directory(p);
    if (!fs::exists(p, ec)) return NotFound("no such file or directory: " + location);
    return Path(p, p.filename().string());
  }

  // The paging fields of the last NVD page read, when it had them.
  const std::optional<NvdPaging>& nvd_paging() const { return nvd_paging_; }
  void ResetNvdPaging() { nvd_paging_.reset(); }

 private:
  const ImportRequest& req_;
  ImportSession& session_;
  ImportResult& result_;
  CountingSink sink_;
  ImportProgress progress_;
  std::optional<NvdPaging> nvd_paging_;
  std::unique_ptr<char[]> buf_ = std::make_unique_for_overwrite<char[]>(kChunk);
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
  if (EndsWith(loc, ".gz")) loc.resize(loc.size() - 3);
  fs::path p(loc);
  std::string stem = p.stem().string();
  if (stem == "all" && p.has_parent_path()) stem = p.parent_path().filename().string();
  return stem.empty() ? "default" : stem;
}

std::string WithQueryParameter(const std::string& url, const std::string& key, const std::string& value) {
  const size_t hash = url.find('#');
  const std::string fragment = hash == std::string::npos ? "" : url.substr(hash);
  std::string base = url.substr(0, hash);
  const size_t q = base.find('?');
  std::string path = base.substr(0, q);
  std::vector<std::string> params;
  if (q != std::string::npos) {
    std::string query = base.substr(q + 1);
    size_t pos = 0;
    while (pos <= query.size()) {
      size_t amp = query.find('&', pos);
      if (amp == std::string::npos) amp = query.size();
      std::string param = query.substr(pos, amp - pos);
      const std::string name = param.substr(0, param.find('='));
      if (!param.empty() && name != key) params.push_back(param);
      pos = amp + 1;
    }
  }
  params.push_back(key + "=" + value);
  std::string out = path + "?";
  for (size_t i = 0; i < params.size(); ++i) out += (i ? "&" : "") + params[i];
  return out + fragment;
}

namespace {

// The local file name extension for a fetched URL (the importer sniffs formats by name).
std::string FetchExtension(const std::string& url) {
  const std::string path = url.substr(0, url.find_first_of("?#"));
  for (const char* e : {".zip", ".csv.gz", ".json.gz", ".gz", ".csv", ".yaml", ".yml", ".json"}) {
    if (EndsWith(path, e)) return e;
  }
  return ".json";
}

// Fetched files, removed when the import ends.
struct FetchedFiles {
  std::vector<std::string> paths;
  ~FetchedFiles() {
    for (const std::string& p : paths) {
      std::error_code ec;
      fs::remove(p, ec);
    }
  }
};

}  // namespace

Result<ImportResult> RunImport(VulnDb& db, const ImportRequest& request) {
  ImportResult result;
  const std::string source = request.source.empty() ? DefaultSourceName(request.location) : request.source;
  std::vector<std::string> locations = {request.location};
  locations.insert(locations.end(), request.more_locations.begin(), request.more_locations.end());
  const std::string dir =
      request.work_dir.empty() ? fs::path(db.path()).parent_path().string() : request.work_dir;
  FetchedFiles fetched;
  auto fetch_path = [&](const std::string& url) {
    std::string p = (fs::path(dir) / (".fetch-" + source + "-" + std::to_string(fetched.paths.size()) +
                                      FetchExtension(url))).string();
    fetched.paths.push_back(p);
    return p;
  };
  for (const std::string& loc : locations) {
    if (IsUrl(loc) && request.fetcher == nullptr) return FailedPrecondition("no fetcher configured for URLs");
  }
  std::string etag, last_modified;
  std::string first_local = locations[0];
  if (IsUrl(locations[0])) {
    // Conditional fetch (ETag / If-Modified-Since) when the source is this one URL.
    ASSIGN_OR_RETURN(auto previous, db.GetSource(source));
    const bool conditional = locations.size() == 1 && previous;
    first_local = fetch_path(locations[0]);
    auto response = request.fetcher->Fetch(locations[0], conditional ? previous->etag : "",
                                           conditional ? previous->last_modified : "", first_local);
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
  }
  ASSIGN_OR_RETURN(auto session, db.BeginImport(source, request.location));
  Runner runner(request, *session, result);
  auto fail = [&](Status s) -> Status {
    session->Abort(s);
    return s;
  };
  // Fetches `url` unconditionally into a new local file.
  auto fetch = [&](const std::string& url) -> Result<std::string> {
    const std::string path = fetch_path(url);
    auto response = request.fetcher->Fetch(url, "", "", path);
    if (!response.ok()) return response.status();
    if (response->not_modified) return Unavailable("unexpected 304 Not Modified for " + url);
    return path;
  };
  for (size_t i = 0; i < locations.size(); ++i) {
    const std::string& loc = locations[i];
    std::string local = i == 0 ? first_local : loc;
    if (i > 0 && IsUrl(loc)) {
      auto path = fetch(loc);
      if (!path.ok()) return fail(path.status());
      local = *path;
    }
    runner.ResetNvdPaging();
    if (Status s = runner.Local(local); !s.ok()) return fail(s);
    if (!IsUrl(loc) || !runner.nvd_paging()) continue;
    // An NVD API 2.0 response: follow startIndex until totalResults are read.
    NvdPaging paging = *runner.nvd_paging();
    int pages = 1;
    while (paging.results_per_page > 0 && paging.start_index >= 0 &&
           paging.start_index + paging.results_per_page < paging.total_results) {
      if (++pages > request.max_nvd_pages) {
        return fail(ResourceExhausted("NVD paging stopped after " + std::to_string(request.max_nvd_pages) + " pages"));
      }
      const int64_t next = paging.start_index + paging.results_per_page;
      const std::string url = WithQueryParameter(loc, "startIndex", std::to_string(next));
      auto path = fetch(url);
      if (!path.ok()) return fail(path.status());
      runner.ResetNvdPaging();
      if (Status s = runner.Local(*path); !s.ok()) return fail(s);
      if (!runner.nvd_paging() || runner.nvd_paging()->start_index != next) {
        return fail(DataLoss("NVD answered " + url + " with another page"));
      }
      paging = *runner.nvd_paging();
      std::error_code ec;
      fs::remove(*path, ec);  // pages are not kept while the next ones are read
    }
  }
  ASSIGN_OR_RETURN(result.summary, session->Commit(etag, last_modified));
  return result;
}

}  // namespace surveyor::vulndb
