// A Status with context put before its message, keeping its code (and so its exit code).
#pragma once

#include <string>

#include "core/status.h"

namespace tape {

inline Status prefixed(const Status& st, const std::string& prefix) {
  if (st.is_ok()) return st;
  const std::string m = prefix + st.message();
  switch (st.code()) {
    case StatusCode::kUsage: return Status::usage(m);
    case StatusCode::kMismatch: return Status::mismatch(m);
    case StatusCode::kIo: return Status::io(m);
    default: return Status::invalid(m);
  }
}

}  // namespace tape
