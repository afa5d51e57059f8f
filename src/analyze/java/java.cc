#include "analyze/java/java.h"

#include <archive.h>
#include <archive_entry.h>

#include <cctype>

#include "analyze/control.h"

namespace surveyor::analyze::java {
namespace {

bool IsArchiveName(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return EndsWith(lower, ".jar") || EndsWith(lower, ".war") || EndsWith(lower, ".ear") ||
         EndsWith(lower, ".par");
}

struct Budget {
  uint64_t entries = 0;
  uint64_t expanded = 0;
};

// Feeds libarchive from a FileContent.
struct Feed {
  FileContent* content;
  char buf[64 << 10];
  Status error;
};

la_ssize_t FeedRead(struct archive* a, void* ctx, const void** out) {
  auto* f = static_cast<Feed*>(ctx);
  auto got = f->content->Read(f->buf, sizeof f->buf);
  if (!got.ok()) {
    f->error = got.status();
    archive_set_error(a, EIO, "%s", got.status().message().c_str());
    return -1;
  }
  *out = f->buf;
  return static_cast<la_ssize_t>(*got);
}

// The current libarchive entry as a FileContent, counting expanded bytes.
class EntryContent final : public FileContent {
 public:
  EntryContent(struct archive* a, Budget& b, const ArchiveLimits& l) : a_(a), b_(b), l_(l) {}
  Result<size_t> Read(char* buf, size_t n) override {
    la_ssize_t got = archive_read_data(a_, buf, n);
    if (got < 0) {
      const char* e = archive_error_string(a_);
      return DataLoss(std::string("zip entry: ") + (e ? e : "read error"));
    }
    b_.expanded += static_cast<uint64_t>(got);
    if (b_.expanded > l_.max_expanded_bytes)
      return ResourceExhausted("archive expands beyond " + std::to_string(l_.max_expanded_bytes) +
                               " bytes (zip bomb?)");
    return static_cast<size_t>(got);
  }

 private:
  struct archive* a_;
  Budget& b_;
  const ArchiveLimits& l_;
};

Package Make(std::string group, std::string artifact, std::string version) {
  Package p;
  p.type = PackageType::kMaven;
  p.name = group.empty() ? artifact : group + ":" + artifact;
  p.version = std::move(version);
  return p;
}

Status Walk(FileContent& content, std::string_view file_name, const ArchiveLimits& limits,
            int depth, Budget& budget, std::vector<Package>& out, std::vector<std::string>& warnings) {
  struct archive* a = archive_read_new();
  archive_read_support_format_zip_streamable(a);
  Feed feed{&content, {}, Status::Ok()};
  if (archive_read_open(a, &feed, nullptr, FeedRead, nullptr) != ARCHIVE_OK) {
    std::string e = archive_error_string(a) ? archive_error_string(a) : "unknown";
    archive_read_free(a);
    if (!feed.error.ok()) return feed.error;
    return InvalidArgument("not a zip archive: " + e);
  }
  std::vector<PomProperties> poms;
  Manifest manifest;
  bool have_manifest = false;
  Status result = Status::Ok();
  while (true) {
    struct archive_entry* e = nullptr;
    int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      if (!feed.error.ok()) { result = feed.error; break; }
      const char* msg = archive_error_string(a);
      warnings.push_back(std::string(file_name) + ": zip read stopped: " + (msg ? msg : "error"));
      break;
    }
    if (++budget.entries > limits.max_entries) {
      result = ResourceExhausted("archive has more than " + std::to_string(limits.max_entries) + " entries");
      break;
    }
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    const char* pn = archive_entry_pathname(e);
    std::string_view path = pn ? pn : "";
    EntryContent ec(a, budget, limits);
    if (StartsWith(path, "META-INF/maven/") && BaseName(path) == "pom.properties") {
      auto text = ec.ReadAll(limits.max_small_file);
      if (!text.ok()) {
        if (budget.expanded > limits.max_expanded_bytes) {
          result = text.status();
          break;
        }
        warnings.push_back(std::string(file_name) + "!" + std::string(path) + ": " +
                           text.status().message());
        continue;
      }
      auto pom = ParsePomProperties(*text);
      if (pom.ok()) poms.push_back(*pom);
      else warnings.push_back(std::string(file_name) + "!" + std::string(path) + ": " + pom.status().message());
    } else if (path == "META-INF/MANIFEST.MF") {
      auto text = ec.ReadAll(limits.max_small_file);
      if (text.ok()) {
        manifest = ParseManifest(*text);
        have_manifest = true;
      }
    } else if (IsArchiveName(path)) {
      if (depth + 1 > limits.max_depth) {
        warnings.push_back(std::string(file_name) + "!" + std::string(path) +
                           ": nested deeper than " + std::to_string(limits.max_depth) + "; skipped");
        continue;
      }
      std::vector<Package> inner;
      Status st = Walk(ec, BaseName(path), limits, depth + 1, budget, inner, warnings);
      if (st.code() == StatusCode::kResourceExhausted) { result = st; break; }
      if (!st.ok()) {
        warnings.push_back(std::string(file_name) + "!" + std::string(path) + ": " + st.message());
      }
      for (auto& p : inner) out.push_back(std::move(p));
    }
    if (budget.expanded > limits.max_expanded_bytes) {
      result = ResourceExhausted("archive expands beyond the limit (zip bomb?)");
      break;
    }
  }
  archive_read_free(a);
  RETURN_IF_ERROR(result);
  if (!poms.empty()) {
    for (auto& pom : poms) out.push_back(Make(pom.group_id, pom.artifact_id, pom.version));
    return Status::Ok();
  }
  auto [artifact, file_version] = SplitArchiveName(file_name);
  std::string version = !manifest.version.empty() ? manifest.version : file_version;
  std::string group = manifest.vendor_id;
  if (group.empty() && !manifest.symbolic_name.empty()) {
    // "org.apache.commons.io" → group "org.apache.commons"; a symbolic name without dots is not
    // a group.
    std::string sn = manifest.symbolic_name.substr(0, manifest.symbolic_name.find(';'));
    size_t dot = sn.rfind('.');
    if (dot != std::string::npos) group = sn.substr(0, dot);
  }
  if (version.empty() && !have_manifest) return Status::Ok();
  if (version.empty()) {
    warnings.push_back(std::string(file_name) + ": no version in pom.properties, manifest or name");
    return Status::Ok();
  }
  out.push_back(Make(group, artifact, version));
  return Status::Ok();
}

class JavaAnalyzer final : public Analyzer {
 public:
  std::string_view name() const override { return "java-archive"; }
  int version() const override { return 1; }
  bool Required(const FileMeta& f) const override { return IsArchiveName(BaseName(f.path)); }
  Result<Findings> Analyze(const FileMeta& f, FileContent& content) const override {
    Findings out;
    ASSIGN_OR_RETURN(out.packages, ParseArchive(content, BaseName(f.path), ArchiveLimits{}, out.warnings));
    return out;
  }
};

}  // namespace

Result<PomProperties> ParsePomProperties(std::string_view text) {
  PomProperties p;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = Trim(text.substr(i, j - i));
    i = j + 1;
    if (line.empty() || line[0] == '#' || line[0] == '!') continue;
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos) continue;
    std::string_view k = Trim(line.substr(0, sep));
    std::string v(Trim(line.substr(sep + 1)));
    if (k == "groupId") p.group_id = v;
    else if (k == "artifactId") p.artifact_id = v;
    else if (k == "version") p.version = v;
  }
  if (p.group_id.empty() || p.artifact_id.empty() || p.version.empty())
    return InvalidArgument("pom.properties without groupId, artifactId or version");
  return p;
}

Manifest ParseManifest(std::string_view text) {
  // Manifest continuation lines start with one space and continue the previous value verbatim.
  std::string joined;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    i = j + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line[0] == ' ') {
      if (!joined.empty() && joined.back() == '\n') joined.pop_back();
      joined += line.substr(1);
      joined += '\n';
    } else {
      joined += line;
      joined += '\n';
    }
  }
  Manifest m;
  auto stanzas = ParseStanzas(joined);
  if (stanzas.empty()) return m;
  const Stanza& s = stanzas[0];  // the main section
  m.title = std::string(StanzaGet(s, "Implementation-Title"));
  m.version = std::string(StanzaGet(s, "Implementation-Version"));
  if (m.version.empty()) m.version = std::string(StanzaGet(s, "Bundle-Version"));
  m.vendor_id = std::string(StanzaGet(s, "Implementation-Vendor-Id"));
  m.symbolic_name = std::string(StanzaGet(s, "Bundle-SymbolicName"));
  return m;
}

std::pair<std::string, std::string> SplitArchiveName(std::string_view file_name) {
  std::string_view stem = file_name.substr(0, file_name.rfind('.'));
  // The version starts at the first "-<digit>".
  for (size_t i = 0; i + 1 < stem.size(); ++i) {
    if (stem[i] == '-' && std::isdigit(static_cast<unsigned char>(stem[i + 1])))
      return {std::string(stem.substr(0, i)), std::string(stem.substr(i + 1))};
  }
  return {std::string(stem), ""};
}

Result<std::vector<Package>> ParseArchive(FileContent& content, std::string_view file_name,
                                          const ArchiveLimits& limits,
                                          std::vector<std::string>& warnings) {
  Budget budget;
  std::vector<Package> out;
  RETURN_IF_ERROR(Walk(content, file_name, limits, 0, budget, out, warnings));
  return out;
}

std::unique_ptr<Analyzer> MakeAnalyzer() { return std::make_unique<JavaAnalyzer>(); }

}  // namespace surveyor::analyze::java
