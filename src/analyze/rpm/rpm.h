// rpm: the package databases rpmdb.sqlite (rpm ≥ 4.16), BerkeleyDB `Packages` (hash format) and
// NDB `Packages.db` (SUSE), wherever they sit (nested roots included). The stored header blobs
// are parsed directly; no librpm. Pure parsers over the whole database file.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::rpm {

struct HeaderInfo {
  Package package;                 // name, "[epoch:]version-release", arch, source rpm
  std::vector<std::string> files;  // owned paths, root-relative
};

// One header blob as stored in the database (index count, data length, index, data).
Result<HeaderInfo> ParseHeaderBlob(std::string_view blob);
// The header blobs of each database format.
// `wal` is the database's -wal journal (may be empty): its committed frames are applied first.
Result<std::vector<std::string>> BlobsFromSqlite(std::string_view db, std::string_view wal = {});
// Applies the committed frames of an SQLite write-ahead log to a database image.
Result<std::string> ApplySqliteWal(std::string_view db, std::string_view wal);
Result<std::vector<std::string>> BlobsFromBerkeleyDb(std::string_view db);
Result<std::vector<std::string>> BlobsFromNdb(std::string_view db);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::rpm
