#include "analyze/walker.h"

#include <algorithm>
#include <unordered_map>

#include "image/tar_reader.h"

namespace surveyor::analyze {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaqueMarker = ".wh..wh..opq";

class TarContent final : public FileContent {
 public:
  TarContent(image::TarReader& r, uint64_t size) : r_(r), size_(size) {}
  Result<size_t> Read(char* buf, size_t n) override { return r_.ReadData(buf, n); }
  uint64_t size_hint() const override { return size_; }

 private:
  image::TarReader& r_;
  uint64_t size_;
};

void AddWarning(LayerAnalysis& out, const WalkLimits& limits, std::string w) {
  if (out.warnings.size() < limits.max_warnings) {
    out.warnings.push_back(std::move(w));
  } else if (out.warnings.size() == limits.max_warnings) {
    out.warnings.push_back("further warnings suppressed");
  }
}

}  // namespace

Result<LayerAnalysis> WalkLayer(image::ByteSource& tar_stream,
                                const std::vector<const Analyzer*>& analyzers,
                                const WalkLimits& limits) {
  LayerAnalysis out;
  for (const Analyzer* a : analyzers) out.by_analyzer[a->id()];
  image::TarReader reader(tar_stream);
  // For hard links: path → (analyzer index, findings index) of files analysed in this layer.
  std::unordered_map<std::string, std::vector<std::pair<size_t, size_t>>> analysed;
  std::vector<std::string> ids;
  for (const Analyzer* a : analyzers) ids.push_back(a->id());
  std::vector<size_t> wanting;
  // Buffered files of group analyzers, per analyzer index.
  std::vector<std::vector<Analyzer::GroupFile>> groups(analyzers.size());
  std::vector<uint64_t> group_bytes(analyzers.size(), 0);
  while (true) {
    ASSIGN_OR_RETURN(std::optional<image::TarEntry> entry, reader.Next());
    if (!entry) break;
    if (++out.entries > limits.max_entries)
      return ResourceExhausted("layer has more than " + std::to_string(limits.max_entries) +
                               " entries");
    if (entry->unsafe_path) {
      AddWarning(out, limits, "skipped entry with unsafe path: " + entry->raw_path);
      continue;
    }
    if (entry->path.empty()) continue;  // the root directory itself
    std::string_view base = BaseName(entry->path);
    if (StartsWith(base, kWhiteoutPrefix)) {
      std::string dir(ParentDir(entry->path));
      if (base == kOpaqueMarker) {
        out.opaque_dirs.push_back(dir);
      } else {
        std::string target = dir.empty() ? std::string(base.substr(kWhiteoutPrefix.size()))
                                         : dir + "/" + std::string(base.substr(kWhiteoutPrefix.size()));
        out.whiteouts.push_back(std::move(target));
      }
      continue;
    }
    if (entry->type == image::EntryType::kSymlink) {
      if (out.symlinks.size() >= limits.max_symlinks) {
        AddWarning(out, limits, "symlink limit reached; not recording " + entry->path);
        continue;
      }
      out.symlinks.emplace_back(entry->path,
                                image::ResolveLinkTarget(entry->path, entry->link_target));
      continue;
    }
    if (entry->type == image::EntryType::kHardlink) {
      auto it = analysed.find(entry->link_target);
      if (it != analysed.end()) {
        auto refs = it->second;  // copy: emplace below may rehash
        for (auto [ai, fi] : refs) {
          auto& vec = out.by_analyzer[ids[ai]];
          FileFindings copy = vec[fi];
          copy.path = entry->path;
          for (auto& p : copy.findings.packages) p.path = entry->path;
          vec.push_back(std::move(copy));
          analysed[entry->path].emplace_back(ai, vec.size() - 1);
        }
      } else {
        FileMeta meta{entry->path, entry->size, entry->mode};
        for (const Analyzer* a : analyzers) {
          if (a->Required(meta)) {
            AddWarning(out, limits, entry->path + ": hard link to " + entry->link_target +
                                        ", whose content was not read; skipped");
            break;
          }
        }
      }
      continue;
    }
    if (entry->type != image::EntryType::kFile) continue;
    out.file_bytes += entry->size;
    FileMeta meta{entry->path, entry->size, entry->mode};
    wanting.clear();
    for (size_t i = 0; i < analyzers.size(); ++i)
      if (analyzers[i]->Required(meta)) wanting.push_back(i);
    if (wanting.empty()) continue;
    auto record = [&](size_t ai, Result<Findings> r) {
      if (!r.ok()) {
        AddWarning(out, limits, entry->path + ": " + ids[ai] + ": " + r.status().ToString());
        return;
      }
      for (auto& w : r->warnings) AddWarning(out, limits, entry->path + ": " + ids[ai] + ": " + w);
      r->warnings.clear();
      for (auto& p : r->packages) {
        if (p.path.empty()) p.path = entry->path;
        p.analyzer = ids[ai];
      }
      auto& vec = out.by_analyzer[ids[ai]];
      vec.push_back(FileFindings{entry->path, std::move(*r)});
      analysed[entry->path].emplace_back(ai, vec.size() - 1);
    };
    if (wanting.size() == 1 && analyzers[wanting[0]]->WantsGroup()) {
      size_t ai = wanting[0];
      TarContent content(reader, entry->size);
      uint64_t room = analyzers[ai]->GroupByteLimit() - std::min(analyzers[ai]->GroupByteLimit(), group_bytes[ai]);
      Result<std::string> data = content.ReadAll(room);
      if (!data.ok()) {
        if (data.status().code() == StatusCode::kDataLoss) return data.status();
        AddWarning(out, limits, entry->path + ": " + ids[ai] + ": " + data.status().ToString());
        continue;
      }
      group_bytes[ai] += data->size();
      groups[ai].push_back({entry->path, std::move(*data)});
      continue;
    }
    if (wanting.size() == 1) {
      TarContent content(reader, entry->size);
      record(wanting[0], analyzers[wanting[0]]->Analyze(meta, content));
      // A tar read error inside Analyze surfaces again on Next(), which fails the layer.
      continue;
    }
    TarContent content(reader, entry->size);
    Result<std::string> data = content.ReadAll(limits.max_shared_file_bytes);
    if (!data.ok()) {
      if (data.status().code() == StatusCode::kDataLoss) return data.status();
      AddWarning(out, limits, entry->path + ": " + data.status().ToString());
      continue;
    }
    for (size_t ai : wanting) {
      StringContent sc(*data);
      record(ai, analyzers[ai]->Analyze(meta, sc));
    }
  }
  for (size_t ai = 0; ai < analyzers.size(); ++ai) {
    if (groups[ai].empty()) continue;
    for (auto& gr : analyzers[ai]->AnalyzeGroup(groups[ai])) {
      if (!gr.findings.ok()) {
        AddWarning(out, limits, gr.path + ": " + ids[ai] + ": " + gr.findings.status().ToString());
        continue;
      }
      Findings f = std::move(*gr.findings);
      for (auto& w : f.warnings) AddWarning(out, limits, gr.path + ": " + ids[ai] + ": " + w);
      f.warnings.clear();
      for (auto& p : f.packages) {
        if (p.path.empty()) p.path = gr.path;
        p.analyzer = ids[ai];
      }
      out.by_analyzer[ids[ai]].push_back(FileFindings{gr.path, std::move(f)});
    }
  }
  return out;
}

}  // namespace surveyor::analyze
