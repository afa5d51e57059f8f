#include "events/raw_json.h"

#include <algorithm>
#include <numeric>

namespace surveyor::events {

const RawValue* RawValue::Find(std::string_view key) const {
  if (kind != Kind::kObject) return nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

namespace {

// Keeps the last occurrence of every key (JSON allows duplicates; EventBridge uses the last).
void DedupeMembers(RawValue& object) {
  auto& m = object.members;
  if (m.size() < 2) return;
  std::vector<size_t> order(m.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return m[a].key < m[b].key; });
  std::vector<bool> keep(m.size(), true);
  bool any_duplicate = false;
  for (size_t i = 0; i + 1 < order.size(); ++i) {
    if (m[order[i]].key == m[order[i + 1]].key) {
      keep[order[i]] = false;  // a later one with the same key follows in stable order
      any_duplicate = true;
    }
  }
  if (!any_duplicate) return;
  std::vector<RawMember> out;
  out.reserve(m.size());
  for (size_t i = 0; i < m.size(); ++i) {
    if (keep[i]) out.push_back(std::move(m[i]));
  }
  m = std::move(out);
}

class Builder {
 public:
  explicit Builder(size_t max_depth) : max_depth_(max_depth) {}

  bool null() { return Add(RawValue{}); }
  bool boolean(bool b) {
    RawValue v;
    v.kind = RawValue::Kind::kBool;
    v.boolean = b;
    return Add(std::move(v));
  }
  bool number_integer(Json::number_integer_t n) {
    return Number(static_cast<double>(n), std::to_string(n));
  }
  bool number_unsigned(Json::number_unsigned_t n) {
    return Number(static_cast<double>(n), std::to_string(n));
  }
  bool number_float(Json::number_float_t n, const std::string& text) { return Number(n, text); }
  bool string(std::string& s) {
    RawValue v;
    v.kind = RawValue::Kind::kString;
    v.text = std::move(s);
    return Add(std::move(v));
  }
  bool binary(Json::binary_t& /*unused*/) { return Fail("binary values are not JSON"); }
  bool start_object(size_t /*unused*/) { return Open(RawValue::Kind::kObject); }
  bool key(std::string& k) {
    keys_.back() = std::move(k);
    return true;
  }
  bool end_object() { return Close(); }
  bool start_array(size_t /*unused*/) { return Open(RawValue::Kind::kArray); }
  bool end_array() { return Close(); }
  bool parse_error(size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& e) {
    std::string what = e.what();
    if (const auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    if (error_.empty()) error_ = "invalid JSON at byte " + std::to_string(position) + ": " + what;
    return false;
  }

  const std::string& error() const { return error_; }
  bool done() const { return has_root_; }
  RawValue TakeRoot() { return std::move(root_); }

 private:
  bool Number(double n, std::string text) {
    RawValue v;
    v.kind = RawValue::Kind::kNumber;
    v.number = n;
    v.text = std::move(text);
    return Add(std::move(v));
  }
  bool Open(RawValue::Kind kind) {
    if (stack_.size() >= max_depth_) {
      return Fail("JSON nested deeper than " + std::to_string(max_depth_) + " levels");
    }
    RawValue v;
    v.kind = kind;
    stack_.push_back(std::move(v));
    keys_.emplace_back();
    return true;
  }
  bool Close() {
    RawValue v = std::move(stack_.back());
    stack_.pop_back();
    keys_.pop_back();
    if (v.kind == RawValue::Kind::kObject) DedupeMembers(v);
    return Add(std::move(v));
  }
  bool Add(RawValue v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      has_root_ = true;
      return true;
    }
    RawValue& top = stack_.back();
    if (top.kind == RawValue::Kind::kArray) {
      top.items.push_back(std::move(v));
    } else {
      top.members.push_back(RawMember{std::move(keys_.back()), std::move(v)});
    }
    return true;
  }
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  size_t max_depth_;
  std::vector<RawValue> stack_;
  std::vector<std::string> keys_;
  RawValue root_;
  bool has_root_ = false;
  std::string error_;
};

}  // namespace

Result<RawValue> ParseRawJson(std::string_view text, const RawJsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return InvalidArgument("JSON document larger than " + std::to_string(limits.max_bytes) +
                           " bytes");
  }
  Builder builder(limits.max_depth);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Json::exception& e) {
    return InvalidArgument(std::string("invalid JSON: ") + e.what());
  }
  if (!ok || !builder.done()) {
    return InvalidArgument(builder.error().empty() ? "invalid JSON" : builder.error());
  }
  return builder.TakeRoot();
}

RawValue FromJson(const Json& value) {
  RawValue out;
  switch (value.type()) {
    case Json::value_t::null:
    case Json::value_t::discarded:
      break;
    case Json::value_t::boolean:
      out.kind = RawValue::Kind::kBool;
      out.boolean = value.get<bool>();
      break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float:
      out.kind = RawValue::Kind::kNumber;
      out.number = value.get<double>();
      out.text = value.dump();
      break;
    case Json::value_t::string:
      out.kind = RawValue::Kind::kString;
      out.text = value.get<std::string>();
      break;
    case Json::value_t::array:
      out.kind = RawValue::Kind::kArray;
      out.items.reserve(value.size());
      for (const auto& item : value) out.items.push_back(FromJson(item));
      break;
    case Json::value_t::object:
      out.kind = RawValue::Kind::kObject;
      out.members.reserve(value.size());
      for (auto it = value.begin(); it != value.end(); ++it) {
        out.members.push_back(RawMember{it.key(), FromJson(it.value())});
      }
      break;
    case Json::value_t::binary:
      break;
  }
  return out;
}

}  // namespace surveyor::events
