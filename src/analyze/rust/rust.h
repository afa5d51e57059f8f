// Rust: Cargo.lock ([[package]] tables; the workspace's own crates, which have no `source`, are
// left out), and binaries built with `cargo auditable`, which carry their dependency list as
// zlib-compressed JSON in an ELF section named .dep-v0. Pure parsers; stateless analyzers.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "analyze/analyzer.h"

namespace surveyor::analyze::rust {

Result<std::vector<Package>> ParseCargoLock(std::string_view text);
std::unique_ptr<Analyzer> MakeAnalyzer();

inline constexpr uint64_t kMaxAuditableJsonBytes = 8 << 20;  // cargo-auditable's own cap
inline constexpr size_t kMaxAuditablePackages = 100000;

// The raw (compressed) content of the .dep-v0 section of an ELF file (32/64-bit, either byte
// order). NotFound when the file is ELF without that section; InvalidArgument when it is not ELF
// or its headers point outside the file.
Result<std::string_view> FindDepV0Section(std::string_view elf);
// Inflates a .dep-v0 section (zlib) and parses its JSON: {"packages":[{"name","version","source",
// "kind","dependencies":[indices],"root"}]}. Crates with source "local" (the workspace's own)
// and build-time dependencies (kind "build") are left out. Inflated size is capped at
// kMaxAuditableJsonBytes, the package count at kMaxAuditablePackages; dependency indices must
// name a package of the list.
Result<std::vector<Package>> ParseAuditableSection(std::string_view compressed);
Result<std::vector<Package>> ParseAuditableJson(std::string_view json);

// The analyzer ("cargo") reads Cargo.lock files and executables of 1 KiB to
// kMaxAuditableBinaryBytes. The go-binary analyzer wants the same executables, and the walker
// then buffers the whole file once for both (up to its 16 MiB shared limit) while each analyzer
// holds its own copy: 8 MiB keeps the peak RSS of an image analysis under 64 MiB (bookworm-app:
// 16 MiB would add ~30 MiB). Larger auditable binaries are not read.
inline constexpr uint64_t kMaxAuditableBinaryBytes = 8 << 20;

}  // namespace surveyor::analyze::rust
