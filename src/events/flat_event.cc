#include "events/flat_event.h"

#include <algorithm>

namespace surveyor::events {
namespace {

struct Flattener {
  std::vector<FlatLeaf>* leaves;
  std::vector<ArrayMembership>* memberships;
  std::vector<ArrayMembership> current;  // enclosing array elements, outermost first
  uint32_t next_array_id = 0;
  bool too_big = false;

  void Leaf(const std::string& path, const RawValue& v) {
    FlatLeaf leaf;
    leaf.path = path;
    switch (v.kind) {
      case RawValue::Kind::kNull:
        leaf.kind = ValueKind::kNull;
        leaf.text = "null";
        break;
      case RawValue::Kind::kBool:
        leaf.kind = v.boolean ? ValueKind::kTrue : ValueKind::kFalse;
        leaf.text = v.boolean ? "true" : "false";
        break;
      case RawValue::Kind::kNumber:
        leaf.kind = ValueKind::kNumber;
        leaf.text = v.text;
        leaf.number = v.number;
        break;
      case RawValue::Kind::kString:
        leaf.kind = ValueKind::kString;
        leaf.text = v.text;
        break;
      default:
        return;
    }
    if (leaves->size() >= kMaxFlatLeaves ||
        memberships->size() + current.size() > kMaxFlatMemberships) {
      too_big = true;
      return;
    }
    leaf.membership_begin = static_cast<uint32_t>(memberships->size());
    leaf.membership_count = static_cast<uint32_t>(current.size());
    memberships->insert(memberships->end(), current.begin(), current.end());
    leaves->push_back(std::move(leaf));
  }

  void Walk(const std::string& path, const RawValue& v) {
    if (too_big) return;
    if (v.kind == RawValue::Kind::kObject) {
      for (const auto& [key, child] : v.members) {
        Walk(path.empty() ? key : path + "." + key, child);
      }
    } else if (v.kind == RawValue::Kind::kArray) {
      const uint32_t id = next_array_id++;
      for (uint32_t i = 0; i < v.items.size(); ++i) {
        current.emplace_back(id, i);
        Walk(path, v.items[i]);
        current.pop_back();
      }
    } else {
      Leaf(path, v);
    }
  }
};

}  // namespace

Result<FlatEvent> FlatEvent::FromRaw(const RawValue& event) {
  if (!event.is_object()) return InvalidArgument("an event must be a JSON object");
  FlatEvent out;
  Flattener f{&out.leaves_, &out.memberships_, {}, 0};
  f.Walk("", event);
  if (f.too_big) {
    return InvalidArgument(
        "event has too many values to match (limits: " + std::to_string(kMaxFlatLeaves) +
        " values, " + std::to_string(kMaxFlatMemberships) + " array memberships)");
  }
  std::stable_sort(out.leaves_.begin(), out.leaves_.end(),
                   [](const FlatLeaf& a, const FlatLeaf& b) { return a.path < b.path; });
  return out;
}

Result<FlatEvent> FlatEvent::FromText(std::string_view text, const RawJsonLimits& limits) {
  ASSIGN_OR_RETURN(RawValue raw, ParseRawJson(text, limits));
  return FromRaw(raw);
}

Result<FlatEvent> FlatEvent::FromJson(const Json& event) {
  return FromRaw(events::FromJson(event));
}

std::pair<uint32_t, uint32_t> FlatEvent::Find(std::string_view path) const {
  const auto lo = std::lower_bound(
      leaves_.begin(), leaves_.end(), path,
      [](const FlatLeaf& leaf, std::string_view p) { return std::string_view(leaf.path) < p; });
  auto hi = lo;
  while (hi != leaves_.end() && hi->path == path) ++hi;
  return {static_cast<uint32_t>(lo - leaves_.begin()), static_cast<uint32_t>(hi - leaves_.begin())};
}

}  // namespace surveyor::events
