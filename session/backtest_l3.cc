#include "session/backtest_l3.h"

namespace tape {

Json l3_summary_json(const L3Venue& venue, const InstrumentTable& instruments) {
  Json list = Json::array();
  for (size_t i = 0; i < instruments.size(); ++i) {
    const L3Counters& c = venue.book(InstrumentId(static_cast<uint32_t>(i))).counters();
    if (c.messages == 0) continue;
    list.push_back({{"symbol", instruments[i].symbol},
                    {"messages", c.messages},
                    {"unknown_reduce", c.unknown_reduce},
                    {"unknown_delete", c.unknown_delete},
                    {"unknown_execute", c.unknown_execute},
                    {"unknown_excess_lots", c.unknown_excess_lots},
                    {"duplicate_adds", c.duplicate_adds},
                    {"dropped_adds", c.dropped_adds},
                    {"oversize_reduces", c.oversize_reduces},
                    {"pruned_levels", c.pruned_levels},
                    {"pruned_lots", c.pruned_lots},
                    {"hidden_executions", c.hidden_executions},
                    {"crosses", c.crosses},
                    {"halts", c.halts},
                    {"absorbed_executions", c.absorbed_executions},
                    {"absorbed_lots", c.absorbed_lots},
                    {"crossing_adds", c.crossing_adds}});
  }
  return Json{{"instruments", list}, {"feed_early", venue.feed_early()}};
}

}  // namespace tape
