// Session sources: a data log's inputs in order with their position saved and restored, and
// the generator source's state being exactly the generator's own bytes (so snapshots written
// through a Source are the ones written before sources existed).
#include <gtest/gtest.h>

#include <vector>

#include "cli_util.h"
#include "core/codec.h"
#include "core/state_hash.h"
#include "session/data_log_source.h"
#include "session/generator_source.h"
#include "sim/scenario.h"
#include "store/event_log.h"

namespace tape {
namespace {

Input quote(uint64_t seq, int64_t bid) {
  return Input{Seq(seq), Timestamp(static_cast<int64_t>(seq) * 1'000),
               QuoteIn{InstrumentId(0), Price(bid), Qty(5), Price(bid + 2), Qty(7)}};
}

// Appends inputs first..last as one batch with an empty output block, as `tape import` does.
void append_inputs(EventLog& log, uint64_t first, uint64_t last) {
  std::vector<Input> inputs;
  for (uint64_t s = first; s <= last; ++s) inputs.push_back(quote(s, 1000 + static_cast<int64_t>(s)));
  ASSERT_TRUE(log.append(encode_batch(inputs, {})).is_ok());
}

// A data log of 10 quotes in batches of 4, 4 and 2.
std::unique_ptr<EventLog> make_data_log(const std::string& dir, bool data_kind = true) {
  auto log = EventLog::create(dir, LogOptions{}, false);
  EXPECT_TRUE(log.is_ok()) << log.status().message();
  if (data_kind) {
    EXPECT_TRUE(log.value()->put_meta("log_kind", "data").is_ok());
  }
  append_inputs(*log.value(), 1, 4);
  append_inputs(*log.value(), 5, 8);
  append_inputs(*log.value(), 9, 10);
  EXPECT_TRUE(log.value()->flush().is_ok());
  return std::move(log.value());
}

std::vector<int64_t> drain_bids(Source& source) {
  std::vector<int64_t> bids;
  Timestamp ts;
  InputBody body;
  while (source.next(ts, body)) bids.push_back(std::get<QuoteIn>(body).bid.value());
  EXPECT_TRUE(source.status().is_ok()) << source.status().message();
  return bids;
}

TEST(DataLogSource, YieldsEveryInputInSeqOrderAcrossBatches) {
  testing_util::TempDir dir("data_src");
  auto log = make_data_log(dir.path());
  auto source = DataLogSource::open(*log);
  ASSERT_TRUE(source.is_ok()) << source.status().message();
  Timestamp ts;
  InputBody body;
  ASSERT_TRUE(source.value()->next(ts, body));
  EXPECT_EQ(ts, Timestamp(1'000));
  EXPECT_EQ(source.value()->position(), Seq(1));
  EXPECT_EQ(drain_bids(*source.value()),
            (std::vector<int64_t>{1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010}));
  EXPECT_EQ(source.value()->position(), Seq(10));
}

TEST(DataLogSource, ARestoredPositionGoesOnWithTheNextInput) {
  testing_util::TempDir dir("data_resume");
  auto log = make_data_log(dir.path());
  auto first = DataLogSource::open(*log);
  ASSERT_TRUE(first.is_ok());
  Timestamp ts;
  InputBody body;
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(first.value()->next(ts, body));  // into the 2nd batch
  const std::string state = first.value()->save_state();
  auto resumed = DataLogSource::open(*log);
  ASSERT_TRUE(resumed.is_ok());
  ASSERT_TRUE(resumed.value()->restore_state(state).is_ok());
  EXPECT_EQ(resumed.value()->position(), Seq(6));
  EXPECT_EQ(drain_bids(*resumed.value()), drain_bids(*first.value()));
  EXPECT_EQ(resumed.value()->position(), Seq(10));
}

TEST(DataLogSource, RefusesAPositionPastTheLogAndMalformedState) {
  testing_util::TempDir dir("data_bad_state");
  auto log = make_data_log(dir.path());
  auto source = DataLogSource::open(*log);
  ASSERT_TRUE(source.is_ok());
  StateHasher past;
  past.u64(11);
  EXPECT_FALSE(source.value()->restore_state(past.bytes()).is_ok());
  EXPECT_FALSE(source.value()->restore_state("abc").is_ok());
}

TEST(DataLogSource, RefusesALogThatIsNotADataLog) {
  testing_util::TempDir dir("data_not");
  auto log = make_data_log(dir.path(), /*data_kind=*/false);
  auto source = DataLogSource::open(*log);
  ASSERT_FALSE(source.is_ok());
  EXPECT_EQ(source.status().exit_code(), 2);
  EXPECT_NE(source.status().message().find("not a data log"), std::string::npos);
}

TEST(GeneratorSource, StateBytesAreTheGeneratorsOwnAfterEveryInput) {
  auto scenario = load_scenario_file(std::string(TAPE_SOURCE_DIR) + "/scenarios/quickstart.toml",
                                     {});
  ASSERT_TRUE(scenario.is_ok()) << scenario.status().message();
  GeneratorSource source(scenario.value(), 7, nullptr);
  Generator generator(scenario.value(), 7, nullptr);
  Timestamp ts, ts2;
  InputBody body, body2;
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(source.next(ts, body), generator.next(ts2, body2));
    StateHasher bytes;
    generator.save_state(bytes);
    ASSERT_EQ(source.save_state(), bytes.bytes()) << "after input " << i;
  }
  EXPECT_FALSE(source.restore_state("").is_ok()) << "an empty state cannot resume a run";
}

}  // namespace
}  // namespace tape
