// Assembling an image's inventory from its layers' analyses, bottom layer first: later layers
// replace files at the same path, whiteouts and opaque directories hide lower content, symlinks
// are resolved inside the image root (loops stop after a fixed number of hops), the OS is chosen
// from the detection files, and language packages whose file an OS package owns are dropped (the
// OS package reports them). Pure function over the inputs.
#pragma once

#include <string>
#include <vector>

#include "analyze/walker.h"

namespace surveyor::analyze {

struct LayerInput {
  std::string digest;   // compressed layer digest (sourceLayerHash)
  std::string diff_id;  // uncompressed digest
  const LayerAnalysis* analysis = nullptr;
};

struct Inventory {
  OsInfo os;
  std::vector<Package> packages;  // sorted by (type, name, version, path)
  std::vector<std::string> warnings;
  size_t dropped_owned = 0;       // language packages folded into OS packages
  size_t dropped_duplicates = 0;  // node_modules packages also in their project's lockfile
};

Inventory AssembleInventory(const std::vector<LayerInput>& layers);

// Resolves every symlinked component of `path` using `links` (path → root-relative target).
// Returns false (and the partially resolved path) after 40 hops, i.e. on a loop.
bool CanonicalizePath(const std::map<std::string, std::string>& links, std::string& path);

}  // namespace surveyor::analyze
