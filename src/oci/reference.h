// Repository names, tags and references as the OCI distribution spec defines them.
// Pure validation; no state.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "common/digest.h"
#include "common/status.h"

namespace surveyor::oci {

// Longest repository name accepted (the distribution spec suggests clients keep host+name under
// 255 characters; we bound the name alone).
inline constexpr size_t kMaxRepositoryNameLength = 255;

// <name> = path-component ('/' path-component)*, path-component = [a-z0-9]+ (separator [a-z0-9]+)*,
// separator = '.' | '_' | '__' | '-'+. Error domain code NAME_INVALID.
Status ValidateRepositoryName(std::string_view name);

// <tag> = [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}. Error domain code TAG_INVALID.
Status ValidateTag(std::string_view tag);

// A manifest reference: a tag or a digest. Digests are recognised by their ':'.
struct Reference {
  std::variant<std::string, Digest> value;
  bool is_digest() const { return std::holds_alternative<Digest>(value); }
  const std::string& tag() const { return std::get<std::string>(value); }
  const Digest& digest() const { return std::get<Digest>(value); }
  std::string ToString() const { return is_digest() ? digest().ToString() : tag(); }
};

Result<Reference> ParseReference(std::string_view text);

}  // namespace surveyor::oci
