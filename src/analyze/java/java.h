// Java archives: jar, war, ear and par files (and jars nested in them, e.g. BOOT-INF/lib or
// WEB-INF/lib), read as a stream with libarchive's zip reader — never buffered whole.
// Coordinates come from META-INF/maven/**/pom.properties; without one, from MANIFEST.MF and the
// file name. Nesting depth, entry counts and expanded bytes are limited (zip bombs).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::java {

struct PomProperties {
  std::string group_id, artifact_id, version;
};
// Java .properties "key=value" / "key: value" lines. InvalidArgument without all three keys.
Result<PomProperties> ParsePomProperties(std::string_view text);

struct Manifest {
  std::string title, version, vendor_id, symbolic_name;
};
Manifest ParseManifest(std::string_view text);

// "commons-io-2.11.0.jar" → ("commons-io", "2.11.0"); no version → ("name", "").
std::pair<std::string, std::string> SplitArchiveName(std::string_view file_name);

struct ArchiveLimits {
  int max_depth = 8;                          // nested archives below the outer one
  uint64_t max_entries = 200000;              // across the whole tree
  uint64_t max_expanded_bytes = 1ull << 30;   // bytes read from nested archives, all levels
  uint64_t max_small_file = 1 << 20;          // pom.properties / MANIFEST.MF
};

// Reads an archive stream and returns its packages; problems inside become `warnings`.
Result<std::vector<Package>> ParseArchive(FileContent& content, std::string_view file_name,
                                          const ArchiveLimits& limits,
                                          std::vector<std::string>& warnings);

std::unique_ptr<Analyzer> MakeAnalyzer();

}  // namespace surveyor::analyze::java
