// Streaming reads of large JSON feeds: JsonMemberSplitter takes a document whose top level is one
// object, in chunks of any size, and hands out its members one at a time as (key, raw value
// text), so that a feed such as the Debian security tracker (package → …) is never held whole.
// Only one member value is buffered (limit: max_member_bytes); the structure around members is
// checked here, each value is checked by whoever parses it. Pure; one instance per document,
// not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace surveyor::vulndb {

// A parser fed a document in chunks: Feed() as bytes arrive, Finish() at the end. Errors from
// the record sink are returned unchanged; malformed documents are reported as the parser's
// format documents (usually a Skip), not as errors.
class StreamParser {
 public:
  virtual ~StreamParser() = default;
  virtual Status Feed(std::string_view chunk) = 0;
  virtual Status Finish() = 0;
};

class JsonMemberSplitter {
 public:
  struct Limits {
    uint64_t max_member_bytes = 256ull << 20;  // larger values are dropped (on_too_large)
    int max_depth = 64;                         // nesting inside one value
    size_t max_key_bytes = 4096;
  };
  // Called once per member; `value` is the raw JSON text of the value (not validated beyond
  // its brackets and strings). A non-OK status stops the split and is returned by Feed/Finish.
  using MemberFn = std::function<Status(std::string_view key, std::string_view value)>;
  // Called instead of MemberFn for a member whose value exceeds max_member_bytes.
  using TooLargeFn = std::function<void(std::string_view key, uint64_t bytes)>;

  JsonMemberSplitter(MemberFn on_member, TooLargeFn on_too_large, Limits limits);
  JsonMemberSplitter(MemberFn on_member, TooLargeFn on_too_large)
      : JsonMemberSplitter(std::move(on_member), std::move(on_too_large), Limits()) {}

  // InvalidArgument("…at byte N") when the document is not one JSON object; after an error
  // every later call returns the same error.
  Status Feed(std::string_view chunk);
  // InvalidArgument when the document ended early (truncated) or was empty.
  Status Finish();

  uint64_t members() const { return members_; }
  uint64_t offset() const { return offset_; }

 private:
  enum class State {
    kStart, kBeforeKey, kKey, kKeyEscape, kAfterKey, kBeforeValue, kValue, kValueString,
    kValueStringEscape, kScalar, kAfterValue, kDone,
  };
  Status Fail(std::string what);
  Status EndMember();

  MemberFn on_member_;
  TooLargeFn on_too_large_;
  Limits limits_;
  State state_ = State::kStart;
  bool after_comma_ = false;
  bool key_escaped_ = false;
  bool too_large_ = false;
  bool string_value_ = false;  // the value is a bare string (depth 0)
  int depth_ = 0;
  uint64_t value_bytes_ = 0;
  uint64_t offset_ = 0;
  uint64_t members_ = 0;
  std::string key_;
  std::string value_;
  Status error_;
};

// Splits a whole in-memory object the same way (convenience for nested levels and tests).
Status SplitJsonObject(std::string_view text, const JsonMemberSplitter::MemberFn& on_member,
                       const JsonMemberSplitter::TooLargeFn& on_too_large,
                       JsonMemberSplitter::Limits limits = {});

}  // namespace surveyor::vulndb
