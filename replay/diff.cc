#include "replay/diff.h"

#include "core/codec.h"

namespace tape {
namespace {

constexpr const char* kNone = "(none: the log ends before this seq)";

DiffResult differ(uint64_t seq, std::string what, std::string a, std::string b,
                  const DiffResult& progress) {
  DiffResult r = progress;
  r.identical = false;
  r.seq = seq;
  r.what = std::move(what);
  r.a = std::move(a);
  r.b = std::move(b);
  return r;
}

struct Formats {
  const ValueFormat* a;
  const ValueFormat* b;
};

// Compares one input and its outputs; fills `out` and returns true at the first difference.
bool compare(const RecordedInput& a, const RecordedInput& b, const Formats& f,
             DiffResult& progress, DiffResult& out) {
  const uint64_t seq = a.input.seq.value();
  if (!(a.input == b.input)) {
    out = differ(seq, "input", describe(a.input, f.a), describe(b.input, f.b), progress);
    return true;
  }
  ++progress.inputs_compared;
  const size_t n = std::max(a.outputs.size(), b.outputs.size());
  for (size_t k = 0; k < n; ++k) {
    const bool ha = k < a.outputs.size(), hb = k < b.outputs.size();
    if (ha && hb && a.outputs[k] == b.outputs[k]) {
      ++progress.outputs_compared;
      continue;
    }
    out = differ(seq, "output k=" + std::to_string(k),
                 ha ? describe(a.outputs[k], f.a) : "(no output)",
                 hb ? describe(b.outputs[k], f.b) : "(no output)", progress);
    return true;
  }
  return false;
}

}  // namespace

Result<DiffResult> diff_logs(const EventLog& a, const EventLog& b, const ValueFormat* format_a,
                             const ValueFormat* format_b) {
  const Formats f{format_a, format_b};
  LogReader ra(a), rb(b);
  DiffResult progress;
  while (true) {
    ASSIGN_OR_RETURN(std::optional<RecordedInput> ia, ra.next());
    ASSIGN_OR_RETURN(std::optional<RecordedInput> ib, rb.next());
    if (!ia && !ib) return progress;
    if (!ia || !ib) {
      const RecordedInput& present = ia ? *ia : *ib;
      return differ(present.input.seq.value(), "length", ia ? describe(ia->input, f.a) : kNone,
                    ib ? describe(ib->input, f.b) : kNone, progress);
    }
    DiffResult out;
    if (compare(*ia, *ib, f, progress, out)) return out;
  }
}

}  // namespace tape
