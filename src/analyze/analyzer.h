// The analyzer interface. An analyzer has a stable name and a version (stored with cached results:
// bump the version whenever its output for the same input could change), a cheap Required() test
// applied to every entry while a layer is walked once, and Analyze() on the files it asked for.
// Analyzers are stateless and thread-safe; the list is explicit (builtin.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/package.h"
#include "common/status.h"

namespace surveyor::analyze {

struct FileMeta {
  std::string_view path;  // root-relative, no leading "/"
  uint64_t size = 0;
  uint32_t mode = 0;      // permission bits
};

// The content of the file being analysed, streamed from the layer.
class FileContent {
 public:
  virtual ~FileContent() = default;
  // Up to n bytes; 0 at the end of the file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // The whole remaining content; ResourceExhausted when it is longer than `max_bytes`.
  Result<std::string> ReadAll(uint64_t max_bytes);
  // The file's declared size (0 when unknown); lets ReadAll allocate once.
  virtual uint64_t size_hint() const { return 0; }
};

class StringContent final : public FileContent {
 public:
  explicit StringContent(std::string_view data) : data_(data) {}
  Result<size_t> Read(char* buf, size_t n) override;
  uint64_t size_hint() const override { return data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// What one analyzer found in one file.
struct Findings {
  std::vector<Package> packages;
  // Paths (root-relative) the OS package manager says it owns (dpkg info/*.list, apk R: lines).
  std::vector<std::string> owned_files;
  OsInfo os;                          // set by OS-release style analyzers
  std::vector<std::string> warnings;  // per-file problems that did not stop the scan
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view name() const = 0;
  virtual int version() const = 0;
  // Cheap: called for every regular file of every layer.
  virtual bool Required(const FileMeta& file) const = 0;
  // Errors are reported as per-file warnings by the walker; they never stop the layer.
  virtual Result<Findings> Analyze(const FileMeta& file, FileContent& content) const = 0;
  std::string id() const { return std::string(name()) + "@" + std::to_string(version()); }

  // Analyzers whose files only make sense together (an SQLite database and its -wal journal)
  // return true: the walker then buffers every file they require in the layer (up to
  // GroupByteLimit() in total) and calls AnalyzeGroup once at the end of the layer instead of
  // Analyze per file.
  virtual bool WantsGroup() const { return false; }
  virtual uint64_t GroupByteLimit() const { return 32 << 20; }
  struct GroupFile {
    std::string path;
    std::string content;
  };
  struct GroupResult {
    std::string path;
    Result<Findings> findings;
  };
  virtual std::vector<GroupResult> AnalyzeGroup(const std::vector<GroupFile>&) const { return {}; }
};

// Path helpers for Required().
bool EndsWith(std::string_view s, std::string_view suffix);
bool StartsWith(std::string_view s, std::string_view prefix);
std::string_view BaseName(std::string_view path);
std::string_view ParentDir(std::string_view path);

}  // namespace surveyor::analyze
