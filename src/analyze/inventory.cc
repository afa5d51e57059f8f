#include "analyze/inventory.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_set>

#include "analyze/os_release/os_release.h"

namespace surveyor::analyze {
namespace {

struct Item {
  size_t layer;
  std::string analyzer;
  const Findings* findings;
};

template <typename Map>
void ErasePrefix(Map& m, const std::string& dir, bool include_self) {
  if (include_self) m.erase(dir);
  std::string prefix = dir.empty() ? "" : dir + "/";
  auto it = m.lower_bound(prefix);
  while (it != m.end() && it->first.compare(0, prefix.size(), prefix) == 0) it = m.erase(it);
}

}  // namespace

bool CanonicalizePath(const std::map<std::string, std::string>& links, std::string& path) {
  if (links.empty()) return true;
  int hops = 0;
  size_t checked = 0;  // components before this offset are known not to be links
  while (true) {
    size_t next = path.find('/', checked);
    std::string prefix = path.substr(0, next);
    auto it = links.find(prefix);
    if (it != links.end()) {
      if (++hops > 40) return false;
      std::string rest = next == std::string::npos ? "" : path.substr(next);
      path = it->second + rest;
      if (!path.empty() && path[0] == '/') path.erase(0, 1);
      checked = 0;
      continue;
    }
    if (next == std::string::npos) return true;
    checked = next + 1;
  }
}

Inventory AssembleInventory(const std::vector<LayerInput>& layers) {
  Inventory inv;
  std::map<std::string, std::vector<Item>> files;
  std::map<std::string, std::string> links;
  for (size_t li = 0; li < layers.size(); ++li) {
    const LayerAnalysis& la = *layers[li].analysis;
    for (const auto& dir : la.opaque_dirs) {
      ErasePrefix(files, dir, false);
      ErasePrefix(links, dir, false);
    }
    for (const auto& p : la.whiteouts) {
      ErasePrefix(files, p, true);
      ErasePrefix(links, p, true);
    }
    std::set<std::string> replaced;
    for (const auto& [path, target] : la.symlinks) {
      files.erase(path);
      links[path] = target;
    }
    for (const auto& [analyzer, results] : la.by_analyzer) {
      for (const auto& ff : results) {
        if (replaced.insert(ff.path).second) {
          files[ff.path].clear();
          links.erase(ff.path);
        }
        files[ff.path].push_back(Item{li, analyzer, &ff.findings});
      }
    }
    for (const auto& w : la.warnings) inv.warnings.push_back("layer " + layers[li].digest + ": " + w);
  }

  // OS: the detection file with the best priority; a symlinked etc/os-release is followed.
  int best = 1 << 30;
  auto consider = [&](const std::string& path, int prio) {
    auto it = files.find(path);
    if (it == files.end()) return;
    for (const Item& item : it->second) {
      if (!item.findings->os.empty() && prio < best) {
        best = prio;
        inv.os = item.findings->os;
      }
    }
  };
  for (const auto& [path, items] : files) {
    int prio = os_release::DetectionPriority(path);
    if (prio >= 0) consider(path, prio);
  }
  for (std::string p : {std::string("etc/os-release")}) {
    if (links.count(p) && CanonicalizePath(links, p)) consider(p, -1);
  }

  // File ownership by OS packages, canonical paths.
  std::unordered_set<std::string> owned;
  for (const auto& [path, items] : files) {
    for (const Item& item : items) {
      for (const auto& f : item.findings->owned_files) {
        std::string c = f;
        CanonicalizePath(links, c);
        owned.insert(std::move(c));
      }
    }
  }

  for (const auto& [path, items] : files) {
    for (const Item& item : items) {
      for (const Package& p0 : item.findings->packages) {
        Package p = p0;
        const EcosystemRow& row = RowFor(p.type);
        if (!row.os_package && !owned.empty()) {
          std::string c = p.path;
          if (!CanonicalizePath(links, c)) {
            inv.warnings.push_back("symlink loop while resolving " + p.path);
          }
          if (owned.count(c)) {
            ++inv.dropped_owned;
            continue;
          }
        }
        p.layer_digest = layers[item.layer].digest;
        p.layer_diff_id = layers[item.layer].diff_id;
        p.ecosystem = row.os_package ? OsEcosystem(p.type, inv.os) : std::string(row.osv_ecosystem);
        p.purl = MakePurl(p, inv.os);
        inv.packages.push_back(std::move(p));
      }
    }
  }
  // An npm package installed under a project's node_modules that the project's lockfile also
  // lists is reported once, from the lockfile (which knows dev-ness).
  std::set<std::tuple<std::string, std::string, std::string>> locked;
  for (const Package& p : inv.packages) {
    if (p.type == PackageType::kNpm && BaseName(p.path) != "package.json")
      locked.emplace(std::string(ParentDir(p.path)), p.name, p.version);
  }
  if (!locked.empty()) {
    std::vector<Package> kept;
    for (Package& p : inv.packages) {
      if (p.type == PackageType::kNpm && BaseName(p.path) == "package.json") {
        std::string_view path = p.path;
        size_t nm = path.find("/node_modules/");
        std::string project = StartsWith(path, "node_modules/") ? ""
                              : nm == std::string_view::npos ? std::string("\x01")
                                                              : std::string(path.substr(0, nm));
        if (locked.count({project, p.name, p.version})) {
          ++inv.dropped_duplicates;
          continue;
        }
      }
      kept.push_back(std::move(p));
    }
    inv.packages = std::move(kept);
  }
  std::sort(inv.packages.begin(), inv.packages.end(), [](const Package& a, const Package& b) {
    return std::tie(a.type, a.name, a.version, a.path) < std::tie(b.type, b.name, b.version, b.path);
  });
  return inv;
}

}  // namespace surveyor::analyze
