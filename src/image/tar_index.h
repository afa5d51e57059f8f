// An index of an uncompressed tar file: member name → (data offset, size), built by reading only
// the 512-byte headers (ustar, GNU long names, pax path records) and seeking over the data, so an
// archive of many GB is indexed in milliseconds without extracting anything. Immutable after Build.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "common/status.h"

namespace surveyor::image {

struct TarMember {
  uint64_t offset = 0;  // of the data
  uint64_t size = 0;
  char type = '0';
  std::string link;     // for symlinks / hard links
};

class TarIndex {
 public:
  // DataLoss for a truncated or corrupt archive; ResourceExhausted past `max_members`.
  static Result<TarIndex> Build(const std::string& path, uint64_t max_members = 1'000'000);
  // Follows symlink/hardlink members (bounded) to the regular file; nullptr when absent.
  const TarMember* Find(std::string name) const;
  const std::string& path() const { return path_; }
  const std::map<std::string, TarMember>& members() const { return members_; }

 private:
  std::string path_;
  std::map<std::string, TarMember> members_;
};

}  // namespace surveyor::image
