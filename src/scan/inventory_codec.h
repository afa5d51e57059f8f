// Stored inventories: an image's Inventory as JSON, so that re-matching after an advisory import
// reads it back instead of re-analysing the image. Round-trips every field the matcher and the
// findings use. Pure.
#pragma once

#include <string>

#include "analyze/inventory.h"
#include "common/status.h"

namespace surveyor::scan {

std::string EncodeInventory(const analyze::Inventory& inventory);
Result<analyze::Inventory> DecodeInventory(std::string_view text);

}  // namespace surveyor::scan
