// Operating errors as values (no exceptions through core/). A Status carries a code that maps
// to the CLI's exit codes and a message that names the file, line, key or seq at fault.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace tape {

enum class StatusCode : int {
  kOk = 0,
  kUsage = 1,         // exit 1
  kInvalidInput = 2,  // exit 2: bad input, config or data
  kMismatch = 3,      // exit 3: divergence, corruption or tampering
  kIo = 4,            // exit 4: an environment failure (disk full, permission, lock, device)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status usage(std::string m) { return Status(StatusCode::kUsage, std::move(m)); }
  static Status invalid(std::string m) { return Status(StatusCode::kInvalidInput, std::move(m)); }
  static Status mismatch(std::string m) { return Status(StatusCode::kMismatch, std::move(m)); }
  static Status io(std::string m) { return Status(StatusCode::kIo, std::move(m)); }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // The process exit code of the CLI contract (README.md, exit codes): the code's own value.
  int exit_code() const { return static_cast<int>(code_); }

 private:
  Status(StatusCode c, std::string m) : code_(c), message_(std::move(m)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {
    if (status_.is_ok()) status_ = Status::invalid("Result built from an ok Status");
  }
  bool is_ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace tape

#define TAPE_CONCAT_INNER(a, b) a##b
#define TAPE_CONCAT(a, b) TAPE_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define RETURN_IF_ERROR(expr)                 \
  do {                                        \
    ::tape::Status _st = (expr);              \
    if (!_st.is_ok()) return _st;             \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, f());` binds the value or returns the Status.
#define ASSIGN_OR_RETURN(lhs, expr)                                      \
  auto TAPE_CONCAT(_res_, __LINE__) = (expr);                            \
  if (!TAPE_CONCAT(_res_, __LINE__).is_ok())                             \
    return TAPE_CONCAT(_res_, __LINE__).status();                        \
  lhs = std::move(TAPE_CONCAT(_res_, __LINE__)).value()

// Always-on invariant check: a breach would corrupt state, so the process stops.
#define TAPE_CHECK(cond, msg)                                                          \
  do {                                                                                 \
    if (!(cond)) [[unlikely]] {                                                        \
      std::fprintf(stderr, "tape: invariant violated at %s:%d: %s (%s)\n", __FILE__,   \
                   __LINE__, #cond, (msg));                                            \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)
