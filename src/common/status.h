// Status and Result<T>: the error vocabulary of every Surveyor component.
// A Status is a canonical code (Abseil's set), a human message, and an optional domain code
// (an OCI error code such as "BLOB_UNKNOWN", or an AWS exception name such as
// "RepositoryNotFoundException") that the API layers put on the wire. Value types; thread-compatible.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace surveyor {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the caller sent something malformed; fix the input
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // creating something that is already there
  kPermissionDenied,    // authenticated, but not allowed
  kUnauthenticated,     // no or bad credentials
  kFailedPrecondition,  // the system is not in the state the operation needs
  kResourceExhausted,   // a configured limit was hit (size, count, quota)
  kOutOfRange,          // a position or range outside what exists (HTTP 416)
  kUnimplemented,       // not supported by this server
  kUnavailable,         // transient; retrying may succeed
  kAborted,             // concurrency conflict; retry the whole operation
  kDataLoss,            // stored data is corrupt
  kInternal,            // a bug or an environment failure (I/O)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string domain_code = {})
      : code_(code), message_(std::move(message)), domain_code_(std::move(domain_code)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The protocol-level error name, empty when the component did not choose one.
  const std::string& domain_code() const { return domain_code_; }

  // Returns a copy with `prefix: ` put in front of the message.
  Status WithContext(std::string_view prefix) const;
  // Returns a copy carrying `domain_code` (keeps an existing one unless `overwrite`).
  Status WithDomainCode(std::string domain_code, bool overwrite = false) const;

  // "INVALID_ARGUMENT: message [DOMAIN_CODE]"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string domain_code_;
};

inline Status InvalidArgument(std::string m, std::string d = {}) {
  return {StatusCode::kInvalidArgument, std::move(m), std::move(d)};
}
inline Status NotFound(std::string m, std::string d = {}) {
  return {StatusCode::kNotFound, std::move(m), std::move(d)};
}
inline Status AlreadyExists(std::string m, std::string d = {}) {
  return {StatusCode::kAlreadyExists, std::move(m), std::move(d)};
}
inline Status PermissionDenied(std::string m, std::string d = {}) {
  return {StatusCode::kPermissionDenied, std::move(m), std::move(d)};
}
inline Status Unauthenticated(std::string m, std::string d = {}) {
  return {StatusCode::kUnauthenticated, std::move(m), std::move(d)};
}
inline Status FailedPrecondition(std::string m, std::string d = {}) {
  return {StatusCode::kFailedPrecondition, std::move(m), std::move(d)};
}
inline Status ResourceExhausted(std::string m, std::string d = {}) {
  return {StatusCode::kResourceExhausted, std::move(m), std::move(d)};
}
inline Status OutOfRange(std::string m, std::string d = {}) {
  return {StatusCode::kOutOfRange, std::move(m), std::move(d)};
}
inline Status Unimplemented(std::string m, std::string d = {}) {
  return {StatusCode::kUnimplemented, std::move(m), std::move(d)};
}
inline Status Unavailable(std::string m, std::string d = {}) {
  return {StatusCode::kUnavailable, std::move(m), std::move(d)};
}
inline Status Aborted(std::string m, std::string d = {}) {
  return {StatusCode::kAborted, std::move(m), std::move(d)};
}
inline Status DataLoss(std::string m, std::string d = {}) {
  return {StatusCode::kDataLoss, std::move(m), std::move(d)};
}
inline Status Internal(std::string m, std::string d = {}) {
  return {StatusCode::kInternal, std::move(m), std::move(d)};
}

// Result<T>: a T or a non-OK Status. Accessing the value of an error is a programmer error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Status> v_;
};

namespace internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace surveyor

#define SURVEYOR_CONCAT_INNER_(a, b) a##b
#define SURVEYOR_CONCAT_(a, b) SURVEYOR_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (a Status or Result) is an error.
// The Status is copied out before the full expression ends, so `RETURN_IF_ERROR(f().status())`
// is safe although the Result that f() returns is a temporary.
#define RETURN_IF_ERROR(expr)                                                        \
  do {                                                                               \
    ::surveyor::Status surveyor_status_ = ::surveyor::internal::GetStatus((expr));   \
    if (!surveyor_status_.ok()) return surveyor_status_;                             \
  } while (false)

// `ASSIGN_OR_RETURN(auto x, ResultReturningCall());`
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(SURVEYOR_CONCAT_(surveyor_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
