#include "oci/reference.h"

namespace surveyor::oci {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: alnum runs joined by '.', '_', '__' or one or more '-'.
bool IsPathComponent(std::string_view s) {
  if (s.empty() || !IsLowerAlnum(s.front()) || !IsLowerAlnum(s.back())) return false;
  size_t i = 0;
  while (i < s.size()) {
    if (IsLowerAlnum(s[i])) {
      ++i;
      continue;
    }
    // A separator starts here.
    const size_t start = i;
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (i == start || i >= s.size() || !IsLowerAlnum(s[i])) return false;
  }
  return true;
}

}  // namespace

Status ValidateRepositoryName(std::string_view name) {
  if (name.empty()) return InvalidArgument("repository name is empty", "NAME_INVALID");
  if (name.size() > kMaxRepositoryNameLength) {
    return InvalidArgument("repository name is longer than " +
                               std::to_string(kMaxRepositoryNameLength) + " characters",
                           "NAME_INVALID");
  }
  size_t start = 0;
  while (true) {
    const size_t slash = name.find('/', start);
    const std::string_view component =
        name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!IsPathComponent(component)) {
      return InvalidArgument("invalid repository name '" + std::string(name) +
                                 "': components are lower-case letters and digits, separated "
                                 "by '.', '_', '__' or '-', joined by '/'",
                             "NAME_INVALID");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return Status::Ok();
}

Status ValidateTag(std::string_view tag) {
  auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  bool ok = !tag.empty() && tag.size() <= 128 && word(tag[0]);
  for (size_t i = 1; ok && i < tag.size(); ++i) {
    ok = word(tag[i]) || tag[i] == '.' || tag[i] == '-';
  }
  if (!ok) {
    return InvalidArgument("invalid tag: 1 to 128 characters of [A-Za-z0-9_.-], not starting "
                           "with '.' or '-'",
                           "TAG_INVALID");
  }
  return Status::Ok();
}

Result<Reference> ParseReference(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    ASSIGN_OR_RETURN(Digest d, Digest::Parse(text));
    return Reference{d};
  }
  RETURN_IF_ERROR(ValidateTag(text));
  return Reference{std::string(text)};
}

}  // namespace surveyor::oci
