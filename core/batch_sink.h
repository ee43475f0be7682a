// Where the recorder hands closed batches. store/ implements it on RocksDB; tests fake it in
// memory. core/ never touches files: this interface is the whole boundary.
#pragma once

#include <string>

#include "core/status.h"
#include "core/types.h"

namespace tape {

// One closed batch: the inputs [first_seq, last_seq] and every output derived from them, each
// encoded as one Cap'n Proto message (flat array of words, unpacked): `inputs` holds a
// schema::InputBlock, `outputs` a schema::OutputBlock.
struct EncodedBatch {
  Seq first_seq;
  Seq last_seq;
  Timestamp first_ts;
  Timestamp last_ts;
  uint32_t input_count = 0;
  uint32_t output_count = 0;
  std::string inputs;
  std::string outputs;
};

class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // Takes ownership of the batch. Batches arrive in seq order, gap-free. May block while the
  // sink's bounded queue is full (the core waits; nothing is dropped). An error is sticky.
  virtual Status append(EncodedBatch&& batch) = 0;
  // Returns once every appended batch is durable per the sink's sync setting, or the first error.
  virtual Status flush() = 0;
};

}  // namespace tape
