#include "vulndb/json_stream.h"

#include <array>

#include "common/json.h"

namespace surveyor::vulndb {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Bytes that end a bulk run inside a value: quotes and brackets (outside strings), or quote and
// backslash (inside strings).
constexpr std::array<bool, 256> MakeTable(std::string_view special) {
  std::array<bool, 256> t{};
  for (char c : special) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr std::array<bool, 256> kValueSpecial = MakeTable("\"{}[]");
constexpr std::array<bool, 256> kStringSpecial = MakeTable("\"\\");

size_t Run(std::string_view s, size_t i, const std::array<bool, 256>& special) {
  const size_t start = i;
  while (i < s.size() && !special[static_cast<unsigned char>(s[i])]) ++i;
  return i - start;
}

}  // namespace

JsonMemberSplitter::JsonMemberSplitter(MemberFn on_member, TooLargeFn on_too_large, Limits limits)
    : on_member_(std::move(on_member)), on_too_large_(std::move(on_too_large)), limits_(limits) {}

Status JsonMemberSplitter::Fail(std::string what) {
  error_ = InvalidArgument(what + " at byte " + std::to_string(offset_));
  return error_;
}

Status JsonMemberSplitter::EndMember() {
  ++members_;
  std::string key;
  if (key_escaped_) {
    auto decoded = ParseJson("\"" + key_ + "\"", 2);
    if (!decoded.ok() || !decoded->is_string()) return Fail("invalid member name");
    key = decoded->get<std::string>();
  } else {
    key = key_;
  }
  Status s;
  if (too_large_) {
    if (on_too_large_) on_too_large_(key, value_bytes_);
  } else {
    s = on_member_(key, value_);
  }
  value_.clear();
  if (value_.capacity() > (4u << 20)) value_.shrink_to_fit();  // one huge member is not kept
  if (!s.ok()) error_ = s;
  return s;
}

Status JsonMemberSplitter::Feed(std::string_view chunk) {
  if (!error_.ok()) return error_;
  const uint64_t base = offset_;
  auto append = [&](std::string_view bytes) {
    value_bytes_ += bytes.size();
    if (too_large_) return;
    if (value_bytes_ > limits_.max_member_bytes) {
      too_large_ = true;
      value_.clear();
      value_.shrink_to_fit();
      return;
    }
    value_.append(bytes);
  };
  size_t i = 0;
  while (i < chunk.size()) {
    offset_ = base + i;
    const char c = chunk[i];
    switch (state_) {
      case State::kStart:
        if (IsBlank(c)) break;
        if (c != '{') return Fail("document is not a JSON object");
        state_ = State::kBeforeKey;
        after_comma_ = false;
        break;
      case State::kBeforeKey:
        if (IsBlank(c)) break;
        if (c == '"') {
          key_.clear();
          key_escaped_ = false;
          state_ = State::kKey;
        } else if (c == '}' && !after_comma_) {
          state_ = State::kDone;
        } else {
          return Fail(c == '}' ? "trailing comma" : "expected a member name");
        }
        break;
      case State::kKey: {
        const size_t n = Run(chunk, i, kStringSpecial);
        // Checked byte by byte, so that the error and its position do not depend on chunking.
        for (size_t k = i; k < i + n; ++k) {
          offset_ = base + k;
          if (static_cast<unsigned char>(chunk[k]) < 0x20) return Fail("control character in a member name");
          if (key_.size() + (k - i) + 1 > limits_.max_key_bytes) return Fail("member name too long");
        }
        key_.append(chunk.substr(i, n));
        i += n;
        if (i == chunk.size()) continue;
        if (chunk[i] == '\\') {
          offset_ = base + i;
          if (key_.size() + 2 > limits_.max_key_bytes) return Fail("member name too long");
          key_.push_back('\\');
          key_escaped_ = true;
          state_ = State::kKeyEscape;
        } else {
          state_ = State::kAfterKey;
        }
        break;
      }
      case State::kKeyEscape:
        key_.push_back(c);
        state_ = State::kKey;
        break;
      case State::kAfterKey:
        if (IsBlank(c)) break;
        if (c != ':') return Fail("expected ':' after a member name");
        state_ = State::kBeforeValue;
        break;
      case State::kBeforeValue:
        if (IsBlank(c)) break;
        value_.clear();
        value_bytes_ = 0;
        too_large_ = false;
        string_value_ = false;
        if (c == '{' || c == '[') {
          depth_ = 1;
          state_ = State::kValue;
        } else if (c == '"') {
          string_value_ = true;
          state_ = State::kValueString;
        } else if (c == '}' || c == ']' || c == ',' || c == ':') {
          return Fail("expected a value");
        } else {
          state_ = State::kScalar;
        }
        append(chunk.substr(i, 1));
        break;
      case State::kValue: {
        const size_t n = Run(chunk, i, kValueSpecial);
        append(chunk.substr(i, n));
        i += n;
        if (i == chunk.size()) continue;
        const char d = chunk[i];
        offset_ = base + i;
        append(chunk.substr(i, 1));
        if (d == '"') {
          state_ = State::kValueString;
        } else if (d == '{' || d == '[') {
          if (++depth_ > limits_.max_depth) return Fail("nesting deeper than " + std::to_string(limits_.max_depth));
        } else if (--depth_ == 0) {
          state_ = State::kAfterValue;
          RETURN_IF_ERROR(EndMember());
        }
        break;
      }
      case State::kValueString: {
        const size_t n = Run(chunk, i, kStringSpecial);
        append(chunk.substr(i, n));
        i += n;
        if (i == chunk.size()) continue;
        append(chunk.substr(i, 1));
        if (chunk[i] == '\\') {
          state_ = State::kValueStringEscape;
        } else if (string_value_) {
          offset_ = base + i;
          state_ = State::kAfterValue;
          RETURN_IF_ERROR(EndMember());
        } else {
          state_ = State::kValue;
        }
        break;
      }
      case State::kValueStringEscape:
        append(chunk.substr(i, 1));
        state_ = State::kValueString;
        break;
      case State::kScalar:
        if (IsBlank(c) || c == ',' || c == '}' || c == ']') {
          state_ = State::kAfterValue;
          RETURN_IF_ERROR(EndMember());
          continue;  // the delimiter is read again in kAfterValue
        }
        if (value_bytes_ > 64) return Fail("malformed value");
        append(chunk.substr(i, 1));
        break;
      case State::kAfterValue:
        if (IsBlank(c)) break;
        if (c == ',') {
          after_comma_ = true;
          state_ = State::kBeforeKey;
        } else if (c == '}') {
          state_ = State::kDone;
        } else {
          return Fail("expected ',' or '}' after a member");
        }
        break;
      case State::kDone:
        if (!IsBlank(c)) return Fail("data after the end of the object");
        break;
    }
    ++i;
  }
  offset_ = base + chunk.size();
  return Status::Ok();
}

Status JsonMemberSplitter::Finish() {
  if (!error_.ok()) return error_;
  if (state_ == State::kDone) return Status::Ok();
  if (state_ == State::kStart) return Fail("empty document");
  return Fail("truncated document");
}

Status SplitJsonObject(std::string_view text, const JsonMemberSplitter::MemberFn& on_member,
                       const JsonMemberSplitter::TooLargeFn& on_too_large,
                       JsonMemberSplitter::Limits limits) {
  JsonMemberSplitter splitter(on_member, on_too_large, limits);
  RETURN_IF_ERROR(splitter.Feed(text));
  return splitter.Finish();
}

}  // namespace surveyor::vulndb
